// Pusher's signed HTTP API: POST events and batch_events, GET channel info. Every request is
// authenticated before its body is interpreted; nothing is published unless the whole request passes.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import createError from 'http-errors';
import type { ChannelRegistry } from './channels.ts';
import { readBody } from './http-body.ts';
import { signatureProblem } from './http-signature.ts';
import { channelKind, isValidChannelName } from './names.ts';
import { MAX_BATCH_EVENTS, checkTrigger, type Trigger } from './trigger-rules.ts';

/** A batch of 10 events of 10 KB each, plus names and channels, fits well under this. */
const MAX_BODY_BYTES = 256 * 1024;
const ROUTE = /^\/apps\/([^/]+)\/(events|batch_events|channels)(?:\/([^/]+)(\/users)?)?$/;

interface ApiContext {
  appId: string;
  key: string;
  secret: string;
  registry: ChannelRegistry;
  log: Logger;
  publish(trigger: Trigger): void;
}

function reply(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function parseJsonObject(body: Buffer): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8'));
  } catch {
    throw createError(400, 'body is not valid JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw createError(400, 'body must be a JSON object');
  return value as Record<string, unknown>;
}

/** One event of `events` or of a batch, in the shape the checks and publish take. */
function toTrigger(item: unknown): Trigger {
  if (typeof item !== 'object' || item === null) throw createError(400, 'each event must be an object');
  const e = item as Record<string, unknown>;
  const channels = Array.isArray(e.channels) ? e.channels : typeof e.channel === 'string' ? [e.channel] : undefined;
  if (!channels) throw createError(400, 'channels (or channel) is required');
  const trigger: Trigger = {
    channels: channels as string[],
    name: e.name as string,
    data: e.data as string,
    socketId: e.socket_id === undefined || e.socket_id === null ? undefined : (e.socket_id as string),
  };
  const problem = checkTrigger(trigger);
  if (problem) throw createError(problem.status, problem.message);
  return trigger;
}

function infoFields(query: URLSearchParams): Set<string> {
  return new Set((query.get('info') ?? '').split(',').filter(Boolean));
}

function route(ctx: ApiContext, method: string, match: RegExpExecArray, query: URLSearchParams, body: Buffer): [number, unknown] {
  const [, , resource, channel, users] = match;
  if (resource === 'events' || resource === 'batch_events') {
    if (method !== 'POST' || channel) throw createError(method === 'POST' ? 404 : 405, 'not found');
    const request = parseJsonObject(body);
    if (resource === 'events') {
      ctx.publish(toTrigger(request));
      return [200, {}];
    }
    const batch = request.batch;
    if (!Array.isArray(batch) || batch.length === 0) throw createError(400, 'batch must be a non-empty array');
    if (batch.length > MAX_BATCH_EVENTS) throw createError(400, `at most ${MAX_BATCH_EVENTS} events per batch`);
    const triggers = batch.map(toTrigger);
    for (const trigger of triggers) ctx.publish(trigger);
    return [200, {}];
  }
  if (method !== 'GET') throw createError(405, 'method not allowed');
  const info = infoFields(query);
  if (info.has('user_count')) throw createError(400, 'user_count is only available for presence channels, which this server does not support');
  if (!channel) {
    const prefix = query.get('filter_by_prefix') ?? undefined;
    const channels: Record<string, object> = {};
    for (const name of ctx.registry.occupied(prefix)) channels[name] = {};
    return [200, { channels }];
  }
  if (!isValidChannelName(channel)) throw createError(400, 'invalid channel name');
  if (users || channelKind(channel) === 'presence') throw createError(400, 'presence channels are not supported');
  const count = ctx.registry.subscriptionCount(channel);
  return [200, info.has('subscription_count') ? { occupied: count > 0, subscription_count: count } : { occupied: count > 0 }];
}

/** Handles one request whose path starts with /apps/. */
export async function handleApiRequest(ctx: ApiContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  try {
    const raw = req.url ?? '/';
    const at = raw.indexOf('?');
    const path = at === -1 ? raw : raw.slice(0, at);
    const query = at === -1 ? '' : raw.slice(at + 1);
    const match = ROUTE.exec(path);
    if (!match || match[1] !== ctx.appId) {
      req.resume();
      return reply(res, 404, { error: 'not found' });
    }
    const read = await readBody(req, MAX_BODY_BYTES);
    if (!read.ok) {
      if (read.tooLarge) {
        res.setHeader('connection', 'close');
        reply(res, 413, { error: `request body must be at most ${MAX_BODY_BYTES} bytes` });
      }
      return;
    }
    const method = req.method ?? 'GET';
    const problem = signatureProblem({ method, path, query, body: read.body }, ctx.key, ctx.secret, Math.floor(Date.now() / 1000));
    if (problem) {
      ctx.log.info({ path, problem }, 'realtime: refused an unsigned or badly signed API request');
      return reply(res, 401, { error: problem });
    }
    const [status, body] = route(ctx, method, match, new URLSearchParams(query), read.body);
    reply(res, status, body);
  } catch (err) {
    // Only our own 4xx errors above are written for the client; anything else is a generic 500.
    if (createError.isHttpError(err) && err.expose) return reply(res, err.status, { error: err.message });
    ctx.log.error({ err }, 'realtime: HTTP API request failed');
    if (!res.headersSent) reply(res, 500, { error: 'internal error' });
  }
}
