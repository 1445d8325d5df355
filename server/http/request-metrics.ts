// Times every request the Koa app answers, labelled by the router's route pattern
// (`/api/v1/console/handovers/:id`), never the raw path: a path carries ids, and a client choosing
// paths must not be able to mint new series. The method is the client's too: any other than the
// usual ones counts as `other`.
import type { Middleware } from 'koa';
import type { Metrics } from '../metrics/metrics.ts';

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

export function requestMetrics(metrics: Pick<Metrics, 'httpDuration'>): Middleware {
  return async (ctx, next) => {
    const end = metrics.httpDuration.startTimer();
    try {
      await next();
    } finally {
      const route = (ctx as { _matchedRoute?: unknown })._matchedRoute;
      end({
        method: METHODS.has(ctx.method) ? ctx.method : 'other',
        route: typeof route === 'string' ? route : 'unmatched',
        status: String(ctx.status),
      });
    }
  };
}
