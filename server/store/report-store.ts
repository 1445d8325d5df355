// What reports read (issue 15): the day tallies (server/reports/tally.ts) the store adds as it
// stores conversations, messages, turns and handover changes. `Store` extends ReportStore, so both
// adapters keep them, and report-contract.ts holds them to it. Tallies hold no conversation id,
// visitor, text or value, and nothing that deletes, clears, archives or sweeps conversations
// touches them.

/** One bot's tallies of one UTC day, summed over every write that added to them. */
export interface ReportDay {
  botId: string;
  /** `YYYY-MM-DD`, UTC. */
  day: string;
  /** Counter name (server/reports/tally.ts COUNTER) → count; counters never added are absent. */
  counts: Record<string, number>;
  /** Handover waits (start → first assignment), ms, in no particular order. */
  waitMs: number[];
  /** Handover first responses (start → the operator's first message), ms, in no particular order. */
  firstResponseMs: number[];
}

export interface ReportQuery {
  /** The bots, named (the route names every configured bot for "all"). */
  bots: string[];
  /** First and last UTC day, `YYYY-MM-DD`, both included. */
  from: string;
  to: string;
}

export interface ReportStore {
  /**
   * The bots' day tallies from `from` to `to`, ordered by day, then bot; a day on which nothing was
   * counted for a bot is absent. `invalid_argument` for a day that is not `YYYY-MM-DD`.
   */
  reportDays(query: ReportQuery): Promise<ReportDay[]>;
}
