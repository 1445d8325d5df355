// The widget through the tested deployment (docs/design.md "Tested deployment"): the demo page,
// the frame, the API and the WebSocket all come from one origin, nginx, which spreads the page's
// requests over two Parley instances and takes the WebSocket to soketi; FerretDB and Redis behind.
import type { Response } from '@playwright/test';
import { UPSTREAM_HEADER } from '../test/helpers/nginx.ts';
import { startTopology, type Topology } from '../test/helpers/scale-out-topology.ts';
import { expectContiguous, openChat, sendAndAwaitReply, transcript, watchChannelEvents } from './support/chat.ts';
import { E2E_ENV, expect, test } from './support/fixtures.ts';

test.describe('two instances behind nginx', () => {
  let topology: Topology;

  test.beforeAll(async () => {
    topology = await startTopology({ env: E2E_ENV });
  });

  test.afterAll(async () => {
    await topology?.stop();
  });

  test('the demo page chats through the proxy, served by both instances, and resumes after a reload', async ({ page }) => {
    const events = watchChannelEvents(page);
    // Which instance answered each of the page's requests to Parley (nginx names it in a test-only header).
    const servedBy = new Map<string, string[]>();
    page.on('response', (res: Response) => {
      const upstream = res.headers()[UPSTREAM_HEADER]?.split(/,\s*/).at(-1);
      const request = `${res.request().method()} ${new URL(res.url()).pathname}`;
      if (upstream) servedBy.set(request, [...(servedBy.get(request) ?? []), upstream]);
    });

    await page.goto(`${topology.origin}/`);
    let frame = await openChat(page);
    await sendAndAwaitReply(frame, 'hello');
    await sendAndAwaitReply(frame, 'how much does it cost');
    // A follow-up only the previous turn's dialog state makes sense of, wherever that turn ran.
    const shown = await sendAndAwaitReply(frame, 'what about yearly billing');
    expect(shown.at(-1)!.text).toMatch(/year/i);

    // Live replies came over the one origin's WebSocket (nginx → soketi), and both instances
    // served the chat: the page, the frame and the API calls.
    await expect.poll(() => events.length).toBeGreaterThanOrEqual(3);
    expect(new Set(events.map((e) => e.host))).toEqual(new Set([new URL(topology.origin).host]));
    const instances = new Set(topology.instances.map((i) => topology.upstreamOf(i)));
    expect(new Set([...servedBy.values()].flat())).toEqual(instances);
    expect(servedBy.get('POST /api/v1/messages')).toHaveLength(3);
    expect(servedBy.get('POST /api/v1/messages')!.every((upstream) => instances.has(upstream))).toBe(true);

    const before = await transcript(frame);
    await page.reload();
    frame = await openChat(page);
    await expect.poll(() => transcript(frame)).toEqual(before);
    expectContiguous(await sendAndAwaitReply(frame, 'what are your opening hours?'));
  });
});
