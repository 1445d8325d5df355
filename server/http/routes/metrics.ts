// GET /metrics: the instance's Prometheus metrics (server/metrics/). Not there at all (404, app.ts
// registers no route) unless METRICS_TOKEN is set; then only for `Authorization: Bearer <METRICS_TOKEN>`, compared in constant
// time (digests of equal length, so neither the token's bytes nor its length leak through timing).
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Middleware } from 'koa';
import createError from 'http-errors';
import type { Registry } from 'prom-client';

const digest = (text: string) => createHash('sha256').update(text).digest();

function bearerMatches(header: string | undefined, token: string): boolean {
  const given = /^Bearer (\S+)$/i.exec(header ?? '')?.[1];
  return given !== undefined && timingSafeEqual(digest(given), digest(token));
}

export function metricsEndpoint(registry: Registry, token: string): Middleware {
  return async (ctx) => {
    if (!bearerMatches(ctx.get('authorization'), token)) {
      throw createError(401, 'A valid metrics token is required', { code: 'invalid_token', headers: { 'WWW-Authenticate': 'Bearer' } });
    }
    ctx.type = registry.contentType;
    ctx.body = await registry.metrics();
  };
}
