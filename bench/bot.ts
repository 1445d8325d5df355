// Bot engine: time to load and train the demo bot, and time per reply through the whole engine
// (state parsing, classification, dialog, rendering) over a mix of in-domain questions, off-topic
// questions, button presses and form answers in en, nb and es.
// Run: npx tsx bench/bot.ts [replies=3000]
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadBotEngine } from '../server/bot/index.ts';
import type { TurnContext, VisitorInput } from '../server/bot/engine.ts';
import { percentile } from './stats.ts';

const REPLIES = Number(process.argv[2] ?? 3000);
const BOTS_DIR = new URL('../bots', import.meta.url).pathname;

const TURNS: { locale: string; input: VisitorInput }[] = [
  { locale: 'en', input: { text: 'What are your opening hours?' } },
  { locale: 'en', input: { text: 'how much does the team plan cost per month' } },
  { locale: 'en', input: { text: 'who painted the mona lisa' } },
  { locale: 'en', input: { action: 'intent:contact' } },
  { locale: 'nb', input: { text: 'hvordan kan jeg kontakte kundeservice' } },
  { locale: 'nb', input: { text: 'hva blir været i helgen' } },
  { locale: 'es', input: { text: '¿Dónde está vuestra oficina?' } },
  { locale: 'es', input: { text: 'quiero reservar una demo' } },
  { locale: 'es', input: { text: 'Ada Lovelace' } },
  { locale: 'es', input: { text: 'ada@example.com' } },
];

const started = performance.now();
const engine = await loadBotEngine({
  botsDir: BOTS_DIR,
  dataDir: mkdtempSync(join(tmpdir(), 'parley-bench-bot-')),
  env: { PARLEY_DEMO_IDENTITY_SECRET: 'bench-identity-secret-0123456789abcdef' },
});
const trainingMs = performance.now() - started;

let state: Record<string, unknown> = {};
const times: number[] = [];
// A first pass warms the JIT and NLP.js caches; only the measured loop is reported.
for (let i = 0; i < REPLIES + TURNS.length; i += 1) {
  const turn = TURNS[i % TURNS.length]!;
  const ctx: TurnContext = { botId: 'demo', conversationId: 'bench', locale: turn.locale, access: 'public', state };
  // A number appended to typed text makes every utterance new, so NLP.js's per-utterance cache
  // does not turn the measurement into a cache lookup.
  const input = 'text' in turn.input ? { text: `${turn.input.text} ${i}` } : turn.input;
  const t0 = performance.now();
  const result = await engine.reply(ctx, input);
  const elapsed = performance.now() - t0;
  state = result.state;
  if (i >= TURNS.length) times.push(elapsed);
}

console.log(`bot engine (demo bot: ${engine.profile('demo')?.locales.join('/')}, ${REPLIES} replies)`);
console.log(`  load + train:   ${trainingMs.toFixed(0)} ms`);
console.log(`  reply p50:      ${percentile(times, 50).toFixed(3)} ms`);
console.log(`  reply p99:      ${percentile(times, 99).toFixed(3)} ms`);
console.log(`  reply max:      ${Math.max(...times).toFixed(3)} ms`);
