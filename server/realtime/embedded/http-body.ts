// Reads a request body into memory, but never more than `maxBytes`.
import type { IncomingMessage } from 'node:http';

type BodyResult = { ok: true; body: Buffer } | { ok: false; tooLarge: boolean };

export function readBody(req: IncomingMessage, maxBytes: number): Promise<BodyResult> {
  return new Promise((resolve) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > maxBytes) {
      req.resume();
      return resolve({ ok: false, tooLarge: true });
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (result: BodyResult) => {
      if (done) return;
      done = true;
      resolve(result);
    };
    req.on('data', (chunk: Buffer) => {
      if (done) return;
      size += chunk.length;
      if (size > maxBytes) {
        req.resume();
        return finish({ ok: false, tooLarge: true });
      }
      chunks.push(chunk);
    });
    req.on('end', () => finish({ ok: true, body: Buffer.concat(chunks) }));
    req.on('error', () => finish({ ok: false, tooLarge: false }));
    req.on('aborted', () => finish({ ok: false, tooLarge: false }));
  });
}
