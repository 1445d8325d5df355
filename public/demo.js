// The demo site's own script: a "talk to us" button using the widget's JS API, and a small
// event log. It waits for window.Parley because the widget loads asynchronously.
(function () {
  function whenParley(fn) {
    if (window.Parley) return fn(window.Parley);
    var tries = 0;
    var timer = setInterval(function () {
      if (window.Parley || ++tries > 100) {
        clearInterval(timer);
        if (window.Parley) fn(window.Parley);
      }
    }, 100);
  }

  function log(text) {
    var list = document.getElementById('events');
    if (!list) return;
    var item = document.createElement('li');
    item.textContent = new Date().toLocaleTimeString() + ' — ' + text;
    list.insertBefore(item, list.firstChild);
    while (list.children.length > 8) list.removeChild(list.lastChild);
  }

  document.addEventListener('DOMContentLoaded', function () {
    whenParley(function (parley) {
      var ask = document.getElementById('ask');
      if (ask) ask.addEventListener('click', function () { parley.open(); });
      parley.on('open', function () { log('chat opened'); });
      parley.on('close', function () { log('chat closed'); });
      parley.on('message', function (m) { log('message #' + m.id + ' from ' + m.sender); });
    });
  });
})();
