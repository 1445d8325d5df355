// GET /healthz: 200 when the store and the realtime relay both answer, 503 otherwise.
import type { Middleware } from 'koa';
import type { AppDeps } from '../deps.ts';

const answers = (probe: () => Promise<boolean>) => probe().catch(() => false);

export function health(deps: Pick<AppDeps, 'store' | 'publisher' | 'config'>): Middleware {
  return async (ctx) => {
    const [store, realtime] = await Promise.all([answers(() => deps.store.ping()), answers(() => deps.publisher.ready())]);
    ctx.status = store && realtime ? 200 : 503;
    ctx.body = {
      status: store && realtime ? 'ok' : 'unavailable',
      store: { kind: deps.store.kind, ready: store },
      realtime: { mode: deps.config.realtime.mode, ready: realtime },
    };
  };
}
