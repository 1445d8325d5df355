// A bare http.Server on 127.0.0.1 wired to the embedded realtime server, for tests and benchmarks.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { EmbeddedRealtimeOptions } from './options.ts';
import { createEmbeddedRealtime, type EmbeddedRealtime } from './realtime.ts';

export interface StandaloneRealtime {
  realtime: EmbeddedRealtime;
  port: number;
  stop(): Promise<void>;
}

export async function startStandaloneRealtime(opts: EmbeddedRealtimeOptions & { port?: number }): Promise<StandaloneRealtime> {
  const realtime = createEmbeddedRealtime(opts);
  const server = createServer((req, res) => {
    if (realtime.handleHttp(req, res)) return;
    res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found"}');
  });
  server.on('upgrade', (req, socket, head) => {
    if (!realtime.handleUpgrade(req, socket, head)) socket.destroy();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  return {
    realtime,
    port: (server.address() as AddressInfo).port,
    async stop() {
      await realtime.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
