// An expired visitor token is renewed without losing the conversation: the frame gets a 401,
// resumes with its old token, and carries on in the same conversation. When the conversation is
// gone, the renewal starts a new one and the frame moves over to it.
import { expectContiguous, openChat, sendAndAwaitReply, transcript } from './support/chat.ts';
import { E2E_ENV, expect, test } from './support/fixtures.ts';
import { hostPolicy } from './support/csp.ts';
import { startHost } from './support/host-server.ts';
import { startParley } from '../test/helpers/parley-server.ts';
import { captureToken, history, sendAs } from './support/visitor-api.ts';

test('an expired token is renewed on the next send and the conversation goes on', async ({ page }) => {
  const parley = await startParley({ ...E2E_ENV, TOKEN_TTL: '3s' });
  const host = await startHost({ parleyUrl: parley.url, policy: hostPolicy(new URL(parley.url).origin) });
  try {
    const token = captureToken(page);
    await page.goto(host.url);
    const frame = await openChat(page);
    await sendAndAwaitReply(frame, 'hello');
    const first = token();
    // The server is a child process with a real clock: wait on the observable result, the token
    // answered with 401 once its 3 s are over (no fixed sleep that guesses when that is).
    await expect
      .poll(async () => (await page.request.get(`${parley.url}/api/v1/messages`, { headers: { authorization: `Bearer ${first}` } })).status(), {
        message: 'the first token expires',
        intervals: [250],
        timeout: 10_000,
      })
      .toBe(401);

    await sendAndAwaitReply(frame, 'What are your opening hours?');
    const shown = await transcript(frame);
    expectContiguous(shown);
    expect(shown.filter((m) => m.sender === 'visitor').map((m) => m.text)).toEqual(['hello', 'What are your opening hours?']);
    expect(token()).not.toBe(first);
    // The renewed token belongs to the same conversation: the server's history has both turns.
    const stored = await history(parley.url, token());
    expect(stored.filter((m) => m.sender === 'visitor').map((m) => m.text)).toEqual(['hello', 'What are your opening hours?']);
  } finally {
    await host.stop();
    await parley.stop();
  }
});

// Finding 12: when the stored conversation is gone (deleted here; archived or swept alike), the
// renewal answers resumed: false with a new conversation. The frame must move to it: its channel,
// its greeting, its replies, and nothing of the old conversation's ids or text.
test('a token that cannot be renewed opens a new conversation, and the frame shows its greeting and reply', async ({ page, parley, host }) => {
  const token = captureToken(page);
  await page.goto(host.url);
  const frame = await openChat(page);
  await sendAndAwaitReply(frame, 'hello');
  const first = token();
  const before = await history(parley.url, first);

  const deleted = await page.request.delete(`${parley.url}/api/v1/conversation`, { headers: { authorization: `Bearer ${first}` } });
  expect(deleted.status()).toBe(204);

  await sendAndAwaitReply(frame, 'What are your opening hours?');
  const shown = await transcript(frame);
  expectContiguous(shown);
  const greeting = before[0]!;
  expect(shown[0]).toMatchObject({ sender: 'bot', text: greeting.text });
  expect(shown.filter((m) => m.sender === 'visitor').map((m) => m.text)).toEqual(['What are your opening hours?']);

  // What the frame shows is the new conversation, as the server has it.
  const renewed = token();
  expect(renewed).not.toBe(first);
  const stored = await history(parley.url, renewed);
  expect(stored[0]!.conversationId).not.toBe(greeting.conversationId);
  expect(shown.map((m) => m.text)).toEqual(stored.map((m) => m.text));

  // The reply came over the new conversation's channel too: a message sent from "another tab"
  // shows up without any further action of the visitor.
  await sendAs(parley.url, renewed, 'sent from another tab');
  await expect(frame.locator('.log .msg.visitor .bubble').filter({ hasText: 'sent from another tab' })).toBeVisible();
});
