// Bad input that never becomes a request (headers over Node's 16 KiB, a request line that does not
// parse, headers too slow) is answered by the HTTP server before Koa runs. Node's own answer there is
// a bare status line with no body; Parley's is the same JSON error shape as everywhere else, with the
// connection closed. Real TCP clients against a whole in-process Parley server.
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startInProcess } from '../helpers/in-process-parley.ts';

let parley: Awaited<ReturnType<typeof startInProcess>>;
beforeAll(async () => {
  parley = await startInProcess({ HTTP_HEADERS_TIMEOUT: '300ms' });
});
afterAll(() => parley?.close());

/** Sends `raw` and resolves with everything the server wrote before it closed the connection. */
function exchange(raw: string): Promise<string> {
  const { port } = new URL(parley.url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), '127.0.0.1');
    let text = '';
    socket.on('data', (chunk: Buffer) => (text += chunk.toString('latin1')));
    socket.on('close', () => resolve(text));
    socket.on('error', reject);
    socket.write(raw);
  });
}

function parse(answer: string): { status: number; headers: string; body: unknown } {
  const [head = '', body = ''] = answer.split('\r\n\r\n');
  return { status: Number(head.split(' ')[1]), headers: head.toLowerCase(), body: JSON.parse(body) };
}

describe('errors the HTTP parser answers', () => {
  it('headers over 16 KiB: 431 with a JSON error, and the connection closes', async () => {
    const answer = parse(await exchange(`GET / HTTP/1.1\r\nHost: localhost\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`));
    expect(answer.status).toBe(431);
    expect(answer.headers).toContain('content-type: application/json');
    expect(answer.headers).toContain('connection: close');
    expect(answer.body).toEqual({ error: { code: 'headers_too_large', message: 'The request headers are too large' } });
  });

  it('headers over 16 KiB on a HEAD: 431 with no body, as HTTP has it for HEAD (a body would be read as the next answer)', async () => {
    const answer = await exchange(`HEAD /metrics HTTP/1.1\r\nHost: localhost\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`);
    const [head = '', body] = answer.split('\r\n\r\n');
    expect(head).toMatch(/^HTTP\/1\.1 431 /);
    expect(head.toLowerCase()).toContain('content-type: application/json');
    expect(body).toBe('');
  });

  it('a request line that does not parse: 400 with the generic JSON error', async () => {
    const answer = parse(await exchange('NOT A REQUEST\r\n\r\n'));
    expect(answer.status).toBe(400);
    expect(answer.body).toEqual({ error: { code: 'bad_request', message: 'The request could not be processed' } });
  });

  it('headers slower than HTTP_HEADERS_TIMEOUT: 408 with a JSON error', async () => {
    const answer = parse(await exchange('GET / HTTP/1.1\r\nHost: local'));
    expect(answer.status).toBe(408);
    expect(answer.body).toEqual({ error: { code: 'request_timeout', message: 'The request took too long' } });
  });
});
