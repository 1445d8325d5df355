// Everything the server writes to a client socket goes through writeFrame, under one cap: a client
// that stops reading makes the server hold what it cannot send, so past the cap the socket is cut
// instead of memory growing.
import type { Duplex } from 'node:stream';
import { WebSocket } from 'ws';
import { errorFrame } from './frames.ts';

export type WriteOutcome = 'sent' | 'not-open' | 'cut';

/** Queues one text frame, or cuts the socket when that would leave more than `maxBufferedBytes` unsent. */
export function writeFrame(ws: WebSocket, frame: string | Buffer, maxBufferedBytes: number): WriteOutcome {
  if (ws.readyState !== WebSocket.OPEN) return 'not-open';
  const size = typeof frame === 'string' ? Buffer.byteLength(frame, 'utf8') : frame.length;
  if (ws.bufferedAmount + size > maxBufferedBytes) {
    ws.terminate();
    return 'cut';
  }
  ws.send(frame, { binary: false });
  return 'sent';
}

/** How long a hung-up client has to answer the close before its socket is cut. */
const HANG_UP_GRACE_MS = 1000;

/**
 * Closes a socket for a protocol reason: pusher:error with the code, the close frame and our FIN.
 * A client that answers closes cleanly, and what it still sends is read (and ignored) so the end
 * is not a reset that loses the close code; one that never answers is cut after HANG_UP_GRACE_MS,
 * where ws alone would keep the socket 30 s.
 */
export function hangUp(ws: WebSocket, socket: Duplex, code: number, message: string, maxBufferedBytes: number): void {
  writeFrame(ws, errorFrame(code, message), maxBufferedBytes);
  ws.close(code, message);
  socket.end();
  const cut = setTimeout(() => socket.destroy(), HANG_UP_GRACE_MS);
  cut.unref();
  socket.once('close', () => clearTimeout(cut));
}
