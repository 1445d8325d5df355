// Shaping the store's day tallies into a report: bots summed per day, every day of the period
// listed, shares of the turns the bot handled, top lists, p50/p90 by nearest rank.
import { describe, expect, it } from 'vitest';
import { buildReport, summarise } from './build-report.ts';
import type { ReportDay } from '../store/report-store.ts';

const day = (botId: string, d: string, counts: Record<string, number>, waitMs: number[] = [], firstResponseMs: number[] = []): ReportDay => ({
  botId,
  day: d,
  counts,
  waitMs,
  firstResponseMs,
});

describe('summarise', () => {
  it('gives p50 and p90 by nearest rank, and nulls for none', () => {
    expect(summarise([])).toEqual({ count: 0, p50Ms: null, p90Ms: null });
    expect(summarise([7])).toEqual({ count: 1, p50Ms: 7, p90Ms: 7 });
    expect(summarise([4, 1, 3, 2])).toEqual({ count: 4, p50Ms: 2, p90Ms: 4 });
    expect(summarise(Array.from({ length: 10 }, (_, i) => 10 - i))).toEqual({ count: 10, p50Ms: 5, p90Ms: 9 });
  });
});

describe('buildReport', () => {
  const period = { bots: ['demo', 'shop'], from: '2030-01-01', to: '2030-01-03' };

  it('sums the bots per day and lists every day of the period, zeros where nothing was counted', () => {
    const report = buildReport(period, [
      day('demo', '2030-01-01', { conversations: 2, 'messages.visitor': 3, 'messages.bot': 4, 'outcomes.answered': 2, 'outcomes.fallback': 1 }, [1000, 3000]),
      day('shop', '2030-01-01', { conversations: 1, 'messages.operator': 1, 'handovers.intent': 1, 'resolutions.answered': 1 }, [2000], [5000]),
      day('demo', '2030-01-03', { 'abandoned.gone': 1, 'abandoned.unanswered': 2 }),
    ]);
    expect(report.days.map((d) => d.day)).toEqual(['2030-01-01', '2030-01-02', '2030-01-03']);
    expect(report.days[0]).toEqual({
      day: '2030-01-01',
      conversations: 3,
      messages: 8,
      visitorMessages: 3,
      answered: 2,
      fallback: 1,
      handedOver: 0,
      handovers: 1,
      resolved: 1,
      abandoned: 0,
      waitP50Ms: 2000,
      waitP90Ms: 3000,
      firstResponseP50Ms: 5000,
      firstResponseP90Ms: 5000,
    });
    expect(report.days[1]).toMatchObject({ conversations: 0, messages: 0, waitP50Ms: null, firstResponseP90Ms: null });
    expect(report.days[2]).toMatchObject({ abandoned: 3 });
    expect(report.totals).toEqual({ conversations: 3, messages: { visitor: 3, bot: 4, operator: 1, system: 0 } });
    expect(report.handovers.abandoned).toEqual({ unanswered: 2, gone: 1 });
  });

  it('shares are of the turns the bot handled: silent ones (an operator had the conversation) are not', () => {
    const report = buildReport(period, [day('demo', '2030-01-02', { 'outcomes.answered': 6, 'outcomes.fallback': 2, 'outcomes.handover': 1, 'outcomes.offline': 1, 'outcomes.silent': 5 })]);
    const share = Object.fromEntries(report.outcomes.map((o) => [o.outcome, [o.count, o.share]]));
    expect(share).toEqual({
      answered: [6, 0.6],
      fallback: [2, 0.2],
      refused: [0, 0],
      form: [0, 0],
      handover: [1, 0.1],
      offline: [1, 0.1],
      silent: [5, null],
    });
    expect(buildReport(period, []).outcomes.every((o) => o.share === null)).toBe(true);
  });

  it('ranks intents and fallbacks by count, then name; a fallback near no intent is null', () => {
    const report = buildReport(period, [
      day('demo', '2030-01-01', { 'intents.pricing': 3, 'intents.hours': 5, 'fallbacks.pricing': 2, 'fallbacks._none': 4 }),
      day('shop', '2030-01-02', { 'intents.returns': 3, 'fallbacks.hours': 2 }),
    ]);
    expect(report.topIntents).toEqual([
      { intent: 'hours', count: 5 },
      { intent: 'pricing', count: 3 },
      { intent: 'returns', count: 3 },
    ]);
    expect(report.topFallbacks).toEqual([
      { nearest: null, count: 4 },
      { nearest: 'hours', count: 2 },
      { nearest: 'pricing', count: 2 },
    ]);
  });

  it('sums handovers by source, resolutions by code and ratings by score, with the average', () => {
    const report = buildReport(period, [
      day('demo', '2030-01-01', { 'handovers.intent': 2, 'handovers.message': 1, 'resolutions.spam': 1, 'ratings.5': 2, 'ratings.2': 1 }, [60_000], [90_000, 30_000]),
      day('demo', '2030-01-02', { 'handovers.fallback': 1, 'ratings.5': 1 }, [120_000, 30_000]),
    ]);
    const { handovers } = report;
    expect(handovers.opened).toBe(4);
    expect(handovers.bySource).toEqual([
      { source: 'intent', count: 2 },
      { source: 'fallback', count: 1 },
      { source: 'button', count: 0 },
      { source: 'message', count: 1 },
    ]);
    expect(handovers.waiting).toEqual({ count: 3, p50Ms: 60_000, p90Ms: 120_000 });
    expect(handovers.firstResponse).toEqual({ count: 2, p50Ms: 30_000, p90Ms: 90_000 });
    expect(handovers.resolutions.find((r) => r.code === 'spam')?.count).toBe(1);
    expect(handovers.ratings).toEqual({
      count: 4,
      average: 17 / 4,
      byScore: [1, 2, 3, 4, 5].map((score) => ({ score, count: { 2: 1, 5: 3 }[score] ?? 0 })),
    });
  });
});
