// A fallback names the intent nearest to what the visitor wrote (BotTurn.nearest), so the reports
// can count "top fallbacks" by intent, never by text. Played through the whole engine.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadBotEngine } from './index.ts';
import type { BotEngine, VisitorInput } from './engine.ts';
import { minimalBot } from './testdata/minimal-bot.ts';
import { madeTempDir } from '../../test/helpers/temp-dirs.ts';

let engine: BotEngine;

beforeAll(async () => {
  const bots = madeTempDir('parley-bots-');
  writeFileSync(join(bots, 'plain.json'), JSON.stringify(minimalBot()));
  engine = await loadBotEngine({ botsDir: bots, dataDir: madeTempDir('parley-data-'), env: {} });
}, 60_000);

function conversation() {
  let state: Record<string, unknown> = {};
  return async (input: VisitorInput | string) => {
    const turn = await engine.reply({ botId: 'plain', conversationId: 'c1', locale: 'en', access: 'public', state }, typeof input === 'string' ? { text: input } : input);
    state = turn.state;
    return { outcome: turn.outcome, intent: turn.intent, nearest: turn.nearest };
  };
}

describe('the intent nearest to a fallback', () => {
  // The minimal bot's threshold is 0.6: "the hours you keep on tuesdays" scores 0.54 for hours,
  // "news letter please" 0.5 for signup, "when do you" 0.22 for hours, "asdf qwer" 0.02 for signup.
  it('is the best-scoring intent when it came at least half way to the threshold', async () => {
    expect(await conversation()('the hours you keep on tuesdays')).toEqual({ outcome: 'fallback', intent: undefined, nearest: 'hours' });
    expect(await conversation()('news letter please')).toEqual({ outcome: 'fallback', intent: undefined, nearest: 'signup' });
  });

  it('stays named when repeated misses offer a human', async () => {
    const send = conversation();
    await send('asdf qwer');
    expect(await send('news letter please')).toEqual({ outcome: 'fallback', intent: undefined, nearest: 'signup' });
  });

  it('is absent when nothing came half way, for a stray button and for an empty message', async () => {
    expect((await conversation()('when do you')).nearest).toBeUndefined();
    expect((await conversation()('asdf qwer')).nearest).toBeUndefined();
    expect(await conversation()({ action: 'intent:weekend' })).toEqual({ outcome: 'fallback', intent: undefined, nearest: undefined });
    expect((await conversation()('   ')).nearest).toBeUndefined();
  });

  it('is never set on a turn that was understood', async () => {
    expect(await conversation()('when are you open')).toEqual({ outcome: 'answered', intent: 'hours', nearest: undefined });
  });
});
