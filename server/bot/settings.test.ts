// A bot's data-protection settings through the engine: read from the file, checked by the file's
// own schema (a field at a time and the whole definition, so the handover's 24-hour rule holds),
// and once applied, what the server's profile of the bot says.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import ms from 'ms';
import { BotSettingsError, loadBotEngine } from './index.ts';
import type { BotEngine } from './engine.ts';
import type { BotDataSettings } from '../../common/data-protection-wire.ts';
import { handoverBot, minimalBot } from './testdata/minimal-bot.ts';
import { madeTempDir } from '../../test/helpers/temp-dirs.ts';

let engine: BotEngine;

beforeAll(async () => {
  const bots = madeTempDir('parley-bots-');
  writeFileSync(join(bots, 'help.json'), JSON.stringify({ ...handoverBot(), policy: { valueTtl: '180d', archiveTtl: 'forever' } }));
  writeFileSync(join(bots, 'plain.json'), JSON.stringify(minimalBot()));
  engine = await loadBotEngine({ botsDir: bots, dataDir: madeTempDir('parley-data-'), env: {} });
}, 60_000);

/** The message of the BotSettingsError `check` throws. */
function refusal(check: () => unknown): string {
  try {
    check();
  } catch (err) {
    expect(err).toBeInstanceOf(BotSettingsError);
    return (err as Error).message;
  }
  throw new Error('not refused');
}

const plainSettings = (): BotDataSettings => ({ ...engine.settings('plain')! });

describe('bot settings', () => {
  it('are the definition file’s until others are applied', () => {
    expect(engine.settings('help')).toEqual({
      storeConversations: true,
      messageTtl: null,
      valueTtl: ms('180d'),
      inactiveAfter: ms('90d'),
      archive: true,
      archiveTtl: 'forever',
      allowedOrigins: ['https://shop.example', 'http://localhost:*'],
      businessHours: {
        timeZone: 'Europe/Oslo',
        weekly: { monday: [['08:00', '17:00']], friday: [['08:00', '12:00'], ['13:00', '16:00']], saturday: [['22:00', '24:00']] },
        holidays: ['2026-12-25'],
      },
    });
    expect(engine.settings('plain')).toMatchObject({ storeConversations: true, archiveTtl: ms('365d'), businessHours: null });
    expect(engine.settings('nobody')).toBeUndefined();
  });

  it('check a change as the file would be checked, and return what would be kept (durations in ms)', () => {
    const checked = engine.checkSettings('plain', { ...plainSettings(), messageTtl: '30s', valueTtl: 5000, inactiveAfter: '1d', archive: false, archiveTtl: 'forever' });
    expect(checked).toMatchObject({ messageTtl: 30_000, valueTtl: 5000, inactiveAfter: ms('1d'), archive: false, archiveTtl: 'forever' });
    // Checking changes nothing.
    expect(engine.settings('plain')).toEqual(plainSettings());
    expect(engine.profile('plain')!.policy.messageTtlMs).toBeUndefined();
  });

  it('refuse a bad field, naming it as the console does', () => {
    const plain = plainSettings();
    expect(refusal(() => engine.checkSettings('plain', { ...plain, inactiveAfter: '12h' }))).toBe('inactiveAfter: expected between 1d and 365d');
    expect(refusal(() => engine.checkSettings('plain', { ...plain, inactiveAfter: '366d' }))).toBe('inactiveAfter: expected between 1d and 365d');
    expect(refusal(() => engine.checkSettings('plain', { ...plain, messageTtl: 'soon' }))).toMatch(/^messageTtl: expected a duration such as "30s"/);
    expect(refusal(() => engine.checkSettings('plain', { ...plain, valueTtl: -5 }))).toMatch(/^valueTtl: expected a duration/);
    expect(refusal(() => engine.checkSettings('plain', { ...plain, archiveTtl: 'never' }))).toMatch(/^archiveTtl: expected .*"forever"/);
    expect(refusal(() => engine.checkSettings('plain', { ...plain, allowedOrigins: ['https://ok.example', 'javascript:alert(1)'] }))).toMatch(
      /^allowedOrigins\[1\]: expected an origin/,
    );
    expect(refusal(() => engine.checkSettings('plain', { ...plain, allowedOrigins: [] }))).toBe('allowedOrigins: expected at least 1 origin');
    expect(refusal(() => engine.checkSettings('plain', { ...plain, storeConversations: 'no' }))).toMatch(/^storeConversations: /);
    expect(refusal(() => engine.checkSettings('plain', { ...plain, messagesPerMinute: 600 }))).toMatch(/^settings: .*messagesPerMinute/);
    expect(refusal(() => engine.checkSettings('plain', [plain]))).toBe('settings: expected an object');
    expect(refusal(() => engine.checkSettings('plain', null))).toBe('settings: expected an object');
  });

  it('refuse business hours on a bot that hands over to no one, and bad ones on a bot that does', () => {
    const hours = { timeZone: 'Europe/Oslo', weekly: { monday: [['08:00', '17:00']] }, holidays: [] };
    expect(refusal(() => engine.checkSettings('plain', { ...plainSettings(), businessHours: hours }))).toMatch(/^businessHours: only a bot that hands over/);
    const help = engine.settings('help')!;
    expect(refusal(() => engine.checkSettings('help', { ...help, businessHours: { ...hours, timeZone: 'Mars/Olympus' } }))).toMatch(
      /^businessHours\.timeZone: unknown time zone/,
    );
    expect(refusal(() => engine.checkSettings('help', { ...help, businessHours: { ...hours, weekly: { monday: [['17:00', '08:00']] } } }))).toMatch(
      /^businessHours\.weekly\.monday\[0\]: "17:00" is not before "08:00"/,
    );
  });

  it('hold the 24-hour rule of a bot with handover, as the file does', () => {
    const help = engine.settings('help')!;
    expect(refusal(() => engine.checkSettings('help', { ...help, storeConversations: false }))).toMatch(/^storeConversations: a bot with handover must store its conversations/);
    expect(refusal(() => engine.checkSettings('help', { ...help, messageTtl: '1h' }))).toBe('messageTtl: a bot with handover must keep messages at least 24h (got 1h)');
    expect(refusal(() => engine.checkSettings('help', { ...help, valueTtl: '23h' }))).toBe('valueTtl: a bot with handover must keep collected values at least 24h (got 23h)');
  });

  it('once applied, are what the profile says; each application starts from the file again', () => {
    const changed = engine.checkSettings('help', {
      ...engine.settings('help'),
      messageTtl: '2d',
      valueTtl: null,
      archive: false,
      allowedOrigins: ['https://new.example'],
      businessHours: null,
    });
    engine.applySettings('help', changed);
    const profile = engine.profile('help')!;
    expect(profile.policy).toMatchObject({ storeConversations: true, messageTtlMs: ms('2d'), archive: false });
    expect(profile.policy.valueTtlMs).toBeUndefined();
    expect(profile.allowedOrigins).toEqual(['https://new.example']);
    expect(profile.handover?.businessHours).toBeUndefined();
    expect(profile.handover?.waitLimitMs).toBe(ms('10m'));
    expect(engine.settings('help')).toEqual(changed);
    expect(engine.profiles().find((p) => p.id === 'help')).toEqual(profile);

    const original = engine.checkSettings('help', { ...changed, messageTtl: null, valueTtl: '180d', archive: true, allowedOrigins: ['https://shop.example'] });
    engine.applySettings('help', original);
    expect(engine.profile('help')!.policy).toMatchObject({ valueTtlMs: ms('180d'), archive: true });
    expect(engine.profile('help')!.policy.messageTtlMs).toBeUndefined();
  });

  it('turn storage off for a bot without handover', () => {
    engine.applySettings('plain', engine.checkSettings('plain', { ...plainSettings(), storeConversations: false }));
    expect(engine.profile('plain')!.policy.storeConversations).toBe(false);
  });
});

describe('the demo bot', () => {
  it('read back through its own settings is the same bot: putting settings in re-reads the whole definition losslessly', async () => {
    const demo = await loadBotEngine({
      botsDir: join(import.meta.dirname, '..', '..', 'bots'),
      dataDir: madeTempDir('parley-data-'),
      env: { PARLEY_DEMO_IDENTITY_SECRET: 'demo-identity-secret-for-tests-0123456789abcdef' },
    });
    const before = demo.profile('demo');
    const settings = demo.settings('demo')!;
    demo.applySettings('demo', demo.checkSettings('demo', settings));
    expect(demo.profile('demo')).toEqual(before);
    expect(demo.settings('demo')).toEqual(settings);
  }, 60_000);
});
