// The Parley server (and with it the embedded realtime server) restarts mid-conversation. A reply
// published while the frame is still reconnecting must be fetched from history on resubscribe:
// afterwards the frame shows exactly the server's history, nothing lost, nothing twice.
import { startParley } from '../test/helpers/parley-server.ts';
import { chatFrame, expectContiguous, openChat, sendAndAwaitReply, transcript } from './support/chat.ts';
import { hostPolicy } from './support/csp.ts';
import { E2E_ENV, expect, test } from './support/fixtures.ts';
import { startHost } from './support/host-server.ts';
import { captureToken, history, sendAs } from './support/visitor-api.ts';

test('server restart mid-conversation: no lost or duplicated message', async ({ page }) => {
  let parley = await startParley(E2E_ENV);
  const site = await startHost({ parleyUrl: parley.url, policy: hostPolicy(new URL(parley.url).origin) });
  try {
    const token = captureToken(page);
    await page.goto(site.url);
    const frame = await openChat(page);
    await sendAndAwaitReply(frame, 'hello');
    await expect(chatFrame(page).locator('.status')).toHaveText('');

    // A hard kill: nothing gets a chance to flush or say goodbye (SQLite runs synchronous=FULL).
    await parley.stop('SIGKILL');
    await expect(frame.locator('.status')).toContainText('Reconnecting');
    parley = await startParley({ ...E2E_ENV, PORT: String(parley.port), DATA_DIR: parley.dataDir });

    // "Another tab" talks at once, before the frame has its socket back: the bot's reply to it
    // is published to nobody and can only reach this frame through the history fill.
    const other = await sendAs(parley.url, token(), 'what are your opening hours?');
    await expect.poll(async () => (await transcript(frame)).some((m) => m.id > other.id && m.sender === 'bot'), { timeout: 30_000 }).toBe(true);
    // The frame restarts its socket as soon as the server answers again, not after a minute.
    await expect(frame.locator('.status')).toHaveText('', { timeout: 15_000 });

    await sendAndAwaitReply(frame, 'do you deliver?');
    const shown = await transcript(frame);
    expectContiguous(shown);
    const truth = await history(parley.url, token());
    expect(shown.map((m) => m.id)).toEqual(truth.map((m) => m.id));
    expect(shown.filter((m) => m.sender === 'visitor').map((m) => m.text)).toEqual(['hello', 'what are your opening hours?', 'do you deliver?']);
  } finally {
    await site.stop();
    await parley.stop();
  }
});
