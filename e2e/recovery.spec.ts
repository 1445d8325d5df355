// What the frame does when the channel misbehaves: replies whose ciphertext was tampered with in
// transit are never shown as garbage, pusher-js drops them, and the frame recovers them from history.
// Also: a reply that arrives while the chat is closed shows up as an unread badge on the launcher.
import { expectContiguous, launcher, openChat, sendAndAwaitReply, transcript } from './support/chat.ts';
import { expect, test } from './support/fixtures.ts';
import { captureToken, history, sendAs } from './support/visitor-api.ts';
import type { SendResponse } from '../common/wire.ts';

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

test('a send whose answer was lost is retried with its clientId: stored once, answered once', async ({ page, host, parley }) => {
  const token = captureToken(page);
  // The first POST reaches the server and is stored; only its answer is lost, as on a connection
  // that drops after the request went out. The same connection loss keeps the channel's echo of
  // the stored message from the frame until after the retry (else the echo would settle it first).
  let subscribed = false;
  let holding = false;
  const held: Array<() => void> = [];
  await page.context().routeWebSocket(/\/app\//, (ws) => {
    const server = ws.connectToServer();
    server.onMessage((message) => {
      const event = channelEventName(message);
      if (event === 'pusher_internal:subscription_succeeded') subscribed = true;
      if (holding && event !== undefined && !event.startsWith('pusher')) held.push(() => ws.send(message));
      else ws.send(message);
    });
  });
  const answers: SendResponse[] = [];
  await page.context().route(/\/api\/v1\/messages$/, async (route) => {
    if (route.request().method() !== 'POST') return route.continue();
    if (answers.length === 0) holding = true;
    const response = await route.fetch();
    expect(response.status()).toBe(202);
    answers.push((await response.json()) as SendResponse);
    if (answers.length === 1) await route.abort('connectionreset');
    else await route.fulfill({ response });
  });

  await page.goto(host.url);
  const frame = await openChat(page);
  // Subscribed first, so the echo and the reply travel over the channel (and are held).
  await expect.poll(() => subscribed).toBe(true);
  const box = frame.getByRole('textbox');
  await box.fill('are you a bot?');
  await box.press('Enter');
  await expect(frame.getByText('Not sent.')).toBeVisible();
  expect(answers).toHaveLength(1);

  await frame.getByRole('button', { name: 'Retry' }).click();
  await expect.poll(async () => (await transcript(frame)).some((m) => m.text === 'are you a bot?')).toBe(true);
  await expect(frame.getByText('Not sent.')).toHaveCount(0);
  // The retry carried the same clientId, and the server answered it with the message it had stored.
  expect(answers[1]!.message).toEqual(answers[0]!.message);

  // The echo (at least) was held: the frame saw the failure although the server had stored it.
  await expect.poll(() => held.length).toBeGreaterThan(0);
  holding = false;
  for (const deliver of held.splice(0)) deliver();
  // Barrier: the turns of a conversation run one after another, so once the reply to a later
  // message shows, anything a second turn for the retried message would have sent has arrived.
  await sendAndAwaitReply(frame, 'thanks');

  const asked = answers[0]!.message;
  const shown = await transcript(frame);
  expectContiguous(shown);
  expect(shown.filter((m) => m.text === 'are you a bot?')).toHaveLength(1);
  const next = shown.find((m) => m.sender === 'visitor' && m.text === 'thanks')!;
  // The bot_identity intent answers with one message.
  const answered = shown.filter((m) => m.id > asked.id && m.id < next.id);
  expect(answered.map((m) => m.sender)).toEqual(['bot']);

  const stored = await history(parley.url, token());
  expect(stored.filter((m) => m.clientId === asked.clientId)).toHaveLength(1);
  expect(stored.filter((m) => m.id > asked.id && m.id < next.id).map((m) => m.id)).toEqual(answered.map((m) => m.id));
});

/** The Pusher protocol event name of a WebSocket frame, if it is one. */
function channelEventName(message: string | Buffer): string | undefined {
  try {
    const frame = JSON.parse(typeof message === 'string' ? message : message.toString('utf8')) as { event?: unknown };
    return typeof frame.event === 'string' ? frame.event : undefined;
  } catch {
    return undefined;
  }
}
