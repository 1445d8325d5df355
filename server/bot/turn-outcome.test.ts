// What each turn did (issue 15): the engine names the outcome of every visitor turn and the intent
// it reached, the metadata the store keeps with the visitor's message for the console's filters and
// the reports. Played through the whole engine, as the server plays it.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadBotEngine } from './index.ts';
import type { BotEngine, BotTurn, Staffing, VisitorInput } from './engine.ts';
import { BOT_OUTCOMES } from '../../common/turn-outcomes.ts';
import { handoverBot, minimalBot } from './testdata/minimal-bot.ts';
import { madeTempDir } from '../../test/helpers/temp-dirs.ts';

let engine: BotEngine;

beforeAll(async () => {
  const bots = madeTempDir('parley-bots-');
  writeFileSync(join(bots, 'plain.json'), JSON.stringify(minimalBot()));
  writeFileSync(join(bots, 'help.json'), JSON.stringify(handoverBot()));
  engine = await loadBotEngine({ botsDir: bots, dataDir: madeTempDir('parley-data-'), env: {} });
}, 60_000);

function conversation(botId = 'plain') {
  let state: Record<string, unknown> = {};
  return {
    /** The turn's metadata: [outcome, intent]. */
    async send(input: VisitorInput | string, staffing?: Staffing): Promise<[BotTurn['outcome'], string | undefined]> {
      const turn = await engine.reply(
        { botId, conversationId: 'c1', locale: 'en', access: 'public', state, ...(staffing ? { staffing } : {}) },
        typeof input === 'string' ? { text: input } : input,
      );
      state = turn.state;
      expect(BOT_OUTCOMES).toContain(turn.outcome);
      return [turn.outcome, turn.intent];
    },
  };
}

describe('what a turn did', () => {
  it('an intent reached by text or by button is "answered", with the intent', async () => {
    const chat = conversation();
    expect(await chat.send('when are you open')).toEqual(['answered', 'hours']);
    expect(await chat.send('what about the weekend')).toEqual(['answered', 'weekend']);
    expect(await conversation().send({ action: 'intent:hours' })).toEqual(['answered', 'hours']);
  });

  it('not understood is "fallback" without an intent: the miss, the offer of a human, a declined offer, a stray button', async () => {
    const chat = conversation();
    expect(await chat.send('asdf qwer')).toEqual(['fallback', undefined]);
    expect(await chat.send('zxcv')).toEqual(['fallback', undefined]); // the offer of a human
    expect(await chat.send({ action: 'handover:no' })).toEqual(['fallback', undefined]);
    expect(await chat.send({ action: 'intent:weekend' })).toEqual(['fallback', undefined]); // out of context
    expect(await chat.send({ action: 'choice:news' })).toEqual(['fallback', undefined]); // no form asks
    expect(await chat.send({ action: 'nonsense' })).toEqual(['fallback', undefined]);
    expect(await chat.send('   ')).toEqual(['fallback', undefined]);
  });

  it('an intent the visitor may not reach is "refused", naming no intent', async () => {
    expect(await conversation().send('show my account balance')).toEqual(['refused', undefined]);
    expect(await conversation().send({ action: 'intent:secret' })).toEqual(['refused', undefined]);
  });

  it('the intent that starts a form is "answered"; every answer to its questions is "form"', async () => {
    const chat = conversation();
    expect(await chat.send('sign me up')).toEqual(['answered', 'signup']);
    expect(await chat.send('not an email')).toEqual(['form', undefined]); // asked again
    expect(await chat.send('ada@example.com')).toEqual(['form', undefined]);
    expect(await chat.send({ action: 'choice:news' })).toEqual(['form', undefined]); // the last: done
    const cancelled = conversation();
    await cancelled.send('sign me up');
    expect(await cancelled.send({ action: 'form:cancel' })).toEqual(['form', undefined]);
    const abandoned = conversation();
    await abandoned.send('sign me up');
    await abandoned.send('no');
    expect(await abandoned.send('still no')).toEqual(['form', undefined]); // past the retry limit
  });

  it('a handover is "handover" with the handover intent, however it was asked for', async () => {
    expect(await conversation().send('talk to a person')).toEqual(['handover', 'human']);
    expect(await conversation().send({ action: 'handover:yes' })).toEqual(['handover', 'human']);
    const offered = conversation('help');
    await offered.send('asdf qwer');
    await offered.send('zxcv');
    expect(await offered.send({ action: 'handover:yes' })).toEqual(['handover', 'human']);
  });

  it('a human asked for when none could come is "offline"; the message then left is "handover"', async () => {
    for (const staffing of ['closed', 'no-operator'] as const) {
      const chat = conversation('help');
      expect(await chat.send('talk to a person', staffing)).toEqual(['offline', 'human']);
      expect(await chat.send('ada@example.com', staffing)).toEqual(['form', undefined]);
      expect(await chat.send('Please call me back', staffing)).toEqual(['handover', undefined]);
    }
  });
});
