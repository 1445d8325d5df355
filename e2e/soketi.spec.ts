// The same conversation with Parley publishing through the `pusher` SDK to soketi (REALTIME=pusher)
// and the frame's pusher-js connected to soketi: a third-party relay that only ever sees sealed
// events of the private-encrypted- channel.
import { randomBytes } from 'node:crypto';
import { startParley, type ParleyProcess } from '../test/helpers/parley-server.ts';
import { parleyEnvFor, startSoketi, type RunningSoketi } from '../test/helpers/soketi.ts';
import { allSealed, expectContiguous, openChat, sendAndAwaitReply, transcript, watchChannelEvents } from './support/chat.ts';
import { hostPolicy } from './support/csp.ts';
import { E2E_ENV, expect, test } from './support/fixtures.ts';
import { startHost, type HostSite } from './support/host-server.ts';

test.describe('against soketi', () => {
  let soketi: RunningSoketi;
  let parley: ParleyProcess;
  let site: HostSite;

  test.beforeAll(async () => {
    const app = { appId: '4242', key: `key${randomBytes(6).toString('hex')}`, secret: randomBytes(16).toString('hex') };
    soketi = await startSoketi(app);
    parley = await startParley({
      ...E2E_ENV,
      ...parleyEnvFor(app, soketi),
    });
    site = await startHost({ parleyUrl: parley.url, policy: hostPolicy(new URL(parley.url).origin) });
  });

  test.afterAll(async () => {
    await site?.stop();
    await parley?.stop();
    await soketi?.stop();
  });

  test('a full conversation over the encrypted channel, resumed after a reload', async ({ page }) => {
    const events = watchChannelEvents(page);
    await page.goto(site.url);
    let frame = await openChat(page);
    await sendAndAwaitReply(frame, 'hello');
    const shown = await sendAndAwaitReply(frame, 'what are your opening hours?');
    // The replies came over soketi (not an embedded server on Parley's port), sealed end to end.
    await expect.poll(() => events.length).toBeGreaterThanOrEqual(2);
    expect(new Set(events.map((e) => e.host))).toEqual(new Set([`${soketi.host}:${soketi.port}`]));
    expect(allSealed(events, shown.map((m) => m.text))).toBe(true);

    const before = await transcript(frame);
    await page.reload();
    frame = await openChat(page);
    await expect.poll(() => transcript(frame)).toEqual(before);
    expectContiguous(await sendAndAwaitReply(frame, 'do you deliver?'));
  });
});
