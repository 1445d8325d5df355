// One webhook request: POST the signed body to the target through the guarded lookup, follow no
// redirect (a 3xx is a failure: following it would go wherever the receiver says, unchecked),
// give up after the timeout, and read at most a small part of the answer (never kept). The result
// is what the console shows: status, duration, and a class of error, never the body.
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { guardedLookup, TargetRefused, targetRefusal, type ResolveHost } from './guarded-lookup.ts';

/** Bytes of an answer read before the connection is dropped: enough to finish a normal reply. */
const MAX_RESPONSE_BYTES = 4096;

export type ErrorClass = 'refused_target' | 'timeout' | 'dns' | 'tls' | 'connection' | 'redirect' | 'http_status';

export interface PostResult {
  /** The receiver's status, or null when none came. */
  status: number | null;
  durationMs: number;
  /** Null for a 2xx. */
  errorClass: ErrorClass | null;
}

export interface PostOptions {
  allowed: ReadonlySet<string>;
  resolve: ResolveHost;
  timeoutMs: number;
}

function classify(err: unknown): ErrorClass {
  if (err instanceof TargetRefused) return 'refused_target';
  const { code, name } = err as { code?: string; name?: string };
  if (name === 'TimeoutError' || name === 'AbortError' || code === 'ABORT_ERR') return 'timeout';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'ENODATA') return 'dns';
  if (typeof code === 'string' && (code.startsWith('ERR_TLS') || code.startsWith('ERR_SSL') || /CERT|SELF_SIGNED|UNABLE_TO_VERIFY/.test(code))) return 'tls';
  return 'connection';
}

/** Reads and drops at most MAX_RESPONSE_BYTES of the answer, then lets the connection go. */
function drain(response: IncomingMessage): Promise<void> {
  return new Promise((resolve) => {
    let read = 0;
    response.on('data', (chunk: Buffer) => {
      read += chunk.length;
      if (read > MAX_RESPONSE_BYTES) {
        response.destroy();
        resolve();
      }
    });
    response.on('end', resolve);
    response.on('error', () => resolve());
    response.on('close', resolve);
  });
}

export async function postWebhook(target: string, headers: Record<string, string>, body: string, opts: PostOptions): Promise<PostResult> {
  const started = performance.now();
  const done = (status: number | null, errorClass: ErrorClass | null): PostResult => ({ status, durationMs: Math.round(performance.now() - started), errorClass });
  const url = new URL(target);
  if (targetRefusal(url, opts.allowed)) return done(null, 'refused_target');
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  try {
    const status = await new Promise<number>((resolve, reject) => {
      const req = send(url, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'user-agent': 'Parley-Webhooks/1' },
        lookup: guardedLookup(url, opts.allowed, opts.resolve),
        // A connection of its own: a pooled one might lead to an address checked for another request.
        agent: false,
        signal: AbortSignal.timeout(opts.timeoutMs),
      });
      req.on('response', (response) => {
        drain(response).then(() => resolve(response.statusCode ?? 0), reject);
      });
      req.on('error', reject);
      req.end(body);
    });
    if (status >= 200 && status < 300) return done(status, null);
    return done(status, status >= 300 && status < 400 ? 'redirect' : 'http_status');
  } catch (err) {
    return done(null, classify(err));
  }
}
