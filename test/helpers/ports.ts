// A free loopback port for servers that cannot be told "port 0" and report back the port they took
// (redis-server, soketi, nginx; and Parley's PUBLIC_URL must name the proxy's port before it starts).
import { createServer } from 'node:net';

/** A port nobody listens on right now (it may be taken again before the caller binds it). */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, host, () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}
