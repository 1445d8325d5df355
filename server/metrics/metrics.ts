// Prometheus metrics (prom-client), served at GET /metrics when METRICS_TOKEN is set. One registry
// per server instance (tests start several in one process, and prom-client's global registry would
// mix them). Labels are bounded sets only: a route pattern, a method, a status, a store operation,
// a sender kind, a bot id, an event name. Never a conversation id, a visitor id or any text: those
// would leak personal data into a monitoring system and make every series unique.
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Seconds: store calls and webhook deliveries are quicker than whole HTTP requests. */
const FAST_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

export type SweepName = 'retention' | 'handovers';
export type SweepResult = 'ok' | 'failed';

export interface Metrics {
  registry: Registry;
  httpDuration: Histogram<'method' | 'route' | 'status'>;
  /** Stored messages by sender (visitor, bot, operator, system). */
  messages: Counter<'sender'>;
  /** A bot's turn, from the pending turn to its stored replies, by the engine's outcome. */
  botTurnDuration: Histogram<'outcome'>;
  storeDuration: Histogram<'operation' | 'result'>;
  sweepDuration: Histogram<'sweep' | 'result'>;
  webhookDeliveries: Counter<'event' | 'result'>;
  webhookDeliveryDuration: Histogram<'event' | 'result'>;
  /** Starts timing one sweep run that holds its lease; call what it returns with the run's result. */
  timeSweep(sweep: SweepName): (result: SweepResult) => void;
}

export function createMetrics(): Metrics {
  const registry = new Registry();
  // Process CPU, memory, event-loop lag, handles: what tells an overloaded instance apart.
  collectDefaultMetrics({ register: registry });
  const sweepDuration = new Histogram({
    name: 'parley_sweep_duration_seconds',
    help: 'Sweep runs this instance made while holding the sweep lease (retention, handovers), by result',
    labelNames: ['sweep', 'result'] as const,
    registers: [registry],
  });
  return {
    registry,
    httpDuration: new Histogram({
      name: 'parley_http_request_duration_seconds',
      help: 'HTTP requests answered by the Koa app, by route pattern ("unmatched" for no route), method and status',
      labelNames: ['method', 'route', 'status'] as const,
      registers: [registry],
    }),
    messages: new Counter({
      name: 'parley_messages_total',
      help: 'Messages stored, by sender',
      labelNames: ['sender'] as const,
      registers: [registry],
    }),
    botTurnDuration: new Histogram({
      name: 'parley_bot_turn_duration_seconds',
      help: 'Bot turns run by this instance, from the pending turn to its stored replies, by outcome',
      labelNames: ['outcome'] as const,
      registers: [registry],
    }),
    storeDuration: new Histogram({
      name: 'parley_store_operation_duration_seconds',
      help: 'Store calls, by operation (the store method) and result',
      labelNames: ['operation', 'result'] as const,
      buckets: FAST_BUCKETS,
      registers: [registry],
    }),
    sweepDuration,
    webhookDeliveries: new Counter({
      name: 'parley_webhook_deliveries_total',
      help: 'Webhook delivery attempts, by event and what followed (delivered, retrying, failed)',
      labelNames: ['event', 'result'] as const,
      registers: [registry],
    }),
    webhookDeliveryDuration: new Histogram({
      name: 'parley_webhook_delivery_duration_seconds',
      help: 'Webhook delivery attempts, by event and result',
      labelNames: ['event', 'result'] as const,
      buckets: FAST_BUCKETS,
      registers: [registry],
    }),
    timeSweep(sweep) {
      const end = sweepDuration.startTimer({ sweep });
      return (result) => end({ result });
    },
  };
}
