// The embedded Pusher-protocol server: WebSocket endpoint /app/:key, signed HTTP API /apps/:appId/...,
// and in-process publish, all sharing one channel registry. It attaches to an existing http.Server.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { pino } from 'pino';
import { WebSocketServer, type WebSocket } from 'ws';
import { createChannelRegistry } from './channels.ts';
import { attachConnection, type Connection } from './connection.ts';
import { CLOSE, channelEvent, connectionEstablished, errorFrame } from './frames.ts';
import { handleApiRequest } from './http-api.ts';
import { startLivenessSweep } from './liveness.ts';
import { newSocketId } from './names.ts';
import { resolveOptions, type EmbeddedRealtimeOptions } from './options.ts';
import { checkTrigger, type Trigger } from './trigger-rules.ts';

export interface EmbeddedRealtime {
  /** Call from http.Server 'upgrade'; returns false (and does nothing) if the path is not /app/:key. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean;
  /** Call from the http request handler before Koa; returns false if the path is not /apps/:appId/... */
  handleHttp(req: IncomingMessage, res: ServerResponse): boolean;
  /** In-process publish of already-serialised data (a string), no HTTP hop. Throws on what Pusher would refuse. */
  publish(channels: string[], event: string, data: string, excludeSocketId?: string): void;
  connectionCount(): number;
  /** False once close() was called. */
  isOpen(): boolean;
  /** Tells every socket to reconnect (close code 4200) and stops accepting; resolves when all are closed. */
  close(): Promise<void>;
}

const UPGRADE_PATH = /^\/app\/([^/?]+)(?:\?(.*))?$/;
/** After this long, sockets that did not finish the closing handshake are cut. */
const CLOSE_GRACE_MS = 3000;

/** Protocol versions whose wire format is the one implemented here. */
function supportsProtocol(query: string | undefined): boolean {
  const version = new URLSearchParams(query ?? '').get('protocol');
  if (version === null) return true; // the protocol infers a version for old clients
  return /^[5-7]$/.test(version);
}

export function createEmbeddedRealtime(opts: EmbeddedRealtimeOptions): EmbeddedRealtime {
  const options = resolveOptions(opts);
  const log = options.logger ?? pino({ level: 'silent' });
  const registry = createChannelRegistry();
  const connections = new Set<Connection>();
  const wss = new WebSocketServer({ noServer: true, maxPayload: options.maxMessageBytes, perMessageDeflate: false, clientTracking: false });
  const stopSweep = startLivenessSweep(connections, options.activityTimeoutSec, options.pongTimeoutSec);
  let closing: Promise<void> | undefined;
  let allClosed: (() => void) | undefined;

  const context = {
    options,
    registry,
    log,
    onClosed(connection: Connection) {
      connections.delete(connection);
      if (connections.size === 0) allClosed?.();
    },
  };

  function refuse(ws: WebSocket, code: number, message: string): void {
    ws.send(errorFrame(code, message));
    ws.close(code, message);
  }

  function open(ws: WebSocket, key: string, query: string | undefined): void {
    ws.on('error', () => {}); // errors before attachConnection must not become uncaught
    if (closing) return refuse(ws, CLOSE.reconnectNow, 'Server is shutting down; reconnect shortly');
    if (key !== options.key) return refuse(ws, CLOSE.appDoesNotExist, 'Application does not exist');
    if (!supportsProtocol(query)) return refuse(ws, CLOSE.unsupportedProtocol, 'Unsupported protocol version');
    const socketId = newSocketId();
    connections.add(attachConnection(ws, socketId, context));
    ws.send(connectionEstablished(socketId, options.activityTimeoutSec));
  }

  function publishTrigger(trigger: Trigger): void {
    for (const channel of trigger.channels) {
      registry.broadcast(channel, channelEvent(channel, trigger.name, trigger.data), trigger.socketId);
    }
  }

  const apiContext = { appId: options.appId, key: options.key, secret: options.secret, registry, log, publish: publishTrigger };

  return {
    handleUpgrade(req, socket, head) {
      const match = UPGRADE_PATH.exec(req.url ?? '');
      if (!match) return false;
      let key: string;
      try {
        key = decodeURIComponent(match[1] ?? '');
      } catch {
        key = '';
      }
      socket.on('error', (err) => log.debug({ err }, 'realtime: upgrade socket error'));
      wss.handleUpgrade(req, socket, head, (ws) => open(ws, key, match[2]));
      return true;
    },
    handleHttp(req, res) {
      if (!(req.url ?? '').startsWith('/apps/')) return false;
      void handleApiRequest(apiContext, req, res);
      return true;
    },
    publish(channels, event, data, excludeSocketId) {
      const trigger: Trigger = { channels, name: event, data, socketId: excludeSocketId };
      const problem = checkTrigger(trigger);
      if (problem) throw new Error(`realtime publish refused: ${problem.message}`);
      publishTrigger(trigger);
    },
    connectionCount: () => connections.size,
    isOpen: () => !closing,
    close() {
      closing ??= new Promise<void>((resolve) => {
        stopSweep();
        // The WebSocketServer stays usable: newcomers are answered with 4200 by open(), not a dropped socket.
        const done = () => {
          clearTimeout(cutoff);
          resolve();
        };
        const cutoff = setTimeout(() => {
          for (const { ws } of connections) ws.terminate();
        }, CLOSE_GRACE_MS);
        allClosed = done;
        if (connections.size === 0) return done();
        for (const { ws } of connections) refuse(ws, CLOSE.reconnectNow, 'Server is shutting down; reconnect shortly');
      });
      return closing;
    },
  };
}
