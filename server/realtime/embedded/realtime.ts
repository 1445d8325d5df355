// The embedded Pusher-protocol server: WebSocket endpoint /app/:key, signed HTTP API /apps/:appId/...,
// and in-process publish, all sharing one channel registry. It attaches to an existing http.Server.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { pino } from 'pino';
import { WebSocketServer, type WebSocket } from 'ws';
import { createCapacity } from './capacity.ts';
import { createChannelRegistry } from './channels.ts';
import { attachConnection, type Connection } from './connection.ts';
import { CLOSE, channelEvent, connectionEstablished, errorFrame } from './frames.ts';
import { handleApiRequest } from './http-api.ts';
import { startLivenessSweep } from './liveness.ts';
import { newSocketId } from './names.ts';
import { resolveOptions, type EmbeddedRealtimeOptions } from './options.ts';
import { hangUp } from './socket-output.ts';
import { checkTrigger, type Trigger } from './trigger-rules.ts';

export interface EmbeddedRealtime {
  /** Call from http.Server 'upgrade'; returns false (and does nothing) if the path is not /app/:key. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean;
  /** Call from the http request handler before Koa; returns false if the path is not /apps/:appId/... */
  handleHttp(req: IncomingMessage, res: ServerResponse): boolean;
  /** In-process publish of already-serialised data (a string), no HTTP hop. Throws on what Pusher would refuse. */
  publish(channels: string[], event: string, data: string, excludeSocketId?: string): void;
  connectionCount(): number;
  /** Subscriptions (socket, channel pairs) on channels whose names start with `prefix` (all without one). */
  subscriptionCount(prefix?: string): number;
  /** False once close() was called. */
  isOpen(): boolean;
  /** Tells every socket to reconnect (close code 4200) and stops accepting; resolves when all are closed. */
  close(): Promise<void>;
}

const UPGRADE_PATH = /^\/app\/([^/?]+)(?:\?(.*))?$/;
/** After this long, sockets that did not finish the closing handshake are cut. */
const CLOSE_GRACE_MS = 3000;

const ignoreError = () => {};

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
  const capacity = createCapacity(options.maxConnections, options.maxConnectionsPerIp);
  const wss = new WebSocketServer({ noServer: true, maxPayload: options.maxMessageBytes, perMessageDeflate: false, clientTracking: false });
  const stopSweep = startLivenessSweep(connections, {
    activityMs: options.activityTimeoutSec * 1000,
    pongMs: options.pongTimeoutSec * 1000,
    idleGraceMs: options.idleGraceMs,
  });
  const logUpgradeSocketError = (err: Error) => log.debug({ err }, 'realtime: upgrade socket error');
  let closing: Promise<void> | undefined;
  let allClosed: (() => void) | undefined;

  const context = {
    options,
    registry,
    log,
    onClosed(connection: Connection) {
      connections.delete(connection);
      capacity.release(connection.ip);
      if (connections.size === 0) allClosed?.();
    },
  };

  /** A browser always names the page that opens a WebSocket; anything else (or nothing) is not ours. */
  function originAllowed(req: IncomingMessage): boolean {
    if (!options.allowedOrigins) return true;
    const origin = req.headers.origin;
    return typeof origin === 'string' && options.allowedOrigins.has(origin.toLowerCase());
  }

  function open(ws: WebSocket, socket: Duplex, req: IncomingMessage, key: string, query: string | undefined): void {
    ws.on('error', ignoreError); // errors before attachConnection must not become uncaught
    const refuse = (code: number, message: string) => {
      log.debug({ code }, 'realtime: refused a connection');
      hangUp(ws, socket, code, message, options.maxBufferedBytes);
    };
    if (closing) return refuse(CLOSE.reconnectNow, 'Server is shutting down; reconnect shortly');
    if (!originAllowed(req)) return refuse(CLOSE.unauthorized, 'Origin not allowed');
    if (key !== options.key) return refuse(CLOSE.appDoesNotExist, 'Application does not exist');
    if (!supportsProtocol(query)) return refuse(CLOSE.unsupportedProtocol, 'Unsupported protocol version');
    const ip = options.clientIp(req);
    if (!capacity.admit(ip)) return refuse(CLOSE.overCapacity, 'Over capacity; try again later');
    const socketId = newSocketId();
    const connection = attachConnection(ws, socket, socketId, ip, context);
    connections.add(connection);
    connection.deliver(connectionEstablished(socketId, options.activityTimeoutSec));
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
      // Made once, not here: a listener made in this scope would keep its context (the request,
      // its headers) alive as long as the socket, a kilobyte and more per idle connection.
      socket.on('error', logUpgradeSocketError);
      wss.handleUpgrade(req, socket, head, (ws) => open(ws, socket, req, key, match[2]));
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
    subscriptionCount: (prefix) => registry.occupied(prefix).reduce((sum, channel) => sum + registry.subscriptionCount(channel), 0),
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
        // Gracefully: these clients did nothing wrong, so they get the closing handshake (cut after CLOSE_GRACE_MS).
        for (const connection of connections) {
          connection.deliver(errorFrame(CLOSE.reconnectNow, 'Server is shutting down; reconnect shortly'));
          connection.ws.close(CLOSE.reconnectNow, 'Server is shutting down; reconnect shortly');
        }
      });
      return closing;
    },
  };
}
