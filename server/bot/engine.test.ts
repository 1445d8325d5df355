// The dialog rules through the whole engine: greeting, intents, follow-ups, forms with re-prompt
// and retry limit, fallback → suggestions → human, handover, and per-intent access levels.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SignJWT } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadBotEngine, signVisitorIdentity } from './index.ts';
import type { AccessLevel, BotEngine, BotGreeting, BotTurn, TurnContext, VisitorInput } from './engine.ts';
import { minimalBot } from './testdata/minimal-bot.ts';
import { madeTempDir } from '../../test/helpers/temp-dirs.ts';

const DEMO_SECRET = 'demo-identity-secret-for-tests-0123456789abcdef';
const repoBots = join(import.meta.dirname, '..', '..', 'bots');

let demo: BotEngine;
let test: BotEngine;

beforeAll(async () => {
  demo = await loadBotEngine({ botsDir: repoBots, dataDir: madeTempDir('parley-data-'), env: { PARLEY_DEMO_IDENTITY_SECRET: DEMO_SECRET } });
  const bots = madeTempDir('parley-bots-');
  const def = minimalBot();
  def.policy = { messageTtl: '30d', inactiveAfter: '7d', messagesPerMinute: 10 };
  writeFileSync(join(bots, 'test.json'), JSON.stringify(def));
  // The same bot, unsure of everything: every text reaches the fallback with its best guesses.
  writeFileSync(join(bots, 'strict.json'), JSON.stringify({ ...minimalBot(), threshold: 1, maxSuggestions: 2 }));
  test = await loadBotEngine({ botsDir: bots, dataDir: madeTempDir('parley-data-'), env: {} });
}, 60_000);

/** Plays a conversation, carrying the state from turn to turn as the server does. */
function conversation(engine: BotEngine, botId: string, locale = 'en', access: AccessLevel = 'public') {
  let state: Record<string, unknown> = {};
  const ctx = (): TurnContext => ({ botId, conversationId: 'c1', locale, access, state });
  return {
    async send(input: VisitorInput | string): Promise<BotTurn> {
      const turn = await engine.reply(ctx(), typeof input === 'string' ? { text: input } : input);
      expect(JSON.parse(JSON.stringify(turn.state))).toEqual(turn.state);
      state = turn.state;
      return turn;
    },
    get state() {
      return state;
    },
  };
}

const texts = (turn: BotGreeting) => turn.replies.map((r) => r.text);
const actions = (turn: BotGreeting) => turn.replies.flatMap((r) => r.quickReplies ?? []).map((q) => q.action);

describe('profile', () => {
  it('exposes origins, locales and policy with defaults, durations in ms', () => {
    expect(test.profile('test')).toEqual({
      id: 'test',
      name: 'Test bot',
      enabled: true,
      allowedOrigins: ['https://shop.example', 'http://localhost:*'],
      locales: ['en'],
      defaultLocale: 'en',
      intents: ['hours', 'weekend', 'signup', 'secret', 'human'],
      policy: {
        storeConversations: true,
        messageTtlMs: 30 * 86_400_000,
        inactiveAfterMs: 7 * 86_400_000,
        archive: true,
        archiveTtlMs: 365 * 86_400_000,
        messagesPerMinute: 10,
      },
    });
    expect(test.profile('nope')).toBeUndefined();
    expect(demo.profile('demo')?.locales).toEqual(['en', 'nb', 'es']);
  });

  it('rejects a turn for an unknown bot with an error, not a crash', async () => {
    await expect(test.reply({ botId: 'nope', conversationId: 'c', locale: 'en', access: 'public', state: {} }, { text: 'hi' })).rejects.toThrow(/unknown bot/);
  });
});

describe('greeting and languages', () => {
  it('greets in the visitor language and hides buttons to intents they cannot reach', async () => {
    const ctx = { botId: 'demo', conversationId: 'c', access: 'public' as const, state: {} };
    const nb = await demo.greet({ ...ctx, locale: 'nb-NO' });
    expect(nb.replies[0]?.text).toMatch(/^Hei/);
    expect(actions(nb)).toEqual(['intent:pricing', 'intent:book_demo']);
    const verified = await demo.greet({ ...ctx, locale: 'es', access: 'verified' });
    expect(verified.replies[0]?.text).toMatch(/^Hola/);
    expect(actions(verified)).toContain('intent:order_status');
    const unknown = await demo.greet({ ...ctx, locale: 'de' });
    expect(unknown.replies[0]?.text).toMatch(/^Hi/);
  });

  it('answers an intent in each language with its links', async () => {
    expect(texts(await conversation(demo, 'demo', 'en').send('what are your opening hours'))[0]).toMatch(/Monday to Friday/);
    expect(texts(await conversation(demo, 'demo', 'no').send('når åpner dere'))[0]).toMatch(/mandag til fredag/);
    const es = await conversation(demo, 'demo', 'es').send('cuál es vuestro correo');
    expect(es.replies[0]?.links).toEqual(expect.arrayContaining([{ label: 'Enviar email', url: 'mailto:hello@nordlys.example' }]));
  });
});

describe('follow-ups', () => {
  it('match only right after their parent', async () => {
    const fresh = conversation(test, 'test');
    expect(texts(await fresh.send('what about the weekend'))).toEqual(['Sorry?']);
    const chat = conversation(test, 'test');
    expect(texts(await chat.send('when are you open'))).toEqual(['9 to 5']);
    expect(texts(await chat.send('what about the weekend'))).toEqual(['Closed on weekends']);
  });

  it('refuse a follow-up button replayed out of context', async () => {
    const chat = conversation(test, 'test');
    expect(texts(await chat.send({ action: 'intent:weekend' }))).toEqual(['Sorry?']);
    await chat.send({ action: 'intent:hours' });
    expect(texts(await chat.send({ action: 'intent:weekend' }))).toEqual(['Closed on weekends']);
  });
});

describe('forms', () => {
  it('collects each slot with its PII tag, re-prompting invalid answers', async () => {
    const chat = conversation(test, 'test');
    const start = await chat.send('sign me up');
    expect(texts(start)).toEqual(['Let us sign you up', 'Your email?']);
    expect(actions(start)).toEqual(['form:cancel']);
    const bad = await chat.send('not an email');
    expect(texts(bad)).toEqual(['Not an email, again?']);
    expect(bad.collected).toBeUndefined();
    const email = await chat.send('  Ada@Example.COM ');
    expect(email.collected).toEqual([{ key: 'email', value: 'ada@example.com', pii: 'contact' }]);
    expect(texts(email)).toEqual(['Which topic?']);
    expect(actions(email)).toEqual(['choice:news', 'choice:offers', 'form:cancel']);
    // Form values never ride along in the dialog state.
    expect(JSON.stringify(chat.state)).not.toContain('ada@example.com');
    expect(texts(await chat.send('weather'))).toEqual(['Pick a topic']);
    const done = await chat.send({ action: 'choice:offers' });
    expect(done.collected).toEqual([{ key: 'topic', value: 'offers', pii: 'none' }]);
    expect(texts(done)).toEqual(['Subscribed!']);
    expect(chat.state.form).toBeUndefined();
  });

  it('accepts a choice typed as its label', async () => {
    const chat = conversation(test, 'test');
    await chat.send('sign me up');
    await chat.send('ada@example.com');
    expect((await chat.send('news')).collected).toEqual([{ key: 'topic', value: 'news', pii: 'none' }]);
  });

  it('gives up after the retry limit', async () => {
    const chat = conversation(test, 'test');
    await chat.send('sign me up');
    expect(texts(await chat.send('nope'))).toEqual(['Not an email, again?']);
    const aborted = await chat.send('still nope');
    expect(texts(aborted)).toEqual(['Giving up']);
    expect(aborted.collected).toBeUndefined();
    expect(texts(await chat.send('when are you open'))).toEqual(['9 to 5']);
  });

  it('can be cancelled by button or by typing the cancel label', async () => {
    const chat = conversation(test, 'test');
    await chat.send('sign me up');
    expect(texts(await chat.send({ action: 'form:cancel' }))).toEqual(['Cancelled']);
    await chat.send('sign me up');
    expect(texts(await chat.send('cancel'))).toEqual(['Cancelled']);
  });

  it('runs the demo booking form, tagging name as identity and email as contact', async () => {
    const chat = conversation(demo, 'demo', 'en');
    const start = await chat.send({ action: 'intent:book_demo' });
    expect(texts(start)[1]).toBe('What is your name?');
    expect((await chat.send('Ada Lovelace')).collected).toEqual([{ key: 'name', value: 'Ada Lovelace', pii: 'identity' }]);
    expect((await chat.send('ada@example.com')).collected).toEqual([{ key: 'email', value: 'ada@example.com', pii: 'contact' }]);
    const done = await chat.send({ action: 'choice:6-20' });
    expect(done.collected).toEqual([{ key: 'team_size', value: '6-20', pii: 'none' }]);
    expect(texts(done)[0]).toMatch(/^Thank you!/);
  });

  it('ignores choice and cancel actions outside a form', async () => {
    const chat = conversation(test, 'test');
    expect(texts(await chat.send({ action: 'choice:news' }))).toEqual(['Sorry?']);
    expect(texts(await chat.send({ action: 'form:cancel' }))).toEqual(['Talk to a person?']);
  });
});

describe('fallback and handover', () => {
  it('suggests reachable intents, then offers a human after two misses in a row', async () => {
    const chat = conversation(demo, 'demo', 'en');
    const first = await chat.send('what is the best pizza topping');
    expect(texts(first)).toEqual(['Sorry, I did not quite get that. Did you mean one of these?']);
    const suggestions = actions(first);
    expect(suggestions.length).toBeGreaterThanOrEqual(2);
    expect(suggestions.length).toBeLessThanOrEqual(3);
    expect(suggestions.every((a) => a.startsWith('intent:'))).toBe(true);
    expect(suggestions).not.toContain('intent:order_status');
    const second = await chat.send('blorp zzz');
    expect(texts(second)[0]).toMatch(/talk to a person/);
    expect(actions(second)).toEqual(['handover:yes', 'handover:no']);
    expect(second.handover).toBeUndefined();
    const accepted = await chat.send({ action: 'handover:yes' });
    expect(accepted.handover).toEqual({ source: 'fallback' });
    expect(texts(accepted)[0]).toMatch(/handing you over/);
  });

  it('resets the miss count after an understood turn, and handles declining', async () => {
    const chat = conversation(test, 'test');
    expect(texts(await chat.send('asdf qwer'))).toEqual(['Sorry?']);
    expect(texts(await chat.send('opening hours'))).toEqual(['9 to 5']);
    expect(texts(await chat.send('asdf qwer'))).toEqual(['Sorry?']);
    expect(texts(await chat.send('zxcv'))).toEqual(['Talk to a person?']);
    const declined = await chat.send({ action: 'handover:no' });
    expect(texts(declined)).toEqual(['OK']);
    expect(declined.handover).toBeUndefined();
  });

  it('hands over when asked directly', async () => {
    const turn = await conversation(demo, 'demo', 'nb').send('jeg vil snakke med et menneske');
    expect(turn.handover).toEqual({ source: 'intent' });
  });

  it('suggests the best guesses first, but never a gated intent to a visitor without its level', async () => {
    const premium = await conversation(test, 'strict', 'en', 'premium').send('what is the balance on my account');
    expect(actions(premium)[0]).toBe('intent:secret');
    expect(actions(premium)).toHaveLength(2);
    const visitor = await conversation(test, 'strict', 'en', 'public').send('what is the balance on my account');
    expect(texts(visitor)).toEqual(['Sorry?']);
    expect(actions(visitor)).toHaveLength(2);
    expect(actions(visitor)).not.toContain('intent:secret');
    const hours = await conversation(test, 'strict').send('is the shop open on mondays');
    expect(actions(hours)[0]).toBe('intent:hours');
  });

  it('treats unknown, malformed and hostile actions as not understood', async () => {
    for (const action of ['intent:nope', 'delete:all', 'intent:', '', 'x'.repeat(5000), '__proto__', { $ne: null }]) {
      const turn = await conversation(test, 'test').send({ action } as unknown as VisitorInput);
      expect(texts(turn)).toEqual(['Sorry?']);
    }
    expect(texts(await conversation(test, 'test').send('   '))).toEqual(['Sorry?']);
    expect(texts(await conversation(test, 'test').send({} as VisitorInput))).toEqual(['Sorry?']);
  });

  it('starts afresh from a malformed state', async () => {
    const turn = await test.reply(
      { botId: 'test', conversationId: 'c', locale: 'en', access: 'public', state: { form: { id: 'gone', slot: 9, tries: 0 }, fallbacks: 'x' } },
      { text: 'when are you open' },
    );
    expect(texts(turn)).toEqual(['9 to 5']);
    const stale = await test.reply(
      { botId: 'test', conversationId: 'c', locale: 'en', access: 'public', state: { form: { id: 'gone', slot: 0, tries: 0 }, fallbacks: 0 } },
      { text: 'when are you open' },
    );
    expect(texts(stale)).toEqual(['9 to 5']);
  });
});

describe('intent access levels', () => {
  const refusal = 'I can only help with that once you are signed in to your Nordlys account.';
  const orderAnswer = /^Your latest order/;

  async function orderStatusWith(identity: string | undefined) {
    const access = (await demo.verifyIdentity('demo', identity))?.level ?? 'public';
    const typed = await conversation(demo, 'demo', 'en', access).send('where is my order');
    const replayed = await conversation(demo, 'demo', 'en', access).send({ action: 'intent:order_status' });
    return { access, typed: texts(typed)[0], replayed: texts(replayed)[0] };
  }

  it('refuses a visitor without an identity, by text and by replayed button', async () => {
    expect(await orderStatusWith(undefined)).toEqual({ access: 'public', typed: refusal, replayed: refusal });
  });

  it('refuses a forged identity', async () => {
    const forged = await signVisitorIdentity('not-the-demo-secret-but-long-enough-0123456789', { sub: 'mallory', level: 'premium' });
    expect(await orderStatusWith(forged)).toEqual({ access: 'public', typed: refusal, replayed: refusal });
  });

  it('refuses an expired identity', async () => {
    const expired = await new SignJWT({ level: 'verified' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('ada')
      .setExpirationTime(Math.floor(Date.now() / 1000) - 10)
      .sign(new TextEncoder().encode(DEMO_SECRET));
    expect(await orderStatusWith(expired)).toEqual({ access: 'public', typed: refusal, replayed: refusal });
  });

  it('answers a valid verified identity', async () => {
    const valid = await signVisitorIdentity(DEMO_SECRET, { sub: 'ada', level: 'verified' }, '5m');
    const result = await orderStatusWith(valid);
    expect(result.access).toBe('verified');
    expect(result.typed).toMatch(orderAnswer);
    expect(result.replayed).toMatch(orderAnswer);
  });

  it('keeps premium intents from verified visitors and opens them to premium ones', async () => {
    const verified = conversation(demo, 'demo', 'en', 'verified');
    expect(texts(await verified.send({ action: 'intent:priority_support' }))).toEqual([refusal]);
    const premium = conversation(demo, 'demo', 'en', 'premium');
    expect(texts(await premium.send({ action: 'intent:priority_support' }))[0]).toMatch(/priority line/);
  });

  it('treats an unknown access value from the caller as public', async () => {
    const chat = conversation(demo, 'demo', 'en', 'admin' as AccessLevel);
    expect(texts(await chat.send({ action: 'intent:order_status' }))).toEqual([refusal]);
  });

  it('is public on an unknown bot, whatever the identity', async () => {
    expect(await demo.verifyIdentity('nope', await signVisitorIdentity(DEMO_SECRET, { sub: 'x', level: 'premium' }))).toBeNull();
  });
});
