// SQLite schema as an ordered list of migrations. Each runs once, in order, inside one transaction
// at open, and the schema version is recorded in the file header (`PRAGMA user_version`), so a
// second open is a no-op and a failed migration leaves the file as it was.
import type Database from 'better-sqlite3';

export interface Migration {
  version: number;
  sql: string;
}

/** The columns of a message row, the same in the live store and the archive. */
export const MESSAGE_COLUMNS = 'conversation_id, id, client_id, sender, text, quick_replies, links, created_at, author, notice';

/** What archiving copies of a message row: its columns above and the metadata of its turn. */
export const MESSAGE_COPY_COLUMNS = `${MESSAGE_COLUMNS}, intent, outcome`;

/** The columns of a conversation row that archiving copies (the archive adds `archived_at`). */
export const CONVERSATION_COPY_COLUMNS =
  'id, bot_id, visitor_id, origin, created_at, last_activity_at, handover, state, next_message_id, locale, intents, outcomes, subject';

/** The columns of a handover row, the same in the live store and the archive. */
export const HANDOVER_COLUMNS =
  'id, conversation_id, bot_id, state, source, origin, started_at, assignee_id, assigned_at, first_response_at, ended_at, resolution, resolution_note, rating, rating_comment, version';

/** The columns of a handover note row, the same in the live store and the archive. */
export const NOTE_COLUMNS = 'id, handover_id, author_id, text, created_at';

/** The live store. Times are integer ms since the epoch (UTC); JSON columns hold arrays/objects. */
export const LIVE_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    sql: `
      CREATE TABLE conversations (
        id TEXT PRIMARY KEY,
        bot_id TEXT NOT NULL,
        visitor_id TEXT NOT NULL,
        origin TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        last_activity_at INTEGER NOT NULL,
        handover INTEGER NOT NULL DEFAULT 0 CHECK (handover IN (0, 1)),
        state TEXT NOT NULL DEFAULT '{}',
        -- Allocated in the same transaction that inserts the message: ids are 1, 2, 3… with no gaps.
        next_message_id INTEGER NOT NULL DEFAULT 1
      ) STRICT;
      CREATE INDEX conversations_bot_activity ON conversations (bot_id, last_activity_at);

      CREATE TABLE messages (
        conversation_id TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
        id INTEGER NOT NULL,
        client_id TEXT,
        sender TEXT NOT NULL CHECK (sender IN ('visitor', 'bot', 'system')),
        text TEXT NOT NULL,
        quick_replies TEXT,
        links TEXT,
        created_at INTEGER NOT NULL,
        PRIMARY KEY (conversation_id, id)
      ) STRICT;
      -- Idempotency: one message per client id within a conversation.
      CREATE UNIQUE INDEX messages_client_id ON messages (conversation_id, client_id)
        WHERE client_id IS NOT NULL;
      CREATE INDEX messages_created_at ON messages (created_at);

      -- Values bot forms collect (e-mail, phone…): PII kept apart from message text.
      CREATE TABLE collected_values (
        conversation_id TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
        key TEXT NOT NULL,
        value TEXT NOT NULL,
        pii TEXT NOT NULL CHECK (pii IN ('none', 'contact', 'identity', 'sensitive')),
        created_at INTEGER NOT NULL,
        PRIMARY KEY (conversation_id, key)
      ) STRICT;
      CREATE INDEX collected_values_created_at ON collected_values (created_at);
    `,
  },
  {
    version: 2,
    sql: `
      -- The outbox: a visitor message that asks for a bot turn carries it (JSON) until the turn is
      -- done; then the column is cleared, so a form answer's raw value does not outlive its turn.
      ALTER TABLE messages ADD COLUMN turn TEXT;
      -- The visitor message a bot reply answers: a turn run again finds its replies instead of
      -- writing them twice.
      ALTER TABLE messages ADD COLUMN reply_to INTEGER;
      CREATE INDEX messages_pending_turns ON messages (created_at) WHERE turn IS NOT NULL;
      CREATE INDEX messages_replies ON messages (conversation_id, reply_to) WHERE reply_to IS NOT NULL;
    `,
  },
  {
    version: 3,
    sql: `
      -- The operator console (sqlite-console.ts). Tokens are kept only as SHA-256 hashes.
      CREATE TABLE users (
        id TEXT PRIMARY KEY,
        email TEXT NOT NULL UNIQUE,
        display_name TEXT NOT NULL,
        role TEXT NOT NULL CHECK (role IN ('administrator', 'supervisor', 'operator')),
        bots TEXT NOT NULL,
        password_hash TEXT,
        totp_secret TEXT,
        recovery_codes TEXT NOT NULL,
        -- UNIQUE lets any number of NULLs through: one user per linked OpenID subject.
        oidc_subject TEXT UNIQUE,
        disabled INTEGER NOT NULL CHECK (disabled IN (0, 1)),
        session_version INTEGER NOT NULL,
        failed_logins INTEGER NOT NULL,
        locked_until INTEGER,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      ) STRICT;

      CREATE TABLE console_sessions (
        id_hash TEXT PRIMARY KEY,
        user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        session_version INTEGER NOT NULL,
        csrf_token TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        last_seen_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX console_sessions_user ON console_sessions (user_id);
      CREATE INDEX console_sessions_expires_at ON console_sessions (expires_at);

      CREATE TABLE one_time_tokens (
        token_hash TEXT PRIMARY KEY,
        user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        purpose TEXT NOT NULL CHECK (purpose IN ('set-password', 'reset-password')),
        expires_at INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX one_time_tokens_expires_at ON one_time_tokens (expires_at);

      -- Append-only and hash-chained (server/audit/chain.ts); details is canonical JSON text.
      CREATE TABLE audit_log (
        seq INTEGER PRIMARY KEY,
        at INTEGER NOT NULL,
        actor TEXT,
        action TEXT NOT NULL,
        target TEXT,
        outcome TEXT NOT NULL CHECK (outcome IN ('ok', 'denied', 'failed')),
        ip TEXT,
        details TEXT NOT NULL,
        prev_hash TEXT NOT NULL,
        hash TEXT NOT NULL
      ) STRICT;
      CREATE INDEX audit_log_actor ON audit_log (actor, seq);
      CREATE INDEX audit_log_action ON audit_log (action, seq);
      CREATE INDEX audit_log_at ON audit_log (at);
      -- No code path of Parley changes or removes an entry; these make a bug that tries fail loudly.
      -- (Someone with the file can drop them: the hash chain is what shows tampering.)
      CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
      CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
    `,
  },
  {
    version: 4,
    sql: `
      -- The second factor done right (sqlite-console.ts): the last TOTP step used, refused from
      -- then on (replay), and the secret offered at enrolment, kept here so any instance can confirm it.
      ALTER TABLE users ADD COLUMN totp_last_step INTEGER;
      ALTER TABLE users ADD COLUMN pending_totp_secret TEXT;
      ALTER TABLE users ADD COLUMN pending_totp_expires_at INTEGER;
      -- Console-wide settings an administrator sets: one row at most (id 1).
      CREATE TABLE console_settings (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        require_totp INTEGER NOT NULL CHECK (require_totp IN (0, 1)),
        updated_at INTEGER NOT NULL
      ) STRICT;
    `,
  },
  {
    version: 5,
    sql: `
      -- The live handover (issue 14). Operators answer in conversations: sender 'operator' with
      -- the operator's display name (author), and system messages carry a notice (JSON). SQLite
      -- cannot change a CHECK constraint in place, so messages is rebuilt the documented way
      -- (https://www.sqlite.org/lang_altertable.html#otheralter): new table, copy, drop, rename,
      -- indexes again. Nothing references messages, so foreign keys may stay on.
      CREATE TABLE messages_v5 (
        conversation_id TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
        id INTEGER NOT NULL,
        client_id TEXT,
        sender TEXT NOT NULL CHECK (sender IN ('visitor', 'bot', 'operator', 'system')),
        text TEXT NOT NULL,
        quick_replies TEXT,
        links TEXT,
        created_at INTEGER NOT NULL,
        turn TEXT,
        reply_to INTEGER,
        author TEXT,
        notice TEXT,
        PRIMARY KEY (conversation_id, id)
      ) STRICT;
      INSERT INTO messages_v5 (conversation_id, id, client_id, sender, text, quick_replies, links, created_at, turn, reply_to)
        SELECT conversation_id, id, client_id, sender, text, quick_replies, links, created_at, turn, reply_to FROM messages;
      DROP TABLE messages;
      ALTER TABLE messages_v5 RENAME TO messages;
      CREATE UNIQUE INDEX messages_client_id ON messages (conversation_id, client_id) WHERE client_id IS NOT NULL;
      CREATE INDEX messages_created_at ON messages (created_at);
      CREATE INDEX messages_pending_turns ON messages (created_at) WHERE turn IS NOT NULL;
      CREATE INDEX messages_replies ON messages (conversation_id, reply_to) WHERE reply_to IS NOT NULL;

      -- One row per handover (sqlite-handovers.ts); it goes with its conversation.
      CREATE TABLE handovers (
        id TEXT PRIMARY KEY,
        conversation_id TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
        bot_id TEXT NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('waiting', 'assigned', 'resolved', 'abandoned')),
        source TEXT NOT NULL CHECK (source IN ('intent', 'fallback', 'button', 'message')),
        origin TEXT NOT NULL,
        started_at INTEGER NOT NULL,
        assignee_id TEXT,
        assigned_at INTEGER,
        first_response_at INTEGER,
        ended_at INTEGER,
        resolution TEXT CHECK (resolution IN ('answered', 'follow-up', 'no-response', 'spam', 'other')),
        resolution_note TEXT,
        rating INTEGER CHECK (rating BETWEEN 1 AND 5),
        rating_comment TEXT,
        version INTEGER NOT NULL
      ) STRICT;
      -- At most one open handover per conversation, whoever opens it.
      CREATE UNIQUE INDEX handovers_one_open ON handovers (conversation_id) WHERE state IN ('waiting', 'assigned');
      CREATE INDEX handovers_conversation ON handovers (conversation_id, started_at);
      CREATE INDEX handovers_bot_state ON handovers (bot_id, state, started_at);
      CREATE INDEX handovers_bot_ended ON handovers (bot_id, ended_at) WHERE ended_at IS NOT NULL;

      -- Operators' internal notes: never sent to the visitor.
      CREATE TABLE handover_notes (
        id TEXT PRIMARY KEY,
        handover_id TEXT NOT NULL REFERENCES handovers (id) ON DELETE CASCADE,
        author_id TEXT NOT NULL,
        text TEXT NOT NULL,
        created_at INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX handover_notes_handover ON handover_notes (handover_id, created_at);
      CREATE INDEX handover_notes_created_at ON handover_notes (created_at);

      -- Who takes conversations now: renewed by the console's heartbeat, offline once expired.
      CREATE TABLE operator_presence (
        user_id TEXT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
        available INTEGER NOT NULL CHECK (available IN (0, 1)),
        expires_at INTEGER NOT NULL
      ) STRICT;
    `,
  },
  {
    version: 6,
    sql: `
      -- A single sign-on that waits for its second factor is a one-time token too (sso.ts). The
      -- CHECK cannot change in place, so the table is rebuilt the documented way; nothing
      -- references it.
      CREATE TABLE one_time_tokens_v6 (
        token_hash TEXT PRIMARY KEY,
        user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        purpose TEXT NOT NULL CHECK (purpose IN ('set-password', 'reset-password', 'sso-second-factor')),
        expires_at INTEGER NOT NULL
      ) STRICT;
      INSERT INTO one_time_tokens_v6 (token_hash, user_id, purpose, expires_at)
        SELECT token_hash, user_id, purpose, expires_at FROM one_time_tokens;
      DROP TABLE one_time_tokens;
      ALTER TABLE one_time_tokens_v6 RENAME TO one_time_tokens;
      CREATE INDEX one_time_tokens_expires_at ON one_time_tokens (expires_at);
    `,
  },
  {
    version: 7,
    sql: `
      -- What each turn did (issue 15), metadata without text for the console's filters and the
      -- reports: on a visitor message whose turn completed, its outcome (common/turn-outcomes.ts)
      -- and the intent reached. No CHECK on outcome: the store checks it, and a new outcome must
      -- not need the table rebuilt (SQLite cannot change a CHECK in place).
      ALTER TABLE messages ADD COLUMN intent TEXT;
      ALTER TABLE messages ADD COLUMN outcome TEXT;
      CREATE INDEX messages_turns_by_time ON messages (created_at) WHERE outcome IS NOT NULL;
      -- Per conversation: its language, and every intent and outcome its turns reached (JSON
      -- arrays), which stay when its messages expire.
      ALTER TABLE conversations ADD COLUMN locale TEXT;
      ALTER TABLE conversations ADD COLUMN intents TEXT NOT NULL DEFAULT '[]';
      ALTER TABLE conversations ADD COLUMN outcomes TEXT NOT NULL DEFAULT '[]';
      CREATE INDEX conversations_bot_created ON conversations (bot_id, created_at);
    `,
  },
  {
    version: 8,
    sql: `
      -- An administrator's grant to a supervisor: reveal personal data on their bots (roles.ts).
      ALTER TABLE users ADD COLUMN reveal_granted INTEGER NOT NULL DEFAULT 0 CHECK (reveal_granted IN (0, 1));
    `,
  },
  {
    version: 9,
    sql: `
      -- Data protection (issue 15, sqlite-data-protection.ts). The verified visitor a conversation
      -- belongs to, so a data subject's export or erasure finds all of theirs.
      ALTER TABLE conversations ADD COLUMN subject TEXT;
      CREATE INDEX conversations_bot_subject ON conversations (bot_id, subject) WHERE subject IS NOT NULL;
      -- A bot's data-protection settings as saved in the console: every version kept, the newest in force.
      CREATE TABLE bot_settings (
        bot_id TEXT NOT NULL,
        version INTEGER NOT NULL CHECK (version >= 1),
        settings TEXT NOT NULL,
        saved_at INTEGER NOT NULL,
        saved_by TEXT NOT NULL,
        PRIMARY KEY (bot_id, version)
      ) STRICT;
    `,
  },
  {
    version: 10,
    sql: `
      -- Reports (issue 15, sqlite-reports.ts): what each bot's UTC day ('YYYY-MM-DD') added up
      -- to, metadata only: a count per counter, and the day's handover waits and first responses
      -- as JSON arrays of ms (one row per day and kind, so a year is a few hundred rows to read).
      -- No conversation id, visitor, text or value, and no foreign key: deleting, archiving or
      -- sweeping conversations leaves these rows as they are.
      CREATE TABLE report_counts (
        bot_id TEXT NOT NULL,
        day TEXT NOT NULL,
        counter TEXT NOT NULL,
        n INTEGER NOT NULL,
        PRIMARY KEY (bot_id, day, counter)
      ) STRICT, WITHOUT ROWID;
      CREATE TABLE report_durations (
        bot_id TEXT NOT NULL,
        day TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('wait', 'first-response')),
        ms TEXT NOT NULL,
        PRIMARY KEY (bot_id, day, kind)
      ) STRICT, WITHOUT ROWID;
    `,
  },
  {
    version: 11,
    sql: `
      -- Webhooks (issue 18, sqlite-webhooks.ts): a bot's targets, with their secrets as JSON
      -- (newest first), the outbox of deliveries owed (one per event and webhook: the primary key
      -- is the idempotency key), and the attempts made. A webhook's deliveries and attempts go with it.
      CREATE TABLE webhooks (
        id TEXT PRIMARY KEY,
        bot_id TEXT NOT NULL,
        url TEXT NOT NULL,
        events TEXT NOT NULL,
        enabled INTEGER NOT NULL CHECK (enabled IN (0, 1)),
        secrets TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX webhooks_bot ON webhooks (bot_id, created_at);
      CREATE TABLE webhook_deliveries (
        event_id TEXT NOT NULL,
        webhook_id TEXT NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
        bot_id TEXT NOT NULL,
        type TEXT NOT NULL,
        payload TEXT,
        state TEXT NOT NULL CHECK (state IN ('pending', 'delivered', 'failed')),
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_at INTEGER,
        created_at INTEGER NOT NULL,
        PRIMARY KEY (event_id, webhook_id)
      ) STRICT;
      CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE state = 'pending';
      CREATE INDEX webhook_deliveries_webhook ON webhook_deliveries (webhook_id);
      CREATE TABLE webhook_attempts (
        event_id TEXT NOT NULL,
        webhook_id TEXT NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
        type TEXT NOT NULL,
        attempt INTEGER NOT NULL,
        at INTEGER NOT NULL,
        status INTEGER,
        duration_ms INTEGER NOT NULL,
        error_class TEXT,
        outcome TEXT NOT NULL CHECK (outcome IN ('delivered', 'retrying', 'failed')),
        PRIMARY KEY (event_id, webhook_id, attempt)
      ) STRICT;
      CREATE INDEX webhook_attempts_webhook ON webhook_attempts (webhook_id, at);
    `,
  },
  {
    version: 12,
    sql: `
      -- A conversation's oldest pending turn, by index: without it the turn worker read every
      -- message of the conversation from its first at each turn (9 % of a saturated server's CPU).
      CREATE INDEX messages_turns_pending ON messages (conversation_id, id) WHERE turn IS NOT NULL;
    `,
  },
  {
    version: 13,
    sql: `
      -- Webhook deliveries name the conversation their event is about (issues 16 and 18): its data
      -- key seals the body, and deleting the conversation (a visitor's deletion, a subject's
      -- erasure, retention, archiving) takes what it still owes along. Deliveries from before get
      -- it from their body; a pending one whose conversation is gone was owed by an erased (or
      -- archived) conversation, and goes. A finished one keeps no body, and keeps no name either.
      ALTER TABLE webhook_deliveries ADD COLUMN conversation_id TEXT REFERENCES conversations (id) ON DELETE CASCADE;
      UPDATE webhook_deliveries SET conversation_id = json_extract(payload, '$.data.conversationId')
        WHERE payload IS NOT NULL AND json_valid(payload)
          AND json_extract(payload, '$.data.conversationId') IN (SELECT id FROM conversations);
      DELETE FROM webhook_deliveries WHERE state = 'pending' AND conversation_id IS NULL;
      CREATE INDEX webhook_deliveries_conversation ON webhook_deliveries (conversation_id);
    `,
  },
];

/**
 * The archive file: conversations moved out of the live store after their inactivity period. Same
 * columns plus `archived_at`; no foreign keys, since rows arrive by copy from the live file.
 */
export const ARCHIVE_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    sql: `
      CREATE TABLE archive.conversations (
        id TEXT PRIMARY KEY,
        bot_id TEXT NOT NULL,
        visitor_id TEXT NOT NULL,
        origin TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        last_activity_at INTEGER NOT NULL,
        handover INTEGER NOT NULL,
        state TEXT NOT NULL,
        next_message_id INTEGER NOT NULL,
        archived_at INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX archive.archived_conversations_bot ON conversations (bot_id);

      CREATE TABLE archive.messages (
        conversation_id TEXT NOT NULL,
        id INTEGER NOT NULL,
        client_id TEXT,
        sender TEXT NOT NULL,
        text TEXT NOT NULL,
        quick_replies TEXT,
        links TEXT,
        created_at INTEGER NOT NULL,
        PRIMARY KEY (conversation_id, id)
      ) STRICT;
      CREATE INDEX archive.archived_messages_created_at ON messages (created_at);

      CREATE TABLE archive.collected_values (
        conversation_id TEXT NOT NULL,
        key TEXT NOT NULL,
        value TEXT NOT NULL,
        pii TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        PRIMARY KEY (conversation_id, key)
      ) STRICT;
      CREATE INDEX archive.archived_values_created_at ON collected_values (created_at);
    `,
  },
  {
    // The archive's own retention finds one bot's conversations by when they were archived.
    version: 2,
    sql: `
      DROP INDEX archive.archived_conversations_bot;
      CREATE INDEX archive.archived_conversations_bot_archived_at ON conversations (bot_id, archived_at);
    `,
  },
  {
    // The live handover (live migration 5): operators' messages and notices, handovers and notes.
    version: 3,
    sql: `
      ALTER TABLE archive.messages ADD COLUMN author TEXT;
      ALTER TABLE archive.messages ADD COLUMN notice TEXT;
      CREATE TABLE archive.handovers (
        id TEXT PRIMARY KEY,
        conversation_id TEXT NOT NULL,
        bot_id TEXT NOT NULL,
        state TEXT NOT NULL,
        source TEXT NOT NULL,
        origin TEXT NOT NULL,
        started_at INTEGER NOT NULL,
        assignee_id TEXT,
        assigned_at INTEGER,
        first_response_at INTEGER,
        ended_at INTEGER,
        resolution TEXT,
        resolution_note TEXT,
        rating INTEGER,
        rating_comment TEXT,
        version INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX archive.archived_handovers_conversation ON handovers (conversation_id);
      CREATE INDEX archive.archived_handovers_bot_ended ON handovers (bot_id, ended_at) WHERE ended_at IS NOT NULL;
      CREATE TABLE archive.handover_notes (
        id TEXT PRIMARY KEY,
        handover_id TEXT NOT NULL,
        author_id TEXT NOT NULL,
        text TEXT NOT NULL,
        created_at INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX archive.archived_handover_notes_handover ON handover_notes (handover_id);
      CREATE INDEX archive.archived_handover_notes_created_at ON handover_notes (created_at);
    `,
  },
  {
    // What each turn did (live migration 7) goes into the archive with its conversation.
    version: 4,
    sql: `
      ALTER TABLE archive.messages ADD COLUMN intent TEXT;
      ALTER TABLE archive.messages ADD COLUMN outcome TEXT;
      ALTER TABLE archive.conversations ADD COLUMN locale TEXT;
      ALTER TABLE archive.conversations ADD COLUMN intents TEXT NOT NULL DEFAULT '[]';
      ALTER TABLE archive.conversations ADD COLUMN outcomes TEXT NOT NULL DEFAULT '[]';
    `,
  },
  {
    // Data protection (live migration 8): the verified visitor, on archived conversations too.
    version: 5,
    sql: `
      ALTER TABLE archive.conversations ADD COLUMN subject TEXT;
      CREATE INDEX archive.archived_conversations_bot_subject ON conversations (bot_id, subject) WHERE subject IS NOT NULL;
    `,
  },
];

/**
 * Brings schema `schemaName` ('main' or an attached name) up to the last migration. Returns the
 * versions applied (empty when the file was already current).
 */
export function migrate(db: Database.Database, schemaName: 'main' | 'archive', migrations: readonly Migration[]): number[] {
  const applied: number[] = [];
  db.transaction(() => {
    const current = db.pragma(`${schemaName}.user_version`, { simple: true }) as number;
    for (const migration of migrations) {
      if (migration.version <= current) continue;
      db.exec(migration.sql);
      // PRAGMA takes no bound parameters; the version is an integer from the list above.
      db.pragma(`${schemaName}.user_version = ${Math.trunc(migration.version)}`);
      applied.push(migration.version);
    }
  }).immediate();
  return applied;
}
