// GET /healthz (liveness): the process answers; nothing it depends on is asked, so a relay or store
// outage never makes an orchestrator restart instances that a restart cannot help.
// GET /readyz (readiness): every check in `readinessChecks` answers; 503 naming the ones that do not,
// so a load balancer sends no chats to an instance that cannot store or publish them.
import type { Middleware } from 'koa';
import type { AppDeps } from '../deps.ts';

export interface ReadinessCheck {
  /** The key in /readyz's `checks`. */
  name: string;
  ready(): Promise<boolean>;
}

/** What an instance needs before it takes chats. A new dependency adds its line here. */
export function readinessChecks(deps: Pick<AppDeps, 'store' | 'publisher'>): ReadinessCheck[] {
  return [
    { name: 'store', ready: () => deps.store.ping() },
    { name: 'realtime', ready: () => deps.publisher.ready() },
    // Encryption at rest: without its key store no conversation opens. The server always runs the
    // sealed store; an app built on a bare adapter (some tests) has no key store to ask.
    ...(deps.store?.keysReady ? [{ name: 'keyStore', ready: () => deps.store.keysReady!() }] : []),
  ];
}

export function liveness(): Middleware {
  return (ctx) => {
    ctx.body = { status: 'ok' };
  };
}

const answers = (check: ReadinessCheck) => check.ready().catch(() => false);

export function readiness(checks: ReadinessCheck[]): Middleware {
  return async (ctx) => {
    const results = await Promise.all(checks.map(answers));
    const ready = results.every(Boolean);
    ctx.status = ready ? 200 : 503;
    ctx.body = { status: ready ? 'ready' : 'unavailable', checks: Object.fromEntries(checks.map((check, i) => [check.name, results[i]])) };
  };
}
