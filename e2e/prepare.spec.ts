// The frame is prepared before the click (issue 17): the loader creates it hidden once the host
// page is idle, so its HTML and JS are loaded and run by the time the visitor clicks. Preparing
// must cost no privacy: until the visitor opens the chat, no request reaches Parley's API and no
// socket opens, so no conversation exists for a visitor who never clicks.
import { awaitSession, chatFrame, expectPanelClosed, launcher, openChat, sendAndAwaitReply } from './support/chat.ts';
import { hostPolicy } from './support/csp.ts';
import { expect, test } from './support/fixtures.ts';
import { startHost } from './support/host-server.ts';

test('the frame is ready before the click, without an API request or a socket until the visitor opens the chat', async ({ page, host }) => {
  const api: string[] = [];
  const sockets: string[] = [];
  page.on('request', (r) => {
    if (new URL(r.url()).pathname.startsWith('/api/')) api.push(r.url());
  });
  page.on('websocket', (ws) => sockets.push(ws.url()));

  await page.goto(host.url);
  // The visitor has not clicked: the frame exists, hidden, and its script has drawn the chat.
  await expect(page.locator('iframe[title="Chat"]')).toBeAttached();
  await expectPanelClosed(page);
  await expect(chatFrame(page).getByRole('textbox', { includeHidden: true })).toBeAttached();
  // Everything the preparing loads has loaded: nothing more is on its way.
  await page.waitForLoadState('networkidle');
  expect(api, 'API requests before the click').toEqual([]);
  expect(sockets, 'sockets before the click').toEqual([]);
  await expect(launcher(page)).toHaveAttribute('aria-expanded', 'false');

  // The greeting comes with the session's answer: held history requests cannot delay it.
  let release = (): void => {};
  const history = new Promise<void>((resolve) => (release = resolve));
  await page.route('**/api/v1/messages?*', async (route) => {
    await history;
    await route.continue();
  });
  await launcher(page).click();
  await expect(chatFrame(page).locator('.log .msg.bot[data-id]').first()).toBeVisible();
  await awaitSession(chatFrame(page));
  release();
  expect(api.filter((u) => u.includes('/api/v1/sessions'))).toHaveLength(1);
});

test('a realtime client that fails to load is fetched again: replies come from history meanwhile, then over the socket', async ({ page, host }) => {
  let refused = 0;
  // pusher-js is a chunk of its own (widget/frame/chat/realtime.ts): refuse its first two fetches,
  // the frame's idle prefetch and the one connecting after the session.
  await page.route('**/assets/with-encryption-*.js', async (route) => {
    if (refused < 2) {
      refused++;
      await route.abort('connectionrefused');
    } else {
      await route.continue();
    }
  });
  const sockets: string[] = [];
  page.on('websocket', (ws) => sockets.push(ws.url()));
  await page.goto(host.url);
  const frame = await openChat(page);
  await expect.poll(() => refused).toBe(2);
  // Without a socket the chat polls history, so the reply still arrives.
  await sendAndAwaitReply(frame, 'hello');
  // And the poll kicks the realtime client: fetched again, it connects.
  await expect.poll(() => sockets.length, { timeout: 20_000 }).toBeGreaterThan(0);
  await expect(frame.getByText('Connection lost. Reconnecting…')).toHaveCount(0);
});

test('a keyboard visitor opening the prepared frame types straight into the chat, on a page of another origin', async ({ page, host }) => {
  for (let visit = 0; visit < 5; visit++) {
    await page.goto(`${host.url}?visit=${visit}`);
    // Prepared (hidden, drawn) before the visitor acts: the case where focus has to cross into a frame that was display:none.
    await expect(chatFrame(page).getByRole('textbox', { includeHidden: true })).toBeAttached();
    await launcher(page).focus();
    await page.keyboard.press('Enter');
    const box = chatFrame(page).getByRole('textbox');
    await expect(box).toBeFocused();
    // Keys as the browser routes them, to whatever has focus: no element.focus() by the test.
    await page.keyboard.type(`hello ${visit}`);
    await page.keyboard.press('Enter');
    await expect(chatFrame(page).locator('.log .msg.visitor[data-id]').filter({ hasText: `hello ${visit}` })).toBeVisible();
    await page.evaluate(() => localStorage.clear()); // the next visit is a first visit again
  }
});

// Focus must reach the composer whatever the frame was doing at the click, or the visitor's words
// go to the host page while the frame believes it has focus. Keys are typed as the browser routes
// them (page.keyboard), never by focusing the textbox from the test. Each visit is a first visit in
// a fresh context; a host of another site puts the frame in a process of its own, as in production.
for (const site of ['the same site', 'another site'] as const) {
  test(`a visitor's words reach the chat whether the frame was prepared or still loading at the click (host on ${site})`, async ({ browser, parley, host: sameSite }) => {
    test.setTimeout(180_000);
    const host =
      site === 'another site' ? await startHost({ parleyUrl: parley.url, policy: hostPolicy(new URL(parley.url).origin), address: 'localhost' }) : sameSite;
    const unheard: string[] = [];
    try {
      for (let visit = 0; visit < 24; visit++) {
        // Three moments: the frame still loading (its page held until the click, a slow network),
        // loading right then (clicked as soon as the launcher is there), and prepared.
        const moment = (['held', 'quick', 'quick', 'prepared'] as const)[visit % 4];
        const context = await browser.newContext();
        try {
          const page = await context.newPage();
          let clicked = (): void => {};
          const click = new Promise<void>((resolve) => (clicked = resolve));
          if (moment === 'held') {
            await page.route('**/frame.html?*', async (route) => {
              await click;
              await route.continue();
            });
          }
          await page.goto(host.url, { waitUntil: moment === 'quick' ? 'commit' : 'load' });
          if (moment === 'prepared') await expect(chatFrame(page).getByRole('textbox', { includeHidden: true })).toBeAttached();
          await launcher(page).click();
          clicked();
          const box = chatFrame(page).getByRole('textbox');
          await expect(box).toBeFocused();
          await page.keyboard.type(`hello ${visit}`);
          await page.keyboard.press('Enter');
          const sent = chatFrame(page).locator('.log .msg.visitor[data-id]').filter({ hasText: `hello ${visit}` });
          if (!(await sent.waitFor({ timeout: 5_000 }).then(() => true, () => false))) unheard.push(`${visit} (${moment})`);
        } finally {
          await context.close();
        }
      }
    } finally {
      if (host !== sameSite) await host.stop();
    }
    expect(unheard, 'visits whose typing never reached the chat').toEqual([]);
  });
}

// Closed, the prepared panel is see-through and inert rather than display:none: Chromium runs a
// frame that is not rendered at all in a background process (nice 5, where the open chat's is 0)
// and gives it no animation frames, so under load the prepared frame was often still loading at
// the click. The frame gets animation frames only when rendered: that is what this checks.
test('the prepared frame is rendered while closed (an animation frame arrives), not parked as hidden', async ({ page, host }) => {
  await page.goto(host.url);
  await expect(chatFrame(page).getByRole('textbox', { includeHidden: true })).toBeAttached();
  const frame = page.frames().find((f) => new URL(f.url()).pathname === '/frame.html')!;
  const got = await frame.evaluate(
    () => new Promise<string>((resolve) => (requestAnimationFrame(() => resolve('an animation frame')), setTimeout(() => resolve('none in 2 s'), 2000))),
  );
  expect(got).toBe('an animation frame');
});

// What the see-through closed panel must never do: take the host page's clicks or keyboard focus,
// on a desktop (a card over the corner) or on a phone (the whole screen).
for (const [name, viewport] of [
  ['desktop', { width: 1280, height: 800 }],
  ['phone', { width: 390, height: 844 }],
] as const) {
  test(`closed, the prepared panel takes no click and no focus from the host page (${name})`, async ({ page, host }) => {
    await page.setViewportSize(viewport);
    await page.goto(host.url);
    await expect(chatFrame(page).getByRole('textbox', { includeHidden: true })).toBeAttached();
    // A button of the page where the panel lies (above the launcher), clicked by position.
    const at = await page.evaluate(() => {
      const b = document.createElement('button');
      b.textContent = 'Page button';
      Object.assign(b.style, { position: 'fixed', right: '60px', bottom: '200px' });
      b.addEventListener('click', () => (b.dataset.clicked = 'yes'));
      document.body.prepend(b);
      const r = b.getBoundingClientRect();
      return { x: r.x + r.width / 2, y: r.y + r.height / 2 };
    });
    const panel = await page.locator('[id^="parley-panel-"]').boundingBox();
    expect(panel && at.x > panel.x && at.x < panel.x + panel.width && at.y > panel.y && at.y < panel.y + panel.height, 'the button lies under the panel').toBe(true);
    await page.mouse.click(at.x, at.y);
    await expect(page.getByRole('button', { name: 'Page button' })).toHaveAttribute('data-clicked', 'yes');
    // Tab from the launcher never lands in the closed chat.
    await launcher(page).focus();
    for (let i = 0; i < 3; i++) {
      await page.keyboard.press('Tab');
      expect(await page.evaluate(() => document.activeElement?.tagName)).not.toBe('IFRAME');
    }
    await expect(chatFrame(page).getByRole('textbox', { includeHidden: true })).not.toBeFocused();
  });
}
