// An expired visitor token is renewed without losing the conversation: the frame gets a 401,
// resumes with its old token, and carries on in the same conversation.
import { expectContiguous, openChat, sendAndAwaitReply, transcript } from './support/chat.ts';
import { E2E_ENV, expect, test } from './support/fixtures.ts';
import { hostPolicy } from './support/csp.ts';
import { startHost } from './support/host-server.ts';
import { startParley } from '../test/helpers/parley-server.ts';
import { captureToken, history } from './support/visitor-api.ts';

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
