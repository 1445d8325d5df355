// Slow clients cannot hold the HTTP server (issue 11, finding 4): headers, request body and idle
// keep-alive each have a configured timeout, and the number of open connections is capped. Real
// TCP clients against a whole in-process Parley server; each slow client dribbles its bytes for
// far longer than the timeout under test, and the test waits for the server's answer or close.
import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startInProcess } from '../helpers/in-process-parley.ts';

const servers: Array<{ close(): Promise<void> }> = [];
const clients: Socket[] = [];

afterEach(async () => {
  for (const c of clients.splice(0)) c.destroy();
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function parley(env: Record<string, string>) {
  const server = await startInProcess(env);
  servers.push(server);
  return server;
}

interface Client {
  socket: Socket;
  /** Everything the server sent so far. */
  received(): string;
  /** Resolves when the server closed the connection, with everything it had sent. */
  closed: Promise<string>;
  /** Resolves with everything received once the first bytes of an answer arrived. */
  answered: Promise<string>;
}

function open(port: number): Promise<Client> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    clients.push(socket);
    let text = '';
    let answer: (text: string) => void;
    const answered = new Promise<string>((done) => (answer = done));
    socket.on('data', (chunk: Buffer) => {
      text += chunk.toString('latin1');
      answer(text);
    });
    socket.on('error', () => {});
    const closed = new Promise<string>((done) => socket.once('close', () => done(text)));
    socket.once('connect', () => resolve({ socket, received: () => text, closed, answered }));
    socket.once('error', reject);
  });
}

/**
 * Writes `head` at once and then `rest` one byte every `everyMs`: a client far slower than any
 * timeout under test. Resolves with 'server closed first: <what it sent>' or, once the whole
 * request got out, 'request completed: <the answer>'.
 */
async function dribble(port: number, head: string, rest: string, everyMs: number): Promise<string> {
  const client = await open(port);
  client.socket.write(head);
  let closedFirst = false;
  const sentAll = (async () => {
    for (const byte of rest) {
      await new Promise((resolve) => setTimeout(resolve, everyMs));
      if (closedFirst) return false;
      client.socket.write(byte);
    }
    return true;
  })();
  const serverClosed = client.closed.then(() => {
    closedFirst = true;
    return 'closed';
  });
  const first = await Promise.race([serverClosed, sentAll.then(() => 'sent')]);
  if (first === 'closed') return `server closed first: ${client.received()}`;
  return `request completed: ${await Promise.race([client.answered, client.closed])}`;
}

describe('slow HTTP clients', () => {
  it('headers sent slower than HTTP_HEADERS_TIMEOUT get 408 and the connection is closed', async () => {
    const server = await parley({ HTTP_HEADERS_TIMEOUT: '500ms', HTTP_REQUEST_TIMEOUT: '2s' });
    // 50 bytes at 100 ms each: five seconds for headers the server gives half a second.
    const outcome = await dribble(server.port, 'GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n', `X-Slow: ${'a'.repeat(40)}\r\n\r\n`, 100);
    expect(outcome).toMatch(/^server closed first: HTTP\/1\.1 408 /);
  });

  it('a body sent slower than HTTP_REQUEST_TIMEOUT gets 408 and the connection is closed', async () => {
    const server = await parley({ HTTP_HEADERS_TIMEOUT: '500ms', HTTP_REQUEST_TIMEOUT: '1s' });
    const body = JSON.stringify({ bot: 'demo', origin: 'http://localhost:5173' });
    const head = `POST /api/v1/sessions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`;
    const outcome = await dribble(server.port, head, body, 150);
    expect(outcome).toMatch(/^server closed first: HTTP\/1\.1 408 /);
  });

  it('an idle keep-alive connection is closed after HTTP_KEEPALIVE_TIMEOUT', async () => {
    const server = await parley({ HTTP_KEEPALIVE_TIMEOUT: '200ms' });
    const client = await open(server.port);
    client.socket.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n\r\n');
    await client.answered;
    const answeredAt = Date.now();
    await client.closed;
    // Node's default is 5 s; the configured 200 ms must be what closed it.
    expect(Date.now() - answeredAt).toBeLessThan(2500);
    expect(client.received()).toMatch(/^HTTP\/1\.1 200 /);
  });

  it('connections past HTTP_MAX_CONNECTIONS are dropped without an answer', async () => {
    const server = await parley({ HTTP_MAX_CONNECTIONS: '2' });
    const held: Client[] = [];
    for (let i = 0; i < 2; i++) {
      const client = await open(server.port);
      client.socket.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n\r\n');
      await client.answered;
      held.push(client);
    }
    const extra = await open(server.port);
    extra.socket.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n');
    expect(await Promise.race([extra.closed.then((text) => `closed, answer: "${text}"`), extra.answered.then((text) => `answered: ${text.slice(0, 15)}`)])).toBe(
      'closed, answer: ""',
    );
    expect(held.map((c) => c.socket.destroyed)).toEqual([false, false]);
  });
});
