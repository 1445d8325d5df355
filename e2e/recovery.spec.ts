// What the frame does when the channel misbehaves: replies whose ciphertext was tampered with in
// transit are never shown as garbage, pusher-js drops them, and the frame recovers them from history.
// Also: a reply that arrives while the chat is closed shows up as an unread badge on the launcher.
import { expectContiguous, launcher, openChat, sendAndAwaitReply, transcript } from './support/chat.ts';
import { expect, test } from './support/fixtures.ts';
import { captureToken, sendAs } from './support/visitor-api.ts';

test('a tampered event is dropped and the message recovered from history', async ({ page, host }) => {
  let tampered = 0;
  let subscribed = false;
  // Sits between the browser and the realtime server and corrupts every sealed event, so the
  // bot's reply (and the echo of the visitor's own message) can only arrive through history.
  await page.context().routeWebSocket(/\/app\//, (ws) => {
    const server = ws.connectToServer();
    server.onMessage((message) => {
      const text = typeof message === 'string' ? message : message.toString('utf8');
      try {
        const frame = JSON.parse(text) as { event?: string; data?: string };
        if (frame.event === 'pusher_internal:subscription_succeeded') subscribed = true;
        if (frame.event === 'message' && frame.data) {
          const data = JSON.parse(frame.data) as { ciphertext: string; nonce: string };
          const flipped = data.ciphertext[5] === 'A' ? 'B' : 'A';
          data.ciphertext = data.ciphertext.slice(0, 5) + flipped + data.ciphertext.slice(6);
          frame.data = JSON.stringify(data);
          tampered++;
          ws.send(JSON.stringify(frame));
          return;
        }
      } catch {
        // not JSON: pass through untouched
      }
      ws.send(message);
    });
  });

  await page.goto(host.url);
  const frame = await openChat(page);
  // Only once subscribed does the reply travel over the channel (before, history brings it).
  await expect.poll(() => subscribed).toBe(true);
  await sendAndAwaitReply(frame, 'hello');
  await expect.poll(() => tampered).toBeGreaterThanOrEqual(1);
  const shown = await transcript(frame);
  expectContiguous(shown);
  expect(shown.at(-1)?.sender).toBe('bot');
  expect(shown.every((m) => !/ciphertext|nonce/.test(m.text))).toBe(true);
});

test('a reply while the chat is closed raises the unread badge; opening clears it', async ({ page, host, parley }) => {
  const token = captureToken(page);
  await page.goto(host.url);
  const frame = await openChat(page);
  await sendAndAwaitReply(frame, 'hello');
  await page.keyboard.press('Escape');
  await expect(launcher(page)).toHaveAccessibleName('Open chat');

  // The visitor's other tab asks something; the bot's answer reaches this (closed) frame.
  await sendAs(parley.url, token(), 'do you deliver?');
  await expect(launcher(page)).toHaveAccessibleName(/^Open chat \(\d+ unread\)$/);
  await expect(launcher(page).locator('span')).toHaveText(/^[1-9]/);

  await launcher(page).click();
  await expect(launcher(page)).toHaveAccessibleName('Close chat');
  await expect(launcher(page).locator('span')).toHaveCount(0);
  await expect.poll(async () => (await transcript(frame)).some((m) => m.text === 'do you deliver?')).toBe(true);
});


test('a failed send is shown with a retry that delivers it once', async ({ page, host }) => {
  let failNext = true;
  await page.context().route(/\/api\/v1\/messages$/, async (route) => {
    if (route.request().method() === 'POST' && failNext) {
      failNext = false;
      await route.abort('connectionreset');
    } else {
      await route.continue();
    }
  });
  await page.goto(host.url);
  const frame = await openChat(page);
  const box = frame.getByRole('textbox');
  await box.fill('are you a bot?');
  await box.press('Enter');
  await expect(frame.getByText('Not sent.')).toBeVisible();
  await frame.getByRole('button', { name: 'Retry' }).click();
  await expect(frame.getByText('Not sent.')).toHaveCount(0);
  await expect.poll(async () => (await transcript(frame)).at(-1)?.sender).toBe('bot');
  const shown = await transcript(frame);
  expectContiguous(shown);
  expect(shown.filter((m) => m.text === 'are you a bot?')).toHaveLength(1);
});
