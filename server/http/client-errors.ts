// What the HTTP server answers before Koa runs: headers over 16 KiB, a request that does not parse,
// headers slower than HTTP_HEADERS_TIMEOUT. Node's own answer is a bare status line; ours is the
// one error shape of errors.ts, then the connection closes (the parser cannot go on after it).
import { STATUS_CODES, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { genericError } from './errors.ts';

/** Node's parser error codes (`HPE_*`, `ERR_HTTP_REQUEST_TIMEOUT`) → the status we answer. */
function statusOf(code: unknown): number {
  if (code === 'HPE_HEADER_OVERFLOW') return 431;
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT') return 408;
  return 400;
}

/** Whether the bytes Node could not parse were a HEAD request, whose answer must carry no body. */
const isHead = (err: NodeJS.ErrnoException & { rawPacket?: Buffer }): boolean => err.rawPacket?.subarray(0, 5).toString('latin1') === 'HEAD ';

function answer(socket: Duplex, status: number, head: boolean): void {
  const body = JSON.stringify(genericError(status));
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\n` +
      'Content-Type: application/json; charset=utf-8\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\n` +
      'X-Content-Type-Options: nosniff\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n' +
      (head ? '' : body),
  );
}

export function answerClientErrors(server: Server): void {
  server.on('clientError', (err: NodeJS.ErrnoException & { rawPacket?: Buffer }, socket: Duplex) => {
    // A reset has no one to read an answer; a response already under way cannot get a second
    // status line (the test Node's own handler makes: a body too slow has a response object, unsent).
    const response = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
    if (err.code === 'ECONNRESET' || !socket.writable || response?.headersSent) {
      socket.destroy();
      return;
    }
    answer(socket, statusOf(err.code), isHead(err));
  });
}
