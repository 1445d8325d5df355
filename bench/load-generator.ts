// Child process of bench/load.ts and bench/soak.ts: a share of the visitors, each a raw-socket
// visitor (raw-visitor.ts) asking the demo bot a question every `paceMs`. Runs apart from the
// benchmark's own process so that thousands of clients never starve the figures it keeps, and
// reports to it every `tickMs`: how many are connected, the turns timed since the last report,
// errors (with a few of their messages), replies lost, and this process's own event-loop delay
// (a generator that falls behind would make the server look slow).
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { rawVisitor, type RawVisitor } from './raw-visitor.ts';
import { QUESTIONS, turn } from './visitor-turn.ts';

export interface LoadPlan {
  url: string;
  /** Tells this generator's client ids apart from the others'. */
  name: string;
  visitors: number;
  paceMs: number;
  /** New visitors per second while ramping up. */
  rampPerSecond: number;
  /** A visitor leaves after this many turns and a new one takes its place; 0: visitors stay. */
  turnsPerVisitor: number;
  tickMs: number;
}

/** What visitors' turns came to over a period. */
export interface TurnCounts {
  /** Turn times (question POSTed → reply opened), while measuring. */
  latencies: number[];
  /** The question's POST → 202 alone, same turns. */
  posts: number[];
  answered: number;
  errors: number;
  errorSamples: string[];
  lost: number;
}

export interface LoadTick extends TurnCounts {
  type: 'tick';
  connected: number;
  /** This generator's own event-loop delay, p99 over the tick (ms). */
  lagP99Ms: number;
}

export type ParentCommand = 'measure' | 'stop';

const plan = JSON.parse(process.env.LOAD_PLAN ?? '{}') as LoadPlan;
const lag = monitorEventLoopDelay({ resolution: 10 });
lag.enable();

let measuring = false;
let stopping = false;
let connected = 0;
const noTurns = (): TurnCounts => ({ latencies: [], posts: [], answered: 0, errors: 0, errorSamples: [], lost: 0 });
const tick = noTurns();

function error(what: string): void {
  tick.errors++;
  if (tick.errorSamples.length < 5) tick.errorSamples.push(what);
}

/** Sleeps that stop() wakes at once, so nothing waits out its pace once the run is over. */
const sleepers = new Set<() => void>();
function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => {
    const wake = () => (clearTimeout(timer), sleepers.delete(wake), resolve());
    const timer = setTimeout(wake, ms);
    sleepers.add(wake);
  });
}

/**
 * Visitors joining at once (session, socket, auth, subscribe). The ramp's rate is an upper bound:
 * a server that joins them more slowly slows the ramp down instead of gathering a crowd of joins
 * that all time out together.
 */
const MAX_JOINING = 32;
let joining = 0;
const queued: (() => void)[] = [];
async function joinTurn(): Promise<void> {
  if (joining >= MAX_JOINING) await new Promise<void>((resolve) => queued.push(resolve));
  joining++;
}
function joined(): void {
  joining--;
  queued.shift()?.();
}

async function visitorSlot(slot: number): Promise<void> {
  let n = 0;
  while (!stopping) {
    let visitor: RawVisitor;
    await joinTurn();
    try {
      visitor = await rawVisitor(plan.url, error);
    } catch (err) {
      error(`visitor did not start: ${(err as Error).message}`);
      await sleep(plan.paceMs);
      continue;
    } finally {
      joined();
    }
    connected++;
    // Visitors speak at their own moments, not in step with each other.
    await sleep(Math.random() * plan.paceMs);
    for (let turns = 0; !stopping && (plan.turnsPerVisitor === 0 || turns < plan.turnsPerVisitor); turns++) {
      const began = performance.now();
      const outcome = await turn(plan.url, visitor.session.token, visitor, `${plan.name}-${slot}-${n}`, QUESTIONS[n % QUESTIONS.length]!).catch(
        (err: Error) => ({ failed: `question failed: ${err.message}${err.cause instanceof Error ? ` (${err.cause.message})` : ''}` }),
      );
      n++;
      if (outcome === 'lost') tick.lost++;
      else if ('failed' in outcome) error(outcome.failed);
      else if ('refused' in outcome) error(`question refused with ${outcome.refused}`);
      else {
        tick.answered++;
        if (measuring) {
          tick.latencies.push(outcome.total);
          tick.posts.push(outcome.post);
        }
      }
      await sleep(Math.max(0, plan.paceMs - (performance.now() - began)));
    }
    connected--;
    visitor.leave();
  }
}

function report(): void {
  if (!process.connected) return;
  const message: LoadTick = { type: 'tick', connected, lagP99Ms: lag.percentile(99) / 1e6, ...tick };
  process.send?.(message);
  lag.reset();
  Object.assign(tick, noTurns());
}

// The benchmark gone (ended, or killed): so are its visitors.
process.on('disconnect', () => process.exit(0));
process.on('message', (command: ParentCommand) => {
  if (command === 'measure') measuring = true;
  if (command === 'stop') {
    stopping = true;
    for (const wake of [...sleepers]) wake();
  }
});

const ticker = setInterval(report, plan.tickMs);
const slots: Promise<void>[] = [];
for (let slot = 0; slot < plan.visitors && !stopping; slot++) {
  slots.push(visitorSlot(slot));
  await sleep(1000 / plan.rampPerSecond);
}
await Promise.all(slots);
clearInterval(ticker);
report();
// Idle keep-alive connections of fetch would hold the process open a few seconds more.
process.send?.({ type: 'done' }, () => process.exit(0));
