// Saving a JSON document the browser holds as a file, in the console and the chat frame alike (a
// browser module: the server never imports it): an object URL on a link with `download`, clicked
// once and let go. No navigation, no inline script, nothing a strict CSP or Trusted Types refuses.

export function downloadJson(data: unknown, fileName: string): void {
  const url = URL.createObjectURL(new Blob([JSON.stringify(data, null, 2)], { type: 'application/json' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  // After the click has been handled: revoking at once can cancel the download in some browsers.
  setTimeout(() => URL.revokeObjectURL(url), 0);
}
