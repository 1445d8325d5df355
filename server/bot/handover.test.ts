// Live handover through the whole engine: where a handover came from (its source), what the bot
// does when no human could come (staffing not open: it says why and takes a message instead), the
// handover settings the server gets in the bot's profile, and the notices' wording.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { handoverNotice, loadBotEngine } from './index.ts';
import type { BotEngine, BotGreeting, BotTurn, Staffing, TurnContext, VisitorInput } from './engine.ts';
import { handoverBot, minimalBot } from './testdata/minimal-bot.ts';
import { madeTempDir } from '../../test/helpers/temp-dirs.ts';

const repoBots = join(import.meta.dirname, '..', '..', 'bots');

let engine: BotEngine;
let demo: BotEngine;

beforeAll(async () => {
  const bots = madeTempDir('parley-bots-');
  writeFileSync(join(bots, 'help.json'), JSON.stringify(handoverBot()));
  writeFileSync(join(bots, 'plain.json'), JSON.stringify(minimalBot()));
  const dataDir = madeTempDir('parley-data-');
  engine = await loadBotEngine({ botsDir: bots, dataDir, env: {} });
  demo = await loadBotEngine({ botsDir: repoBots, dataDir, env: { PARLEY_DEMO_IDENTITY_SECRET: 'demo-identity-secret-for-tests-0123456789abcdef' } });
}, 60_000);

/** A conversation as the server plays it: state carried over, staffing computed before each turn. */
function conversation(bot: BotEngine, botId: string, locale = 'en') {
  let state: Record<string, unknown> = {};
  return {
    async send(input: VisitorInput | string, staffing?: Staffing): Promise<BotTurn> {
      const ctx: TurnContext = { botId, conversationId: 'c1', locale, access: 'public', state, ...(staffing ? { staffing } : {}) };
      const turn = await bot.reply(ctx, typeof input === 'string' ? { text: input } : input);
      state = turn.state;
      return turn;
    },
    pendingPii: () => bot.pendingPii(botId, state),
  };
}

const texts = (turn: BotGreeting) => turn.replies.map((r) => r.text);
const actions = (turn: BotGreeting) => turn.replies.flatMap((r) => r.quickReplies ?? []).map((q) => q.action);

describe.each(['help', 'plain'])('where a handover came from (%s)', (bot) => {
  it('a handover intent reached by typed text is "intent"', async () => {
    const turn = await conversation(engine, bot).send('talk to a person');
    expect(turn.handover).toEqual({ source: 'intent' });
    expect(texts(turn)).toEqual(['Handing over']);
  });

  it('a button leading to a handover intent is "button"', async () => {
    expect((await conversation(engine, bot).send({ action: 'intent:human' })).handover).toEqual({ source: 'button' });
  });

  it('a handover quick reply written in the definition is "button"', async () => {
    const chat = conversation(engine, bot);
    expect(actions(await engine.greet({ botId: bot, conversationId: 'c1', locale: 'en', access: 'public', state: {} }))).toContain('handover:yes');
    expect((await chat.send({ action: 'handover:yes' })).handover).toEqual({ source: 'button' });
  });

  it('accepting the offer made after repeated fallbacks is "fallback"', async () => {
    const chat = conversation(engine, bot);
    expect(texts(await chat.send('asdf qwer'))).toEqual(['Sorry?']);
    const offer = await chat.send('zxcv');
    expect(texts(offer)).toEqual(['Talk to a person?']);
    expect(offer.handover).toBeUndefined();
    const accepted = await chat.send({ action: 'handover:yes' });
    expect(accepted.handover).toEqual({ source: 'fallback' });
  });

  it('counts the offer only as the very next answer: its button pressed later is "button"', async () => {
    const chat = conversation(engine, bot);
    await chat.send('asdf qwer');
    await chat.send('zxcv');
    expect(texts(await chat.send('opening hours'))).toEqual(['9 to 5']);
    expect((await chat.send({ action: 'handover:yes' })).handover).toEqual({ source: 'button' });
  });
});

describe('when no human could come', () => {
  it('a finished leave-a-message form is "message", even while operators are online', async () => {
    const chat = conversation(engine, 'help');
    await chat.send('talk to a person', 'no-operator');
    await chat.send('ada@example.com', 'open');
    expect((await chat.send('Please call me back', 'open')).handover).toEqual({ source: 'message' });
  });

  it('says no operator is online and takes a message: e-mail (PII contact), then the message', async () => {
    const chat = conversation(engine, 'help');
    const offline = await chat.send('talk to a person', 'no-operator');
    expect(offline.handover).toBeUndefined();
    expect(texts(offline)).toEqual(['No one is online right now.', 'Your email, so we can answer?']);
    expect(actions(offline)).toEqual(['form:cancel']);
    expect(chat.pendingPii()).toBe('contact');

    const bad = await chat.send('not an address', 'no-operator');
    expect(texts(bad)).toEqual(['That is not an email']);
    expect(bad.collected).toBeUndefined();

    const email = await chat.send(' Ada@Example.COM ', 'no-operator');
    expect(email.collected).toEqual([{ key: 'email', value: 'ada@example.com', pii: 'contact' }]);
    expect(email.handover).toBeUndefined();
    expect(texts(email)).toEqual(['Your message?']);
    expect(chat.pendingPii()).toBe('none');

    const done = await chat.send('My booking page shows the wrong hours, can someone look?', 'no-operator');
    expect(done.collected).toEqual([{ key: 'message', value: 'My booking page shows the wrong hours, can someone look?', pii: 'none' }]);
    expect(done.handover).toEqual({ source: 'message' });
    expect(texts(done)).toEqual(['Thanks, we will write back']);
  });

  it('says it is outside business hours, in words of its own, when closed', async () => {
    const turn = await conversation(engine, 'help').send('talk to a person', 'closed');
    expect(turn.handover).toBeUndefined();
    expect(texts(turn)).toEqual(['We are closed right now.', 'Your email, so we can answer?']);
  });

  it('takes a message instead of handing over whichever way the human was asked for', async () => {
    const button = await conversation(engine, 'help').send({ action: 'intent:human' }, 'closed');
    expect(button.handover).toBeUndefined();
    expect(texts(button)[0]).toBe('We are closed right now.');
    const quickReply = await conversation(engine, 'help').send({ action: 'handover:yes' }, 'no-operator');
    expect(quickReply.handover).toBeUndefined();
    expect(texts(quickReply)[0]).toBe('No one is online right now.');
    const chat = conversation(engine, 'help');
    await chat.send('asdf qwer', 'no-operator');
    await chat.send('zxcv', 'no-operator');
    const accepted = await chat.send({ action: 'handover:yes' }, 'no-operator');
    expect(accepted.handover).toBeUndefined();
    expect(texts(accepted)).toEqual(['No one is online right now.', 'Your email, so we can answer?']);
  });

  it('lets the visitor cancel the message like any other form, by button or by word', async () => {
    const byButton = conversation(engine, 'help');
    await byButton.send('talk to a person', 'closed');
    const cancelled = await byButton.send({ action: 'form:cancel' }, 'closed');
    expect(texts(cancelled)).toEqual(['Cancelled']);
    expect(cancelled.handover).toBeUndefined();
    expect(texts(await byButton.send('opening hours', 'closed'))).toEqual(['9 to 5']);

    const byWord = conversation(engine, 'help');
    await byWord.send('talk to a person', 'closed');
    await byWord.send('ada@example.com', 'closed');
    const typed = await byWord.send('cancel', 'closed');
    expect(texts(typed)).toEqual(['Cancelled']);
    expect(typed.handover).toBeUndefined();
  });

  it('hands over as usual when staffing is open, not given, or a value it does not know', async () => {
    for (const staffing of ['open', undefined, 'maybe'] as Array<Staffing | undefined>) {
      const turn = await conversation(engine, 'help').send('talk to a person', staffing);
      expect(turn.handover).toEqual({ source: 'intent' });
      expect(texts(turn)).toEqual(['Handing over']);
    }
  });

  it('leaves a bot without handover settings as it was: the request is recorded, no form offered', async () => {
    const turn = await conversation(engine, 'plain').send('talk to a person', 'closed');
    expect(turn.handover).toEqual({ source: 'intent' });
    expect(texts(turn)).toEqual(['Handing over']);
  });

  it('words the demo bot\'s offline path in the visitor\'s language', async () => {
    const nb = await conversation(demo, 'demo', 'nb').send('jeg vil snakke med et menneske', 'closed');
    expect(nb.handover).toBeUndefined();
    expect(texts(nb)[0]).toMatch(/stengt/);
    expect(texts(nb)[1]).toMatch(/e-post/);
    const es = await conversation(demo, 'demo', 'es').send({ action: 'intent:human' }, 'no-operator');
    expect(texts(es)[0]).toMatch(/nadie/i);
    const en = conversation(demo, 'demo', 'en');
    expect(texts(await en.send({ action: 'intent:human' }, 'no-operator'))[0]).toMatch(/no one .* online/i);
    expect(texts(await en.send({ action: 'intent:human' }, 'closed'))[0]).toMatch(/closed/i);
    await en.send('ada@example.com', 'closed');
    const done = await en.send('Can you move my demo to Tuesday?', 'closed');
    expect(done.handover).toEqual({ source: 'message' });
  });
});

describe('handover settings in the profile', () => {
  it('carries wait limit, business hours by ISO weekday, canned replies and notices per locale', () => {
    expect(engine.profile('help')?.handover).toEqual({
      waitLimitMs: 600_000,
      businessHours: {
        timeZone: 'Europe/Oslo',
        weekly: { 1: [['08:00', '17:00']], 5: [['08:00', '12:00'], ['13:00', '16:00']], 6: [['22:00', '24:00']] },
        holidays: ['2026-12-25'],
      },
      cannedReplies: { en: [{ id: 'hello', label: 'Hello', text: 'Hi, I am looking at your question now.' }] },
      joined: { en: '{name} joined' },
      left: { en: '{name} left' },
      // No wording of its own for a wait that ran out: the no-operator words stand in.
      unanswered: { en: 'No one is online right now.' },
    });
    expect(engine.profile('plain')?.handover).toBeUndefined();
  });

  it('gives the demo bot Oslo weekday hours and canned replies in each of its languages', () => {
    const settings = demo.profile('demo')?.handover;
    expect(settings?.businessHours?.timeZone).toBe('Europe/Oslo');
    for (const day of [1, 2, 3, 4, 5] as const) expect(settings?.businessHours?.weekly[day]).toEqual([['08:00', '17:00']]);
    expect(settings?.businessHours?.weekly[7]).toBeUndefined();
    expect(settings?.businessHours?.holidays).toContain('2026-12-25');
    const ids = (locale: string) => settings?.cannedReplies[locale]?.map((r) => r.id);
    expect(ids('en')?.length).toBeGreaterThanOrEqual(3);
    expect(ids('nb')).toEqual(ids('en'));
    expect(ids('es')).toEqual(ids('en'));
    expect(settings?.cannedReplies.nb?.[0]?.text).not.toBe(settings?.cannedReplies.en?.[0]?.text);
  });
});

describe('notice wording', () => {
  it('fills in the operator\'s name in the visitor\'s language, the default for others', () => {
    const settings = demo.profile('demo')!.handover!;
    expect(handoverNotice(settings, 'joined', 'nb-NO', 'en', 'Kari')).toMatch(/^Kari /);
    expect(handoverNotice(settings, 'left', 'es', 'en', 'Kari')).toContain('Kari');
    expect(handoverNotice(settings, 'joined', 'de', 'en', 'Kari')).toBe(settings.joined.en!.replace('{name}', 'Kari'));
  });

  it('words the wait that ran out in the visitor\'s language, naming no one', () => {
    const settings = demo.profile('demo')!.handover!;
    expect(handoverNotice(settings, 'unanswered', 'nb', 'en', '')).toMatch(/^Beklager, ingen/);
    expect(handoverNotice(settings, 'unanswered', 'de', 'en', '')).toBe(settings.unanswered.en);
  });

  it('takes the name as plain text, whatever it contains', () => {
    const settings = engine.profile('help')!.handover!;
    expect(handoverNotice(settings, 'joined', 'en', 'en', '$& $1 {name}')).toBe('$& $1 {name} joined');
  });
});
