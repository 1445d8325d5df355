// One timer for all sockets: ping clients that went quiet, close those that do not answer (4201).
// A per-socket timer would cost memory and timer churn on every message.
import { WebSocket } from 'ws';
import type { Connection } from './connection.ts';
import { CLOSE, PING } from './frames.ts';

export function startLivenessSweep(
  connections: Iterable<Connection>,
  activityTimeoutSec: number,
  pongTimeoutSec: number,
): () => void {
  const activityMs = activityTimeoutSec * 1000;
  const pongMs = pongTimeoutSec * 1000;
  const everyMs = Math.min(5000, Math.max(100, Math.min(activityMs, pongMs) / 4));
  const timer = setInterval(() => {
    const now = Date.now();
    for (const connection of connections) {
      const { ws } = connection;
      if (ws.readyState !== WebSocket.OPEN) continue;
      if (connection.pingSentAt > 0) {
        if (now - connection.pingSentAt >= pongMs) ws.close(CLOSE.pongNotReceived, 'Pong reply not received');
      } else if (now - connection.lastSeen >= activityMs) {
        ws.send(PING);
        connection.pingSentAt = now;
      }
    }
  }, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
