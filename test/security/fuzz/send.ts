// Sends fuzz requests: well-formed HTTP through a keep-alive agent, raw bytes through a socket.
import http from 'node:http';
import net from 'node:net';
import type { FuzzRequest, RawRequest } from './requests.ts';
import { recordErrorAnswer, recordExchange } from '../../helpers/api-contract.ts';
import { isApiPath } from '../../helpers/contract-problems.ts';

export interface Outcome {
  status?: number;
  /** Lower-cased response header block (raw requests) or joined header lines. */
  head: string;
  body: string;
  /** A transport error code: ECONNRESET/EPIPE are how a server may refuse an oversized upload. */
  error?: string;
}

const MAX_READ = 512 * 1024;
const TIMEOUT_MS = 15_000;

export function sendHttp(port: number, agent: http.Agent, req: FuzzRequest): Promise<Outcome> {
  return new Promise((resolve) => {
    let settled = false;
    const done = (outcome: Outcome): void => {
      if (settled) return;
      settled = true;
      resolve(outcome);
    };
    let request: http.ClientRequest;
    try {
      request = http.request({ host: '127.0.0.1', port, method: req.method, path: req.path, headers: req.headers, agent, timeout: TIMEOUT_MS });
    } catch (error) {
      done({ head: '', body: '', error: `client-refused:${(error as NodeJS.ErrnoException).code ?? 'unknown'}` });
      return;
    }
    request.on('response', (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size <= MAX_READ) chunks.push(chunk);
      });
      res.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        // Garbage in, but the answer keeps to the document all the same (a body cut at MAX_READ is no answer to check).
        if (size <= MAX_READ) {
          recordExchange({ method: req.method, url: req.path, status: res.statusCode ?? 0, contentType: res.headers['content-type'] ?? null, body, headers: new Set(Object.keys(res.headers)), allow: res.headers.allow ?? null });
        }
        done({ status: res.statusCode, head: res.rawHeaders.join('\n').toLowerCase(), body });
      });
      res.on('error', (error: NodeJS.ErrnoException) => done({ status: res.statusCode, head: '', body: '', error: error.code ?? 'error' }));
    });
    request.on('timeout', () => {
      request.destroy();
      done({ head: '', body: '', error: 'timeout' });
    });
    request.on('error', (error: NodeJS.ErrnoException) => done({ head: '', body: '', error: error.code ?? 'error' }));
    request.end(req.body);
  });
}

export function sendRaw(port: number, req: RawRequest): Promise<Outcome> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const socket = net.connect({ host: '127.0.0.1', port });
    const bytes = req.bytes(`127.0.0.1:${port}`);
    const finish = (error?: string): void => {
      socket.destroy();
      const text = Buffer.concat(chunks).toString('latin1');
      const split = text.indexOf('\r\n\r\n');
      const head = (split >= 0 ? text.slice(0, split) : text).toLowerCase();
      const status = /^http\/1\.[01] (\d{3})/.exec(head)?.[1];
      const body = split >= 0 ? text.slice(split + 4) : '';
      // Which route such bytes reach is the server's guess; an error it answers has the one shape all the same.
      const contentType = /^content-type:\s*([^\r\n]*)/m.exec(head)?.[1] ?? null;
      const length = /^content-length:\s*(\d+)\r?$/m.exec(head)?.[1];
      // The path as Koa reads it (no dot segments resolved): only Parley's API is held to its error shape, not the relay's /apps/.
      const [method, target = ''] = bytes.subarray(0, Math.max(0, bytes.indexOf('\r\n'))).toString('latin1').split(' ');
      const path = target.split('?')[0]!;
      const sent = Buffer.from(body, 'latin1');
      // A whole answer only (its Content-Length all there), and the first one only (more may follow on the socket).
      if (status && length !== undefined && sent.length >= Number(length) && method !== 'HEAD' && isApiPath(path)) {
        recordErrorAnswer(`raw ${method} ${path.slice(0, 80)}`, { status: Number(status), contentType, body: sent.subarray(0, Number(length)).toString('utf8') });
      }
      resolve({ status: status ? Number(status) : undefined, head, body, ...(error ? { error } : {}) });
    };
    socket.setTimeout(TIMEOUT_MS, () => finish('timeout'));
    socket.on('connect', () => socket.write(bytes));
    socket.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_READ) chunks.push(chunk);
    });
    socket.on('end', () => finish());
    socket.on('error', (error: NodeJS.ErrnoException) => finish(error.code ?? 'error'));
  });
}

/** Runs `tasks` with at most `concurrency` in flight. */
export async function runPool<T>(tasks: Array<() => Promise<T>>, concurrency: number): Promise<T[]> {
  const results: T[] = new Array(tasks.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < tasks.length) {
      const i = next++;
      results[i] = await tasks[i]!();
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return results;
}
