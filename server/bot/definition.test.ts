// Every class of definition error is refused at load with file, JSON path and problem named.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseBotDefinition, loadBotDefinitions } from './load-definitions.ts';
import { BotDefinitionError } from './errors.ts';
import { loadBotEngine } from './index.ts';
import { handoverBot, minimalBot } from './testdata/minimal-bot.ts';
import { madeTempDir } from '../../test/helpers/temp-dirs.ts';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function errorFor(mutate: (bot: Json) => void): string {
  const bot = minimalBot() as Json;
  mutate(bot);
  try {
    parseBotDefinition('bots/test.json', JSON.stringify(bot));
  } catch (err) {
    expect(err).toBeInstanceOf(BotDefinitionError);
    const message = (err as Error).message;
    expect(message).not.toContain('\n');
    return message;
  }
  throw new Error('definition was accepted');
}

describe('bot definition schema', () => {
  it('accepts the minimal bot and fills in defaults', () => {
    const def = parseBotDefinition('bots/test.json', JSON.stringify(minimalBot()));
    expect(def.enabled).toBe(true);
    expect(def.threshold).toBe(0.6);
    expect(def.intents[0]?.access).toBe('public');
    expect(def.policy).toEqual({
      storeConversations: true,
      inactiveAfter: 90 * 86_400_000,
      archive: true,
      archiveTtl: 365 * 86_400_000,
      messagesPerMinute: 15,
    });
  });

  it.each<[string, (bot: Json) => void, string]>([
    ['missing field', (b) => delete b.messages.refusal, 'bots/test.json: messages.refusal: missing required field (expected record)'],
    ['wrong type', (b) => (b.enabled = 'yes'), 'bots/test.json: enabled: Invalid input: expected boolean'],
    ['unknown language', (b) => (b.languages = ['en', 'de']), 'bots/test.json: languages[1]: unknown language "de"'],
    ['unknown language key', (b) => (b.intents[0].phrases.fr = ['bonjour']), 'bots/test.json: intents[0].phrases'],
    ['missing translation', (b) => (b.languages = ['en', 'nb']), 'bots/test.json: greeting.nb: missing translation for "nb"'],
    ['no replies', (b) => (b.intents[3].replies.en = []), 'bots/test.json: intents[3].replies.en: expected at least 1 reply'],
    ['bad URL scheme', (b) => (b.intents[3].replies.en[0].links[0].url = 'javascript:alert(1)'), 'intents[3].replies.en[0].links[0].url: expected an http:, https: or mailto: URL'],
    ['data URL', (b) => (b.intents[3].replies.en[0].links[0].url = 'data:text/html,<script>'), 'expected an http:, https: or mailto: URL'],
    ['duplicate intent', (b) => (b.intents[2].name = 'hours'), 'bots/test.json: intents[2].name: duplicate intent "hours" (first at intents[0])'],
    ['follow-up with unknown parent', (b) => (b.intents[1].parent = 'nope'), 'bots/test.json: intents[1].parent: unknown parent intent "nope"'],
    ['nested follow-up', (b) => (b.intents[2].parent = 'weekend'), 'intents[2].parent: parent "weekend" is itself a follow-up'],
    ['form slot with unknown type', (b) => (b.forms[0].slots[0].type = 'iban'), 'bots/test.json: forms[0].slots[0].type: unknown slot type "iban"'],
    ['choice slot without choices', (b) => delete b.forms[0].slots[1].choices, 'forms[0].slots[1].choices: a choice slot needs choices'],
    ['unknown form', (b) => (b.intents[2].form = 'nope'), 'bots/test.json: intents[2].form: unknown form "nope"'],
    ['threshold out of range', (b) => (b.threshold = 1.5), 'bots/test.json: threshold: expected a number between 0 and 1'],
    ['negative threshold', (b) => (b.threshold = -0.1), 'bots/test.json: threshold: expected a number between 0 and 1'],
    ['margin out of range', (b) => (b.ambiguityMargin = 0.9), 'bots/test.json: ambiguityMargin: expected a number between 0 and 0.5'],
    ['unknown key (typo)', (b) => (b.treshold = 0.5), 'bots/test.json: (root): Unrecognized key: "treshold"'],
    ['bad origin', (b) => (b.allowedOrigins = ['https://shop.example/path']), 'allowedOrigins[0]: expected an origin'],
    ['wildcard host', (b) => (b.allowedOrigins = ['https://*.example']), 'allowedOrigins[0]: expected an origin'],
    ['quick reply to unknown intent', (b) => (b.greeting.en[0].quickReplies[0].action = 'intent:nope'), 'greeting.en[0].quickReplies[0].action: unknown intent "nope"'],
    ['malformed action', (b) => (b.greeting.en[0].quickReplies[0].action = 'javascript:x'), 'greeting.en[0].quickReplies[0].action: expected an action'],
    ['defaultLocale not a bot language', (b) => (b.defaultLocale = 'es'), 'bots/test.json: defaultLocale: "es" is not one of the bot\'s languages'],
    ['bad duration', (b) => (b.policy = { messageTtl: '3 fortnights' }), 'policy.messageTtl: expected a duration such as'],
    ['duration without a unit', (b) => (b.policy = { valueTtl: '3600' }), 'policy.valueTtl: expected a duration such as'],
    ['inactivity out of range', (b) => (b.policy = { inactiveAfter: '400d' }), 'bots/test.json: policy.inactiveAfter: expected between 1d and 365d'],
    ['inactivity too short', (b) => (b.policy = { inactiveAfter: '12h' }), 'policy.inactiveAfter: expected between 1d and 365d'],
    ['archive kept "never"', (b) => (b.policy = { archiveTtl: 'never' }), 'policy.archiveTtl: expected a duration such as "30s", "12h" or "90d", or "forever"'],
    ['archive kept 0 ms', (b) => (b.policy = { archiveTtl: 0 }), 'policy.archiveTtl: expected a duration such as "30s", "12h" or "90d", or "forever"'],
    ['invalid slot pattern', (b) => (b.forms[0].slots[0] = { ...b.forms[0].slots[0], type: 'text', pattern: '(' }), 'forms[0].slots[0].pattern: expected a valid regular expression'],
    ['bad env name', (b) => (b.identitySecretEnv = 'lower-case'), 'identitySecretEnv: expected an environment variable name'],
  ])('refuses %s', (_name, mutate, expected) => {
    expect(errorFor(mutate)).toContain(expected);
  });

  it('counts further problems in the same file', () => {
    expect(errorFor((b) => ((b.threshold = 2), (b.enabled = 1)))).toMatch(/\(and 1 more problem\)$/);
  });

  it('refuses invalid JSON naming the file', () => {
    expect(() => parseBotDefinition('bots/test.json', '{"name": "x",}')).toThrow(/^bots\/test\.json: invalid JSON: /);
  });

  it('reads policy durations in ms', () => {
    const bot = minimalBot();
    bot.policy = { messageTtl: '30s', valueTtl: '12h', inactiveAfter: '1d', archive: false, archiveTtl: '30d', messagesPerMinute: 5, storeConversations: false };
    const def = parseBotDefinition('bots/test.json', JSON.stringify(bot));
    expect(def.policy).toEqual({
      messageTtl: 30_000,
      valueTtl: 43_200_000,
      inactiveAfter: 86_400_000,
      archive: false,
      archiveTtl: 2_592_000_000,
      messagesPerMinute: 5,
      storeConversations: false,
    });
  });

  it('keeps the archive forever only when told so in words', () => {
    const bot = minimalBot();
    bot.policy = { archiveTtl: 'forever' };
    expect(parseBotDefinition('bots/test.json', JSON.stringify(bot)).policy.archiveTtl).toBe('forever');
  });
});

describe('loading a bots directory', () => {
  const dir = () => madeTempDir('parley-bots-');

  it('names each bot after its file', () => {
    const bots = dir();
    writeFileSync(join(bots, 'shop.json'), JSON.stringify(minimalBot()));
    writeFileSync(join(bots, 'README.md'), 'not a bot');
    expect([...loadBotDefinitions(bots).keys()]).toEqual(['shop']);
  });

  it('refuses a file name that is not a bot id', () => {
    const bots = dir();
    writeFileSync(join(bots, 'My Bot.json'), JSON.stringify(minimalBot()));
    expect(() => loadBotDefinitions(bots)).toThrow(/My Bot\.json: the file name is the bot id/);
  });

  it('refuses an empty or missing directory', () => {
    expect(() => loadBotDefinitions(dir())).toThrow(BotDefinitionError);
    expect(() => loadBotDefinitions(join(dir(), 'missing'))).toThrow(/cannot read bot definitions/);
  });

  it('makes loadBotEngine reject with a BotDefinitionError naming the file', async () => {
    const bots = dir();
    mkdirSync(join(bots, 'sub'));
    const bad = minimalBot() as Json;
    bad.intents[3].replies.en = [];
    writeFileSync(join(bots, 'demo.json'), JSON.stringify(bad));
    await expect(loadBotEngine({ botsDir: bots, dataDir: dir() })).rejects.toThrow(
      new BotDefinitionError(`${join(bots, 'demo.json')}: intents[3].replies.en: expected at least 1 reply`),
    );
  });

  it('loads the shipped demo bot', () => {
    const demo = loadBotDefinitions(join(import.meta.dirname, '..', '..', 'bots')).get('demo');
    expect(demo?.intents.length).toBeGreaterThanOrEqual(12);
    expect(demo?.languages).toEqual(['en', 'nb', 'es']);
    expect(demo?.allowedOrigins).toEqual(expect.arrayContaining(['http://localhost:*', 'http://127.0.0.1:*']));
  });
});

describe('the handover block', () => {
  function handoverErrorFor(mutate: (bot: Json) => void): string {
    return errorFor((bot) => {
      Object.assign(bot, handoverBot());
      mutate(bot);
    });
  }
  const weekly = (bot: Json) => bot.handover.businessHours.weekly;

  it('is accepted with its durations in ms and its defaults', () => {
    const def = parseBotDefinition('bots/test.json', JSON.stringify(handoverBot()));
    expect(def.handover?.waitLimit).toBe(600_000);
    const bare = handoverBot();
    delete bare.handover.waitLimit;
    delete bare.handover.businessHours;
    delete bare.handover.cannedReplies;
    const defaults = parseBotDefinition('bots/test.json', JSON.stringify(bare)).handover;
    expect(defaults?.waitLimit).toBe(600_000);
    expect(defaults?.businessHours).toBeUndefined();
    expect(defaults?.cannedReplies).toEqual([]);
  });

  it.each<[string, (bot: Json) => void, string]>([
    // The 24-hour rule: an operator reads the conversation they take, and a left message waits for one.
    ['storage off', (b) => (b.policy = { storeConversations: false }), 'bots/test.json: policy.storeConversations: a bot with handover must store its conversations'],
    ['messages kept under 24 hours', (b) => (b.policy = { messageTtl: '12h' }), 'bots/test.json: policy.messageTtl: a bot with handover must keep messages at least 24h (got 12h)'],
    ['messages kept a second under 24 hours', (b) => (b.policy = { messageTtl: 86_399_000 }), 'policy.messageTtl: a bot with handover must keep messages at least 24h (got 86399000 ms)'],
    ['values kept under 24 hours', (b) => (b.policy = { valueTtl: '1h' }), 'bots/test.json: policy.valueTtl: a bot with handover must keep collected values at least 24h (got 1h)'],
    ['wait limit without a unit', (b) => (b.handover.waitLimit = '600'), 'bots/test.json: handover.waitLimit: expected a duration such as'],
    ['wait limit under a minute', (b) => (b.handover.waitLimit = '30s'), 'bots/test.json: handover.waitLimit: expected between 1m and 24h'],
    ['wait limit over a day', (b) => (b.handover.waitLimit = '2d'), 'handover.waitLimit: expected between 1m and 24h'],
    ['unknown time zone', (b) => (b.handover.businessHours.timeZone = 'Europe/Olso'), 'bots/test.json: handover.businessHours.timeZone: unknown time zone "Europe/Olso" (expected an IANA zone such as "Europe/Oslo")'],
    ['UTC offset as zone', (b) => (b.handover.businessHours.timeZone = '+01:00'), 'handover.businessHours.timeZone: unknown time zone "+01:00"'],
    ['time without leading zero', (b) => (weekly(b).monday = [['8:00', '17:00']]), 'bots/test.json: handover.businessHours.weekly.monday[0][0]: expected a time HH:MM such as "08:00"'],
    ['hour 25', (b) => (weekly(b).monday = [['08:00', '25:00']]), 'handover.businessHours.weekly.monday[0][1]: expected a time HH:MM such as "08:00"'],
    ['24:00 as a start', (b) => (weekly(b).sunday = [['24:00', '24:00']]), 'handover.businessHours.weekly.sunday[0][0]: expected a time HH:MM such as "08:00"'],
    ['interval ending before it starts', (b) => (weekly(b).monday = [['17:00', '08:00']]), 'bots/test.json: handover.businessHours.weekly.monday[0]: "17:00" is not before "08:00" (an interval past midnight is two: one to "24:00", one from "00:00" the next day)'],
    ['empty interval', (b) => (weekly(b).monday = [['08:00', '08:00']]), 'handover.businessHours.weekly.monday[0]: "08:00" is not before "08:00"'],
    ['overlapping intervals', (b) => (weekly(b).friday = [['08:00', '12:00'], ['11:30', '16:00']]), 'bots/test.json: handover.businessHours.weekly.friday[1]: overlaps "08:00"–"12:00"'],
    ['abbreviated weekday', (b) => (weekly(b).mon = [['08:00', '17:00']]), 'handover.businessHours.weekly: Unrecognized key: "mon"'],
    ['a week without hours', (b) => (b.handover.businessHours.weekly = { monday: [] }), 'bots/test.json: handover.businessHours.weekly: no open hours in the week (leave businessHours out to be open at all times)'],
    ['impossible holiday', (b) => (b.handover.businessHours.holidays = ['2026-02-30']), 'bots/test.json: handover.businessHours.holidays[0]: expected a date YYYY-MM-DD such as "2026-12-25"'],
    ['holiday in another format', (b) => (b.handover.businessHours.holidays = ['25.12.2026']), 'handover.businessHours.holidays[0]: expected a date YYYY-MM-DD'],
    ['joined notice without the name', (b) => (b.handover.joined.en = 'Someone joined'), 'bots/test.json: handover.joined.en: expected the placeholder {name} for the operator\'s name'],
    ['left notice with a misspelt placeholder', (b) => (b.handover.left.en = '{nmae} left'), 'bots/test.json: handover.left.en: unknown placeholder {nmae} (only {name} is filled in)'],
    ['missing closed wording', (b) => delete b.handover.closed, 'bots/test.json: handover.closed: missing required field'],
    ['missing translation of a canned reply', (b) => ((b.languages = ['en', 'nb']), Object.assign(b, translatedToNb(b)), delete b.handover.cannedReplies[0].text.nb), 'handover.cannedReplies[0].text.nb: missing translation for "nb"'],
    ['duplicate canned reply', (b) => b.handover.cannedReplies.push(b.handover.cannedReplies[0]), 'bots/test.json: handover.cannedReplies[1].id: duplicate canned reply "hello" (first at handover.cannedReplies[0])'],
    ['no leave-a-message form', (b) => delete b.handover.leaveMessage, 'bots/test.json: handover.leaveMessage: missing required field'],
    ['unknown leave-a-message form', (b) => (b.handover.leaveMessage = 'nope'), 'bots/test.json: handover.leaveMessage: unknown form "nope"'],
    ['leave-a-message form without e-mail', (b) => (b.handover.leaveMessage = 'newsletter', (b.forms[0].slots[0].type = 'text')), 'bots/test.json: handover.leaveMessage: the form "newsletter" needs an email slot'],
    ['leave-a-message e-mail not tagged contact', (b) => (b.forms[1].slots[0].pii = 'none'), 'bots/test.json: forms[1].slots[0].pii: the leave-a-message e-mail must be tagged "contact" (got "none")'],
    ['leave-a-message form without a message', (b) => (b.handover.leaveMessage = 'newsletter'), 'bots/test.json: handover.leaveMessage: the form "newsletter" needs a text slot for the message'],
  ])('refuses %s', (_name, mutate, expected) => {
    expect(handoverErrorFor(mutate)).toContain(expected);
  });

  it('keeps exactly 24 hours of messages, and intervals up to midnight, as valid', () => {
    const bot = handoverBot();
    bot.policy = { messageTtl: '24h', valueTtl: '1d' };
    bot.handover.businessHours.weekly = { sunday: [['00:00', '24:00']], monday: [['00:00', '02:00'], ['02:00', '03:00']] };
    const def = parseBotDefinition('bots/test.json', JSON.stringify(bot));
    expect(def.policy.messageTtl).toBe(86_400_000);
    expect(def.handover?.businessHours?.weekly.sunday).toEqual([['00:00', '24:00']]);
  });

  it('leaves bots without handover free to keep messages briefly or not at all', () => {
    const bot = minimalBot();
    bot.policy = { messageTtl: '1h', valueTtl: '1h', storeConversations: false };
    expect(parseBotDefinition('bots/test.json', JSON.stringify(bot)).policy.messageTtl).toBe(3_600_000);
  });
});

/** The handover bot's texts given an "nb" translation too, so only the mutation under test is missing. */
function translatedToNb(bot: Json): Json {
  return JSON.parse(JSON.stringify(bot, (_key, value: unknown) => {
    if (value && typeof value === 'object' && !Array.isArray(value) && 'en' in value && Object.keys(value).length === 1) {
      return { ...(value as Json), nb: (value as Json).en };
    }
    return value;
  })) as Json;
}
