// A bare `ws` client speaking Pusher protocol 7 by hand: it subscribes to one private channel with
// a signature from `sign` (never asking for, or holding, the shared secret) and records every frame
// the server sends, verbatim. It sees exactly what a relay or an eavesdropper on the relay sees.
import WebSocket from 'ws';

export interface RawSubscriber {
  socketId: string;
  /** Every text frame received since connecting, in order, as sent. */
  frames: string[];
  send(frame: unknown): void;
  /** Resolves with the frames of `event` once `count` of them have arrived. */
  waitForEvents(event: string, count: number, timeoutMs?: number): Promise<Array<{ event: string; channel?: string; data: string }>>;
  close(): void;
}

export async function subscribeRaw(opts: {
  url: string;
  channel: string;
  sign: (socketId: string, channel: string) => Promise<{ auth: string }> | { auth: string };
  /** The Origin a browser page would send (Parley's realtime server accepts only its own). */
  origin?: string;
}): Promise<RawSubscriber> {
  const ws = new WebSocket(opts.url, { origin: opts.origin });
  const frames: string[] = [];
  const wakers = new Set<() => void>();
  ws.on('message', (raw) => {
    frames.push(String(raw));
    for (const wake of wakers) wake();
  });
  const parsedFrames = () =>
    frames.map((frame) => JSON.parse(frame) as { event: string; channel?: string; data: string });
  const nextFrame = (predicate: (frame: { event: string; channel?: string; data: string }) => boolean, timeoutMs: number) =>
    new Promise<{ event: string; channel?: string; data: string }>((resolve, reject) => {
      const check = () => {
        const found = parsedFrames().find(predicate);
        if (!found) return;
        wakers.delete(check);
        clearTimeout(timer);
        resolve(found);
      };
      const timer = setTimeout(() => {
        wakers.delete(check);
        reject(new Error(`no matching frame; got: ${frames.join('\n')}`));
      }, timeoutMs);
      wakers.add(check);
      check();
    });

  const established = await nextFrame((f) => f.event === 'pusher:connection_established', 10_000);
  const socketId = (JSON.parse(established.data) as { socket_id: string }).socket_id;
  const { auth } = await opts.sign(socketId, opts.channel);
  ws.send(JSON.stringify({ event: 'pusher:subscribe', data: { channel: opts.channel, auth } }));
  await nextFrame((f) => f.event === 'pusher_internal:subscription_succeeded' && f.channel === opts.channel, 10_000);

  return {
    socketId,
    frames,
    send: (frame) => ws.send(JSON.stringify(frame)),
    waitForEvents(event, count, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        const matching = () => parsedFrames().filter((f) => f.event === event);
        const check = () => {
          if (matching().length < count) return;
          wakers.delete(check);
          clearTimeout(timer);
          resolve(matching());
        };
        const timer = setTimeout(() => {
          wakers.delete(check);
          reject(new Error(`${matching().length} of ${count} '${event}' frames arrived`));
        }, timeoutMs);
        wakers.add(check);
        check();
      });
    },
    close: () => ws.close(),
  };
}
