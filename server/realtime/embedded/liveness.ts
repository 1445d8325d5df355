// One timer for all sockets: ping clients that went quiet, close those that do not answer (4201),
// and close those that hold no channel for the grace period (4200): a socket that subscribes to
// nothing serves no one and only takes a place. A per-socket timer would cost memory and timer
// churn on every message.
import { WebSocket } from 'ws';
import type { Connection } from './connection.ts';
import { CLOSE, PING } from './frames.ts';

export interface LivenessTimes {
  activityMs: number;
  pongMs: number;
  idleGraceMs: number;
}

export function startLivenessSweep(connections: Iterable<Connection>, { activityMs, pongMs, idleGraceMs }: LivenessTimes): () => void {
  const everyMs = Math.min(5000, Math.max(100, Math.min(activityMs, pongMs, idleGraceMs) / 4));
  const idleMessage = `No channel subscribed within ${Math.ceil(idleGraceMs / 1000)} s; reconnect when there is one`;
  const timer = setInterval(() => {
    const now = Date.now();
    for (const connection of connections) {
      const { ws } = connection;
      if (ws.readyState !== WebSocket.OPEN) continue;
      if (connection.idleSince > 0 && now - connection.idleSince >= idleGraceMs) {
        connection.hangUp(CLOSE.reconnectNow, idleMessage);
      } else if (connection.pingSentAt > 0) {
        if (now - connection.pingSentAt >= pongMs) ws.close(CLOSE.pongNotReceived, 'Pong reply not received');
      } else if (now - connection.lastSeen >= activityMs) {
        connection.deliver(PING);
        connection.pingSentAt = now;
      }
    }
  }, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
