// The whole chat on a host page whose CSP is built from csp-whitelist.md plus Trusted Types:
// round trip, resume after reload, XSS payloads as text, keyboard-only use. The guard fixture
// fails every test on any CSP violation (page or frame) and on any dialog.
import { allSealed, chatFrame, expectContiguous, expectPanelClosed, launcher, openChat, sendAndAwaitReply, transcript, watchChannelEvents } from './support/chat.ts';
import { expect, test } from './support/fixtures.ts';

test('a visitor chats with the bot on a CSP-strict page; the host page learns only that messages happened', async ({ page, host }) => {
  const api: string[] = [];
  page.on('request', (r) => {
    if (new URL(r.url()).pathname.startsWith('/api/')) api.push(r.url());
  });
  await page.goto(host.url);
  await expect(launcher(page)).toHaveAccessibleName('Open chat');
  // The frame may be prepared by now (e2e/prepare.spec.ts), but no conversation is.
  expect(api, 'no API request before the visitor asks for the chat').toEqual([]);

  await page.evaluate(() => {
    const seen: unknown[] = [];
    (window as unknown as { seen: unknown[] }).seen = seen;
    window.Parley!.on('message', (m) => seen.push(m));
    window.Parley!.on('open', () => seen.push('open'));
  });
  const relayed = watchChannelEvents(page);
  const frame = await openChat(page);
  await expect(launcher(page)).toHaveAttribute('aria-expanded', 'true');
  await expect(frame.getByRole('log')).toBeVisible();
  await expect.poll(async () => (await transcript(frame)).length, { message: 'the greeting' }).toBeGreaterThan(0);
  await expect(frame.getByRole('heading', { level: 1 }), "the bot's name titles the chat").toHaveText('Nordlys assistant');

  const shown = await sendAndAwaitReply(frame, 'hello, what are your opening hours?');
  expectContiguous(shown);
  expect(shown.some((m) => m.sender === 'visitor' && m.text === 'hello, what are your opening hours?')).toBe(true);
  // The reply travelled over the embedded realtime server, sealed: the relay saw no clear text.
  await expect.poll(() => relayed.length).toBeGreaterThan(0);
  expect(allSealed(relayed, shown.map((m) => m.text))).toBe(true);

  // Host-page scripts get ids and senders, never text; host storage holds one boolean flag, no token.
  const seen = await page.evaluate(() => (window as unknown as { seen: unknown[] }).seen);
  expect(seen[0]).toBe('open');
  const hostEvents = seen.slice(1) as Record<string, unknown>[];
  expect(hostEvents.length).toBeGreaterThan(0);
  for (const e of hostEvents) expect(Object.keys(e).sort()).toEqual(['id', 'sender']);
  const hostStorage = await page.evaluate(() => ({ ...localStorage }));
  expect(hostStorage).toEqual({ 'parley:active:demo': '1' });
});

test('a reload resumes the same conversation, nothing lost or repeated', async ({ page, host }) => {
  await page.goto(host.url);
  let frame = await openChat(page);
  await sendAndAwaitReply(frame, 'hi there');
  const before = await transcript(frame);

  await page.reload();
  // A conversation is ongoing: the frame starts at once (hidden), before the visitor clicks.
  await expect(page.locator('iframe[title="Chat"]')).toHaveCount(1);
  frame = await openChat(page);
  await expect.poll(() => transcript(frame)).toEqual(before);
  const after = await sendAndAwaitReply(frame, 'thanks');
  expectContiguous(after);
  expect(after.slice(0, before.length)).toEqual(before);
});

test('XSS payloads sent as messages are shown as text and never run', async ({ page, host }) => {
  const payloads = [
    '<script>alert(1)</script>',
    '<img src=x onerror=alert(1)>',
    '<svg onload=alert(1)>',
    '<iframe src="javascript:alert(1)">',
    '[x](javascript:alert(1))',
    '[x](data:text/html,<script>alert(1)</script>)',
    "{{constructor.constructor('alert(1)')()}}",
    '</script><script>alert(1)</script>',
    '"><a href="javascript:alert(1)">click</a>',
  ];
  await page.goto(host.url);
  const frame = await openChat(page);
  // Sent in three messages to stay well inside the per-conversation rate limit.
  for (const chunk of [payloads.slice(0, 3), payloads.slice(3, 6), payloads.slice(6)]) {
    await sendAndAwaitReply(frame, chunk.join('\n'));
  }
  const shown = (await transcript(frame)).filter((m) => m.sender === 'visitor').map((m) => m.text).join('\n');
  for (const p of payloads) expect(shown).toContain(p);

  const log = frame.getByRole('log');
  await expect(log.locator('script, iframe, img, svg, object, embed, [onerror], [onload]')).toHaveCount(0);
  await expect(log.locator('a[href^="javascript:"], a[href^="data:"]')).toHaveCount(0);
  expect(await page.evaluate(() => Object.keys(localStorage))).toEqual(['parley:active:demo']);
});

test('keyboard only: reach the launcher, chat, and close with Escape back to the launcher', async ({ page, host }) => {
  await page.goto(host.url);
  await expect(launcher(page)).toBeVisible();
  for (let i = 0; i < 5 && !(await launcher(page).evaluate((el) => el === document.activeElement)); i++) {
    await page.keyboard.press('Tab');
  }
  await expect(launcher(page)).toBeFocused();
  await page.keyboard.press('Enter');

  const frame = chatFrame(page);
  const box = frame.getByRole('textbox', { name: 'Your message' });
  await expect(box).toBeFocused();
  await page.keyboard.type('do you deliver?');
  await page.keyboard.press('Enter');
  await expect.poll(async () => (await transcript(frame)).some((m) => m.text === 'do you deliver?')).toBe(true);
  await expect.poll(async () => (await transcript(frame)).at(-1)?.sender).not.toBe('visitor');

  // Tab from the composer reaches the send button; Shift+Tab goes back through the controls.
  await page.keyboard.press('Tab');
  await expect(frame.getByRole('button', { name: 'Send' })).toBeFocused();
  await page.keyboard.press('Shift+Tab');
  await expect(box).toBeFocused();

  await page.keyboard.press('Escape');
  await expectPanelClosed(page);
  await expect(launcher(page)).toBeFocused();
  await expect(launcher(page)).toHaveAttribute('aria-expanded', 'false');

  // And the frame's own close button, by keyboard.
  await page.keyboard.press('Enter');
  await expect(box).toBeFocused();
  const close = frame.getByRole('button', { name: 'Close chat' });
  for (let i = 0; i < 8 && !(await close.evaluate((el) => el === document.activeElement)); i++) {
    await page.keyboard.press('Shift+Tab');
  }
  await expect(close).toBeFocused();
  await page.keyboard.press('Enter');
  await expectPanelClosed(page);
  await expect(launcher(page)).toBeFocused();
});

test('a chat resumed hidden is ready when opened, even if its session was ready before the view first listened', async ({ page, host }) => {
  // The view subscribes to the chat in an effect Preact runs after the next frame; in a hidden frame
  // (a resumed chat starts hidden) that is a 35 ms timer. A session, history and socket faster than
  // that used to leave the view on its first state for good: "Connecting…", the composer disabled.
  // Here the page's clock is held until all of that is done, and the socket never answers, so no
  // later state change comes along to hide the missed one.
  await page.goto(host.url);
  await page.evaluate(() => localStorage.setItem('parley:active:demo', '1')); // a conversation is ongoing
  await page.clock.install();
  await page.clock.pauseAt(Date.now() + 1000);
  let socketCreated!: () => void;
  const created = new Promise<void>((resolve) => (socketCreated = resolve));
  await page.routeWebSocket(/\/app\//, () => socketCreated());
  await page.reload();
  await created; // the frame opens its socket right after the session and history are in
  await page.clock.runFor(100); // only now does the view's effect subscribe
  const frame = await openChat(page);
  await expect(frame.getByRole('heading', { level: 1 })).toHaveText('Nordlys assistant');
});
