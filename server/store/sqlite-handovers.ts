// The handover side of the SQLite adapter (HandoverStore, handover-store.ts), in the tables of
// migration 5 (sqlite-schema.ts). What must happen once is one statement or one IMMEDIATE
// transaction: a partial unique index allows one open handover per conversation, a transition is
// an UPDATE that compares the version, a rating an UPDATE that finds none yet. Handovers and their
// notes go with their conversation by ON DELETE CASCADE; clearing, archiving and the retention
// sweep are in sqlite.ts and sqlite-sweep.ts.
import Database from 'better-sqlite3';
import type { Handover, HandoverNote, HandoverStore } from './handover-store.ts';
import type { WebhookEvent } from './webhook-store.ts';
import * as check from './handover-arguments.ts';
import type { HandoverPatch, HandoverQuery } from './handover-arguments.ts';
import { checkDate, checkLimit, idString, nullableText } from './arguments.ts';
import { storeError } from './errors.ts';
import { HANDOVER_COLUMNS, NOTE_COLUMNS } from './sqlite-schema.ts';
import { firstResponded, handoverChanged, handoverOpened, rated, type Tally } from '../reports/tally.ts';

export interface HandoverRow {
  id: string;
  conversation_id: string;
  bot_id: string;
  state: Handover['state'];
  source: Handover['source'];
  origin: string;
  started_at: number;
  assignee_id: string | null;
  assigned_at: number | null;
  first_response_at: number | null;
  ended_at: number | null;
  resolution: Handover['resolution'];
  resolution_note: string | null;
  rating: number | null;
  rating_comment: string | null;
  version: number;
}

export interface NoteRow {
  id: string;
  handover_id: string;
  author_id: string;
  text: string;
  created_at: number;
}

const dateOrNull = (ms: number | null): Date | null => (ms === null ? null : new Date(ms));
const msOrNull = (date: Date | null): number | null => (date === null ? null : date.getTime());

export function handoverFromRow(row: HandoverRow): Handover {
  return {
    id: row.id,
    conversationId: row.conversation_id,
    botId: row.bot_id,
    state: row.state,
    source: row.source,
    origin: row.origin,
    startedAt: new Date(row.started_at),
    assigneeId: row.assignee_id,
    assignedAt: dateOrNull(row.assigned_at),
    firstResponseAt: dateOrNull(row.first_response_at),
    endedAt: dateOrNull(row.ended_at),
    resolution: row.resolution,
    resolutionNote: row.resolution_note,
    rating: row.rating,
    ratingComment: row.rating_comment,
    version: row.version,
  };
}

function handoverParams(h: Handover) {
  return {
    ...h,
    startedAt: h.startedAt.getTime(),
    assignedAt: msOrNull(h.assignedAt),
    firstResponseAt: msOrNull(h.firstResponseAt),
    endedAt: msOrNull(h.endedAt),
  };
}

export const noteFromRow = (row: NoteRow): HandoverNote => ({
  id: row.id,
  handoverId: row.handover_id,
  authorId: row.author_id,
  text: row.text,
  createdAt: new Date(row.created_at),
});

function constraintCode(err: unknown): string | null {
  return err instanceof Database.SqliteError && err.code.startsWith('SQLITE_CONSTRAINT') ? err.code : null;
}

function prepareStatements(db: Database.Database) {
  const select = `SELECT ${HANDOVER_COLUMNS} FROM handovers`;
  const newestFirst = 'ORDER BY started_at DESC, id DESC';
  return {
    conversation: db.prepare<[string], { bot_id: string; origin: string }>('SELECT bot_id, origin FROM conversations WHERE id = ?'),
    flagConversation: db.prepare<[string]>('UPDATE conversations SET handover = 1 WHERE id = ?'),
    insert: db.prepare(
      `INSERT INTO handovers (${HANDOVER_COLUMNS}) VALUES (@id, @conversationId, @botId, @state, @source, @origin, @startedAt,
       @assigneeId, @assignedAt, @firstResponseAt, @endedAt, @resolution, @resolutionNote, @rating, @ratingComment, @version)`,
    ),
    byId: db.prepare<[string], HandoverRow>(`${select} WHERE id = ?`),
    openOf: db.prepare<[string], HandoverRow>(`${select} WHERE conversation_id = ? AND state IN ('waiting', 'assigned')`),
    latestOf: db.prepare<[string], HandoverRow>(`${select} WHERE conversation_id = ? ${newestFirst} LIMIT 1`),
    // Filters travel as JSON arrays (json_each) and flags, so one statement serves every query.
    list: db.prepare<[{ allBots: number; bots: string; anyState: number; states: string; assigneeId: string | null; limit: number }], HandoverRow>(
      `${select} WHERE (@allBots = 1 OR bot_id IN (SELECT value FROM json_each(@bots)))
         AND (@anyState = 1 OR state IN (SELECT value FROM json_each(@states)))
         AND (@assigneeId IS NULL OR assignee_id = @assigneeId)
       ${newestFirst} LIMIT @limit`,
    ),
    waitingBefore: db.prepare<[string, number, number], HandoverRow>(
      `${select} WHERE bot_id = ? AND state = 'waiting' AND started_at < ? ORDER BY started_at, id LIMIT ?`,
    ),
    // One statement: the version compared is the version replaced, whoever else writes.
    transition: db.prepare<[ReturnType<typeof handoverParams> & { expected: number }]>(
      `UPDATE handovers SET state = @state, assignee_id = @assigneeId, assigned_at = @assignedAt, ended_at = @endedAt,
       resolution = @resolution, resolution_note = @resolutionNote, version = @version
       WHERE id = @id AND version = @expected`,
    ),
    firstResponse: db.prepare<[number, string]>('UPDATE handovers SET first_response_at = ? WHERE id = ? AND first_response_at IS NULL'),
    rate: db.prepare<[number, string | null, string]>(
      "UPDATE handovers SET rating = ?, rating_comment = ? WHERE id = ? AND state = 'resolved' AND rating IS NULL",
    ),
    insertNote: db.prepare(`INSERT INTO handover_notes (${NOTE_COLUMNS}) VALUES (@id, @handoverId, @authorId, @text, @createdAt)`),
    notesOf: db.prepare<[string], NoteRow>(`SELECT ${NOTE_COLUMNS} FROM handover_notes WHERE handover_id = ? ORDER BY created_at, rowid`),
    putPresence: db.prepare(
      `INSERT INTO operator_presence (user_id, available, expires_at) VALUES (@userId, @available, @expiresAt)
       ON CONFLICT (user_id) DO UPDATE SET available = excluded.available, expires_at = excluded.expires_at`,
    ),
    available: db
      .prepare<[number], string>('SELECT user_id FROM operator_presence WHERE available = 1 AND expires_at > ? ORDER BY user_id')
      .pluck(),
  };
}

/**
 * The HandoverStore on `db`, and `open`: the transaction that opens a handover (or finds the open
 * one), which completeTurn runs inside its own so the turn and its handover commit together.
 * `count` adds report tallies (sqlite-reports.ts) and `enqueue` webhook events (sqlite-webhooks.ts)
 * inside the transaction of what they count or tell.
 */
export function sqliteHandovers(db: Database.Database, count: (...tallies: Tally[]) => void, enqueue: (events: readonly WebhookEvent[] | undefined) => number) {
  const sql = prepareStatements(db);

  const open = db.transaction((input: ReturnType<typeof check.newHandover>): { handover: Handover; created: boolean } => {
    const conversation = sql.conversation.get(input.conversationId);
    if (!conversation) throw storeError('unknown_conversation', 'no such conversation');
    const current = sql.openOf.get(input.conversationId);
    if (current) return { handover: handoverFromRow(current), created: false };
    const handover: Handover = { ...input, botId: conversation.bot_id, origin: conversation.origin };
    try {
      sql.insert.run(handoverParams(handover));
    } catch (err) {
      if (constraintCode(err) === 'SQLITE_CONSTRAINT_PRIMARYKEY') throw storeError('invalid_argument', 'a handover with this id exists');
      throw err;
    }
    sql.flagConversation.run(input.conversationId);
    count(handoverOpened(handover));
    return { handover, created: true };
  });

  const transition = db.transaction((id: string, expected: number, patch: HandoverPatch, events?: WebhookEvent[]): Handover | null => {
    const row = sql.byId.get(id);
    if (!row || row.version !== expected) return null;
    check.refuseReopen(row.state, patch);
    const before = handoverFromRow(row);
    const next: Handover = { ...before, ...patch, version: expected + 1 };
    if (sql.transition.run({ ...handoverParams(next), expected }).changes !== 1) return null;
    count(...handoverChanged(before, next));
    enqueue(events);
    return next;
  });

  const firstResponse = db.transaction((id: string, at: Date): void => {
    const row = sql.byId.get(id);
    if (row && sql.firstResponse.run(at.getTime(), id).changes === 1) count(firstResponded(handoverFromRow(row), at));
  });

  const rate = db.transaction((id: string, score: number, comment: string | null, events?: WebhookEvent[]): boolean => {
    const row = sql.byId.get(id);
    if (!row || sql.rate.run(score, comment, id).changes !== 1) return false;
    count(rated(handoverFromRow(row), score));
    enqueue(events);
    return true;
  });

  function list(query: HandoverQuery): Handover[] {
    return sql.list
      .all({
        allBots: query.bots === 'all' ? 1 : 0,
        bots: JSON.stringify(query.bots === 'all' ? [] : query.bots),
        anyState: query.states === undefined ? 1 : 0,
        states: JSON.stringify(query.states ?? []),
        assigneeId: query.assigneeId ?? null,
        limit: query.limit,
      })
      .map(handoverFromRow);
  }

  const store: HandoverStore = {
    async openHandover(input) {
      return open.immediate(check.newHandover(input));
    },

    async getHandover(id) {
      const row = sql.byId.get(idString(id));
      return row ? handoverFromRow(row) : null;
    },

    async openHandoverOf(conversationId) {
      const row = sql.openOf.get(idString(conversationId));
      return row ? handoverFromRow(row) : null;
    },

    async latestHandoverOf(conversationId) {
      const row = sql.latestOf.get(idString(conversationId));
      return row ? handoverFromRow(row) : null;
    },

    async listHandovers(query) {
      return list(check.handoverQuery(query));
    },

    async transitionHandover(id, expectedVersion, patch, events) {
      return transition.immediate(idString(id), check.checkVersion(expectedVersion), check.handoverPatch(patch), events);
    },

    async markFirstResponse(id, at) {
      firstResponse.immediate(idString(id), checkDate('at', at));
    },

    async rateHandover(id, score, comment, events) {
      return rate.immediate(idString(id), check.checkScore(score), nullableText(comment), events);
    },

    async addHandoverNote(note) {
      const checked = check.handoverNote(note);
      try {
        sql.insertNote.run({ ...checked, createdAt: checked.createdAt.getTime() });
      } catch (err) {
        const code = constraintCode(err);
        if (code === 'SQLITE_CONSTRAINT_FOREIGNKEY') throw storeError('unknown_handover', 'no such handover');
        if (code === 'SQLITE_CONSTRAINT_PRIMARYKEY') throw storeError('invalid_argument', 'a note with this id exists');
        throw err;
      }
    },

    async listHandoverNotes(handoverId) {
      return sql.notesOf.all(idString(handoverId)).map(noteFromRow);
    },

    async waitingHandoversStartedBefore(botId, before, limit) {
      return sql.waitingBefore.all(idString(botId), checkDate('before', before).getTime(), checkLimit(limit)).map(handoverFromRow);
    },

    async setPresence(input) {
      const p = check.presence(input);
      try {
        sql.putPresence.run({ userId: p.userId, available: p.available ? 1 : 0, expiresAt: p.expiresAt.getTime() });
      } catch (err) {
        if (constraintCode(err) === 'SQLITE_CONSTRAINT_FOREIGNKEY') throw storeError('unknown_user', 'no such console user');
        throw err;
      }
    },

    async availableOperators(now) {
      return sql.available.all(checkDate('now', now).getTime());
    },
  };

  return { store, open };
}
