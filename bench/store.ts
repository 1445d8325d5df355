// Store benchmark: append latency and throughput (synchronous=FULL, so every append is on disk
// before it resolves), idempotent repeats, history reads and a retention sweep, on a temp SQLite
// file, first the adapter alone, then sealed as the server uses it (encryption at rest), with the
// cost of sealing; the same on MongoDB when MONGODB_URI is set. Prints its figures and exits.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { keysDatabaseBeside } from '../server/config/index.ts';
import { openMongoStore, openSqliteStore, openStore, type StoreConfig } from '../server/store/index.ts';
import type { Store } from '../server/store/store.ts';
import { percentile } from './stats.ts';
import { newId } from '../server/chat/ids.ts';

const CONVERSATIONS = 200;
const MESSAGES_PER_CONVERSATION = 25;
const TURNS_PER_CONVERSATION = 10;

interface Figure {
  p99: number;
  perSecond: number;
  /** This process's CPU time per operation, µs: what a loaded, shared machine disturbs least. */
  cpuMicros: number;
}

/** A phase's clocks: wall time and this process's CPU time since it began. */
function phaseClock() {
  const wall = performance.now();
  const cpu = process.cpuUsage();
  return () => {
    const used = process.cpuUsage(cpu);
    return { totalMs: performance.now() - wall, cpuMicros: used.user + used.system };
  };
}

function line(figures: Map<string, Figure>, label: string, samples: number[], count: number, clock: ReturnType<typeof phaseClock>): void {
  const { totalMs, cpuMicros } = clock();
  const perSecond = (count / totalMs) * 1000;
  figures.set(label, { p99: percentile(samples, 99), perSecond, cpuMicros: cpuMicros / count });
  console.log(
    `  ${label.padEnd(28)} n=${String(count).padStart(6)}  p50=${percentile(samples, 50).toFixed(3)} ms  p99=${percentile(samples, 99).toFixed(3)} ms  ${perSecond.toFixed(0)}/s  cpu ${(cpuMicros / count).toFixed(0)} µs/op`,
  );
}

/** What sealing costs, operation by operation: the target is at most 10 % of throughput and 1 ms of p99. */
function sealingCost(plain: Map<string, Figure>, sealed: Map<string, Figure>): void {
  console.log('  cost of sealing:');
  for (const [label, before] of plain) {
    const after = sealed.get(label)!;
    const throughput = (1 - after.perSecond / before.perSecond) * 100;
    const cpu = after.cpuMicros - before.cpuMicros;
    console.log(
      `    ${label.padEnd(28)} throughput ${throughput >= 0 ? '-' : '+'}${Math.abs(throughput).toFixed(1)} %  p99 ${after.p99 >= before.p99 ? '+' : '-'}${Math.abs(after.p99 - before.p99).toFixed(3)} ms  cpu ${cpu >= 0 ? '+' : '-'}${Math.abs(cpu).toFixed(0)} µs/op`,
    );
  }
}

async function timed<T>(samples: number[], work: () => Promise<T>): Promise<T> {
  const start = performance.now();
  const result = await work();
  samples.push(performance.now() - start);
  return result;
}

async function bench(name: string, store: Store): Promise<Map<string, Figure>> {
  console.log(`${name}:`);
  const figures = new Map<string, Figure>();
  const t0 = new Date('2030-01-01T00:00:00Z');
  const ids = Array.from({ length: CONVERSATIONS }, () => newId());
  for (const [i, id] of ids.entries()) {
    // Half the conversations start a year earlier, so the sweep below has something to archive.
    const now = i % 2 === 0 ? t0 : new Date(t0.getTime() - 365 * 86_400_000);
    await store.createConversation({ id, botId: 'bench', visitorId: `v${i}`, origin: 'https://site.example', now });
  }

  // Sequential: one visitor message at a time, as the HTTP handler awaits it before its 202.
  const appendSamples: number[] = [];
  let clock = phaseClock();
  for (let m = 0; m < MESSAGES_PER_CONVERSATION; m++) {
    for (const [i, id] of ids.entries()) {
      const now = i % 2 === 0 ? t0 : new Date(t0.getTime() - 365 * 86_400_000);
      await timed(appendSamples, () =>
        store.appendMessage({ conversationId: id, clientId: `c${m}`, sender: 'visitor', text: `message ${m}`, now }),
      );
    }
  }
  line(figures, 'append (sequential)', appendSamples, appendSamples.length, clock);

  // Concurrent: every conversation appends a bot reply at once.
  const concurrentSamples: number[] = [];
  clock = phaseClock();
  await Promise.all(
    ids.map((id) => timed(concurrentSamples, () => store.appendMessage({ conversationId: id, clientId: null, sender: 'bot', text: 'reply' }))),
  );
  line(figures, `append (${CONVERSATIONS} concurrent)`, concurrentSamples, concurrentSamples.length, clock);

  const repeatSamples: number[] = [];
  clock = phaseClock();
  for (const id of ids) {
    await timed(repeatSamples, () => store.appendMessage({ conversationId: id, clientId: 'c3', sender: 'visitor', text: 'again' }));
  }
  line(figures, 'repeated clientId', repeatSamples, repeatSamples.length, clock);

  const historySamples: number[] = [];
  clock = phaseClock();
  for (const id of ids) await timed(historySamples, () => store.listMessages(id, 10, 100));
  line(figures, 'listMessages(after=10)', historySamples, historySamples.length, clock);

  // What the server does per visitor message, every conversation at once: the message with its
  // pending turn, the turn read back with the dialog state, a reply with quick replies and the new
  // state stored with the turn marked done.
  const turnSamples: number[] = [];
  const reply = { sender: 'bot' as const, text: 'We are open 9 to 5, Monday to Friday.', quickReplies: ['Prices', 'Contact', 'Thanks'].map((q) => ({ label: q, action: q.toLowerCase() })) };
  clock = phaseClock();
  await Promise.all(
    ids.map(async (id, i) => {
      for (let n = 0; n < TURNS_PER_CONVERSATION; n++) {
        await timed(turnSamples, async () => {
          const { message } = await store.appendVisitorMessage({
            conversationId: id,
            clientId: `t${n}`,
            sender: 'visitor',
            text: 'when are you open?',
            turn: { input: { text: 'when are you open?' }, locale: 'en', access: 'public' },
          });
          const conversation = await store.getConversation(id);
          const pending = await store.nextTurn(id);
          const state = { ...conversation?.state, context: 'opening_hours', fallbacks: i % 3 };
          await store.completeTurn(id, pending?.messageId ?? message.id, { meta: { outcome: 'answered', intent: 'opening_hours' }, replies: [reply], values: [], state });
        });
      }
    }),
  );
  line(figures, `bot turn (${CONVERSATIONS} concurrent)`, turnSamples, turnSamples.length, clock);

  const sweepStart = performance.now();
  const swept = await store.sweep({ botId: 'bench', inactiveAfterMs: 90 * 86_400_000, archive: true }, t0);
  console.log(
    `  sweep (archive)              ${swept.conversationsArchived} conversations, ${CONVERSATIONS * MESSAGES_PER_CONVERSATION / 2} messages moved in ${(performance.now() - sweepStart).toFixed(1)} ms`,
  );
  await store.close();
  return figures;
}

/** The store the server opens: the adapter with sealing around it, keys in a key store of its own. */
function sealedConfig(dataDir: string, mongodbUri?: string): StoreConfig {
  const storageKeys = [{ kid: 'bench', key: randomBytes(32) }];
  return mongodbUri
    ? { dataDir, mongodbUri, storageKeys, keyStore: { mongodbUri: keysDatabaseBeside(mongodbUri) } }
    : { dataDir, storageKeys, keyStore: { file: path.join(dataDir, 'parley-keys.db') } };
}

const root = mkdtempSync(path.join(tmpdir(), 'parley-bench-store-'));
try {
  const plain = await bench('SQLite (WAL, synchronous=FULL)', await openSqliteStore(path.join(root, 'bench.db')));
  const sealedDir = path.join(root, 'sealed');
  sealingCost(plain, await bench('SQLite, sealed (as the server opens it)', await openStore(sealedConfig(sealedDir))));
  const mongoUri = process.env.MONGODB_URI;
  if (mongoUri) {
    const fresh = () => {
      const url = new URL(mongoUri);
      url.pathname = `/parley_bench_${randomBytes(4).toString('hex')}`;
      return url.toString();
    };
    const mongoPlain = await bench('MongoDB', await openMongoStore(fresh()));
    sealingCost(mongoPlain, await bench('MongoDB, sealed', await openStore(sealedConfig(root, fresh()))));
  } else {
    console.log('MongoDB: skipped (MONGODB_URI not set)');
  }
} finally {
  rmSync(root, { recursive: true, force: true });
}
