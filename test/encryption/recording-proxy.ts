// A loopback HTTP server that records every request (method, url, body). With `upstream` it
// forwards each request there and relays the answer (a recording proxy between a publisher and
// soketi); without it, it answers `answer` itself (default 200 {}), standing in for a relay's
// HTTP API when all a test wants is the bytes the `pusher` SDK sends.
import { createServer, request as httpRequest, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  url: string;
  body: string;
}

export interface RecordingProxy {
  host: string;
  port: number;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

export async function startRecordingProxy(opts: {
  upstream?: { host: string; port: number };
  answer?: { status: number; body: string };
  /** Holds each answer this long: a slow relay. */
  delayMs?: number;
} = {}): Promise<RecordingProxy> {
  const requests: RecordedRequest[] = [];
  const server = createServer(async (req, res) => {
    const body = await readBody(req);
    requests.push({ method: req.method ?? '', url: req.url ?? '', body });
    if (opts.delayMs) await new Promise((resolve) => setTimeout(resolve, opts.delayMs));
    if (!opts.upstream) {
      const answer = opts.answer ?? { status: 200, body: '{}' };
      res.writeHead(answer.status, { 'content-type': 'application/json' }).end(answer.body);
      return;
    }
    const forward = httpRequest(
      {
        host: opts.upstream.host,
        port: opts.upstream.port,
        method: req.method,
        path: req.url,
        headers: { ...req.headers, host: `${opts.upstream.host}:${opts.upstream.port}` },
      },
      (upstreamRes) => {
        res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.headers);
        upstreamRes.pipe(res);
      },
    );
    forward.on('error', () => res.writeHead(502).end());
    forward.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    host: '127.0.0.1',
    port: (server.address() as AddressInfo).port,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
