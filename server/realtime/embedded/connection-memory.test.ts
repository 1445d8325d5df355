// What an open socket keeps alive. Thousands of idle visitors each hold one socket for hours, so
// anything a socket retains by accident is paid per visitor (issue 17: memory per idle connection).
// Real sockets on 127.0.0.1; V8's own collector decides what is still reachable.
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterEach, expect, it } from 'vitest';
import { channelAuth, rawSocket, subscriptionOutcome, type RawSocket } from '../../../test/realtime/clients.ts';
import { createEmbeddedRealtime } from './index.ts';

// A fresh context made after the flag is set has gc() as a global: collection on demand, in this process.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const app = { appId: '7', key: 'unit-key', secret: 'unit-secret' };
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

it('an open, subscribed socket does not keep its upgrade request (headers and all) alive', async () => {
  const realtime = createEmbeddedRealtime(app);
  const requests: WeakRef<IncomingMessage>[] = [];
  const server = createServer();
  server.on('upgrade', (req, socket, head) => {
    requests.push(new WeakRef(req));
    realtime.handleUpgrade(req, socket, head);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())), () => server.closeAllConnections(), () => realtime.close());
  const sockets: RawSocket[] = [];
  for (let i = 0; i < 5; i++) {
    const socket = await rawSocket((server.address() as AddressInfo).port, app.key);
    sockets.push(socket);
    cleanups.push(() => socket.close());
    const channel = `private-m-${i}`;
    socket.subscribe(channel, channelAuth(app, socket.socketId, channel));
    expect(await subscriptionOutcome(socket, channel)).toBe('succeeded');
  }
  // A WeakRef keeps its target until the current job ends: collect on a later turn of the loop.
  await new Promise((resolve) => setImmediate(resolve));
  gc();
  expect(realtime.connectionCount()).toBe(5);
  expect(requests.filter((ref) => ref.deref() !== undefined)).toHaveLength(0);
});
