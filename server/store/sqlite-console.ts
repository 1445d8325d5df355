// The console side of the SQLite adapter (ConsoleStore, console-store.ts): users, console
// sessions, one-time tokens and the audit log, in the tables of migration 3 (sqlite-schema.ts).
// Prepared statements only; whatever writes more than one row is one transaction, and the IMMEDIATE
// ones take the write lock before they read, so even a second process on the file (the CLI beside
// the server) cannot slip in between a read and the write that depends on it.
import Database from 'better-sqlite3';
import type { AuditEntry, ConsoleSession, ConsoleSettingsRecord, ConsoleStore, ConsoleUser, OneTimePurpose, Role } from './console-store.ts';
import * as check from './console-arguments.ts';
import type { AuditInput, AuditQuery, UserPatch } from './console-arguments.ts';
import { checkDate } from './arguments.ts';
import { storeError } from './errors.ts';
import { groupCommit } from './group-commit.ts';
import { sealEntry } from '../audit/chain.ts';
import { isActiveAdministrator, lastAdministrator } from './last-administrator.ts';
import { changesPrivileges } from './privilege-change.ts';
import { parseJsonColumn } from './rows.ts';

interface UserRow {
  id: string;
  email: string;
  display_name: string;
  role: Role;
  bots: string;
  password_hash: string | null;
  totp_secret: string | null;
  recovery_codes: string;
  oidc_subject: string | null;
  disabled: number;
  session_version: number;
  failed_logins: number;
  locked_until: number | null;
  totp_last_step: number | null;
  pending_totp_secret: string | null;
  pending_totp_expires_at: number | null;
  reveal_granted: number;
  created_at: number;
  updated_at: number;
}

interface SessionRow {
  id_hash: string;
  user_id: string;
  session_version: number;
  csrf_token: string;
  created_at: number;
  last_seen_at: number;
  expires_at: number;
}

interface AuditRow {
  seq: number;
  at: number;
  actor: string | null;
  action: string;
  target: string | null;
  outcome: AuditEntry['outcome'];
  ip: string | null;
  details: string;
  prev_hash: string;
  hash: string;
}

const USER_COLUMNS =
  'id, email, display_name, role, bots, password_hash, totp_secret, recovery_codes, oidc_subject, disabled, session_version, failed_logins, locked_until, totp_last_step, pending_totp_secret, pending_totp_expires_at, reveal_granted, created_at, updated_at';
const SESSION_COLUMNS = 'id_hash, user_id, session_version, csrf_token, created_at, last_seen_at, expires_at';
const AUDIT_COLUMNS = 'seq, at, actor, action, target, outcome, ip, details, prev_hash, hash';

function userFromRow(row: UserRow): ConsoleUser {
  return {
    id: row.id,
    email: row.email,
    displayName: row.display_name,
    role: row.role,
    bots: parseJsonColumn<string[]>(row.bots) ?? [],
    passwordHash: row.password_hash,
    totpSecret: row.totp_secret,
    recoveryCodes: parseJsonColumn<string[]>(row.recovery_codes) ?? [],
    oidcSubject: row.oidc_subject,
    disabled: row.disabled === 1,
    sessionVersion: row.session_version,
    failedLogins: row.failed_logins,
    lockedUntil: row.locked_until === null ? null : new Date(row.locked_until),
    totpLastStep: row.totp_last_step,
    pendingTotpSecret: row.pending_totp_secret,
    pendingTotpExpiresAt: row.pending_totp_expires_at === null ? null : new Date(row.pending_totp_expires_at),
    revealGranted: row.reveal_granted === 1,
    createdAt: new Date(row.created_at),
    updatedAt: new Date(row.updated_at),
  };
}

function userParams(user: ConsoleUser) {
  return {
    id: user.id,
    email: user.email,
    displayName: user.displayName,
    role: user.role,
    bots: JSON.stringify(user.bots),
    passwordHash: user.passwordHash,
    totpSecret: user.totpSecret,
    recoveryCodes: JSON.stringify(user.recoveryCodes),
    oidcSubject: user.oidcSubject,
    disabled: user.disabled ? 1 : 0,
    sessionVersion: user.sessionVersion,
    failedLogins: user.failedLogins,
    lockedUntil: user.lockedUntil?.getTime() ?? null,
    totpLastStep: user.totpLastStep,
    pendingTotpSecret: user.pendingTotpSecret,
    pendingTotpExpiresAt: user.pendingTotpExpiresAt?.getTime() ?? null,
    revealGranted: user.revealGranted ? 1 : 0,
    createdAt: user.createdAt.getTime(),
    updatedAt: user.updatedAt.getTime(),
  };
}

function sessionFromRow(row: SessionRow): ConsoleSession {
  return {
    idHash: row.id_hash,
    userId: row.user_id,
    sessionVersion: row.session_version,
    csrfToken: row.csrf_token,
    createdAt: new Date(row.created_at),
    lastSeenAt: new Date(row.last_seen_at),
    expiresAt: new Date(row.expires_at),
  };
}

/** A stored entry as it reads, whatever was done to the file: a corrupt column fails verification, not the read. */
function auditFromRow(row: AuditRow): AuditEntry {
  return {
    seq: row.seq,
    at: new Date(row.at),
    actor: row.actor,
    action: row.action,
    target: row.target,
    outcome: row.outcome,
    ip: row.ip,
    details: parseJsonColumn<AuditEntry['details']>(row.details) ?? {},
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}

function constraintCode(err: unknown): string | null {
  return err instanceof Database.SqliteError && err.code.startsWith('SQLITE_CONSTRAINT') ? err.code : null;
}

/** A unique key (email, id, OpenID subject) taken: the caller's answer is "this user exists". */
function asDuplicateUser(err: unknown): unknown {
  const code = constraintCode(err);
  return code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY'
    ? storeError('duplicate_user', 'a console user with this email, id or OpenID subject exists')
    : err;
}

function asUnknownUser(err: unknown): unknown {
  return constraintCode(err) === 'SQLITE_CONSTRAINT_FOREIGNKEY' ? storeError('unknown_user', 'no such console user') : err;
}

/**
 * A listAudit statement from fixed fragments, one per filter present, so that SQLite can use the
 * (actor, seq) or (action, seq) index; no caller text ever becomes SQL.
 */
function auditListSql(query: AuditQuery): string {
  const where = ['seq > @afterSeq'];
  if (query.actor !== undefined) where.push('actor = @actor');
  if (query.action !== undefined) where.push('action = @action');
  if (query.from !== undefined) where.push('at >= @from');
  if (query.to !== undefined) where.push('at < @to');
  return `SELECT ${AUDIT_COLUMNS} FROM audit_log WHERE ${where.join(' AND ')} ORDER BY seq LIMIT @limit`;
}

function prepareStatements(db: Database.Database) {
  return {
    insertUser: db.prepare(
      `INSERT INTO users (${USER_COLUMNS}) VALUES (@id, @email, @displayName, @role, @bots, @passwordHash, @totpSecret,
       @recoveryCodes, @oidcSubject, @disabled, @sessionVersion, @failedLogins, @lockedUntil, @totpLastStep, @pendingTotpSecret, @pendingTotpExpiresAt, @revealGranted, @createdAt, @updatedAt)`,
    ),
    updateUser: db.prepare(
      `UPDATE users SET email = @email, display_name = @displayName, role = @role, bots = @bots,
       password_hash = @passwordHash, totp_secret = @totpSecret, recovery_codes = @recoveryCodes,
       oidc_subject = @oidcSubject, disabled = @disabled, session_version = @sessionVersion,
       failed_logins = @failedLogins, locked_until = @lockedUntil, totp_last_step = @totpLastStep,
       pending_totp_secret = @pendingTotpSecret, pending_totp_expires_at = @pendingTotpExpiresAt,
       reveal_granted = @revealGranted, updated_at = @updatedAt WHERE id = @id`,
    ),
    // One statement, so the comparison and the write cannot be split by another connection.
    useTotpStep: db.prepare<[{ id: string; step: number; through: number; now: number }]>(
      `UPDATE users SET totp_last_step = @through, updated_at = max(updated_at, @now)
       WHERE id = @id AND (totp_last_step IS NULL OR totp_last_step < @step)`,
    ),
    userById: db.prepare<[string], UserRow>(`SELECT ${USER_COLUMNS} FROM users WHERE id = ?`),
    userByEmail: db.prepare<[string], UserRow>(`SELECT ${USER_COLUMNS} FROM users WHERE email = ?`),
    userByOidcSubject: db.prepare<[string], UserRow>(`SELECT ${USER_COLUMNS} FROM users WHERE oidc_subject = ?`),
    listUsers: db.prepare<[], UserRow>(`SELECT ${USER_COLUMNS} FROM users ORDER BY email`),
    countActiveAdministrators: db.prepare<[], { n: number }>(
      "SELECT count(*) AS n FROM users WHERE role = 'administrator' AND disabled = 0",
    ),
    insertToken: db.prepare('INSERT INTO one_time_tokens (token_hash, user_id, purpose, expires_at) VALUES (?, ?, ?, ?)'),
    takeToken: db.prepare<[string, string], { user_id: string; expires_at: number }>(
      'DELETE FROM one_time_tokens WHERE token_hash = ? AND purpose = ? RETURNING user_id, expires_at',
    ),
    expireTokens: db.prepare('DELETE FROM one_time_tokens WHERE expires_at <= ?'),
    insertSession: db.prepare(
      `INSERT INTO console_sessions (${SESSION_COLUMNS})
       VALUES (@idHash, @userId, @sessionVersion, @csrfToken, @createdAt, @lastSeenAt, @expiresAt)`,
    ),
    expireSessions: db.prepare('DELETE FROM console_sessions WHERE expires_at <= ?'),
    sessionById: db.prepare<[string], SessionRow>(`SELECT ${SESSION_COLUMNS} FROM console_sessions WHERE id_hash = ?`),
    touchSession: db.prepare('UPDATE console_sessions SET last_seen_at = max(last_seen_at, ?) WHERE id_hash = ?'),
    deleteSession: db.prepare('DELETE FROM console_sessions WHERE id_hash = ?'),
    deleteUserSessions: db.prepare('DELETE FROM console_sessions WHERE user_id = ?'),
    settings: db.prepare<[], { require_totp: number; updated_at: number }>('SELECT require_totp, updated_at FROM console_settings WHERE id = 1'),
    putSettings: db.prepare<[{ requireTotp: number; updatedAt: number }]>(
      `INSERT INTO console_settings (id, require_totp, updated_at) VALUES (1, @requireTotp, @updatedAt)
       ON CONFLICT (id) DO UPDATE SET require_totp = @requireTotp, updated_at = @updatedAt`,
    ),
    lastAudit: db.prepare<[], AuditRow>(`SELECT ${AUDIT_COLUMNS} FROM audit_log ORDER BY seq DESC LIMIT 1`),
    insertAudit: db.prepare(
      `INSERT INTO audit_log (${AUDIT_COLUMNS})
       VALUES (@seq, @at, @actor, @action, @target, @outcome, @ip, @details, @prevHash, @hash)`,
    ),
  };
}

/** The ConsoleStore methods over an open, migrated database. */
export function sqliteConsoleStore(db: Database.Database): ConsoleStore {
  const sql = prepareStatements(db);
  const auditLists = new Map<string, Database.Statement<Record<string, unknown>, AuditRow>>();

  const update = db.transaction((id: string, patch: UserPatch, endSessions: boolean, now: Date): ConsoleUser | null => {
    const row = sql.userById.get(id);
    if (!row) return null;
    const current = userFromRow(row);
    // Compared with the row read under the write lock: no other change slips in between.
    const bump = endSessions || changesPrivileges(current, patch);
    const next: ConsoleUser = {
      ...current,
      ...patch,
      sessionVersion: current.sessionVersion + (bump ? 1 : 0),
      updatedAt: now,
    };
    // Counted under the write lock this transaction holds: no other change slips in between.
    if (isActiveAdministrator(current) && !isActiveAdministrator(next) && (sql.countActiveAdministrators.get()?.n ?? 0) <= 1) throw lastAdministrator();
    sql.updateUser.run(userParams(next));
    if (bump) sql.deleteUserSessions.run(id);
    return next;
  });

  // Under the write lock (IMMEDIATE), so of racing first links only the first finds no subject.
  const link = db.transaction((id: string, subject: string, now: Date): ConsoleUser | null => {
    const row = sql.userById.get(id);
    if (!row || (row.oidc_subject !== null && row.oidc_subject !== subject)) return null;
    if (row.oidc_subject === subject) return userFromRow(row);
    const linked: ConsoleUser = { ...userFromRow(row), oidcSubject: subject, updatedAt: now };
    sql.updateUser.run(userParams(linked));
    return linked;
  });

  // Read and write under the write lock (IMMEDIATE): of racing callers, the first removes the code
  // and every later one reads a list without it.
  const useRecovery = db.transaction((id: string, hash: string, now: number): boolean => {
    const row = sql.userById.get(id);
    if (!row) return false;
    const codes = parseJsonColumn<string[]>(row.recovery_codes) ?? [];
    if (!codes.includes(hash)) return false;
    sql.updateUser.run(userParams({ ...userFromRow(row), recoveryCodes: codes.filter((c) => c !== hash), updatedAt: new Date(now) }));
    return true;
  });

  function readSettings(): ConsoleSettingsRecord {
    const row = sql.settings.get();
    return row ? { requireTotp: row.require_totp === 1, updatedAt: new Date(row.updated_at) } : { ...check.DEFAULT_SETTINGS };
  }

  const putSettings = db.transaction((patch: { requireTotp?: boolean }, now: Date): ConsoleSettingsRecord => {
    const next = { ...readSettings(), ...patch, updatedAt: now };
    sql.putSettings.run({ requireTotp: next.requireTotp ? 1 : 0, updatedAt: now.getTime() });
    return next;
  });

  const consume = db.transaction((tokenHash: string, purpose: OneTimePurpose, now: number) => {
    // Taken out whether or not it has expired: an expired link is dead either way.
    const taken = sql.takeToken.get(tokenHash, purpose);
    sql.expireTokens.run(now);
    return taken && taken.expires_at > now ? { userId: taken.user_id } : null;
  });

  const startSession = db.transaction((session: ConsoleSession) => {
    // Sessions past their absolute expiry are dead whatever their cookie says: each login clears them out.
    sql.expireSessions.run(session.createdAt.getTime());
    sql.insertSession.run({
      ...session,
      createdAt: session.createdAt.getTime(),
      lastSeenAt: session.lastSeenAt.getTime(),
      expiresAt: session.expiresAt.getTime(),
    });
  });

  // The last entry is read inside the write transaction, so each append chains to the one before
  // it; appends of one event-loop turn share a commit (group-commit.ts).
  const append = db.transaction((entry: AuditInput): AuditEntry => {
    const last = sql.lastAudit.get();
    const sealed = sealEntry(last ? auditFromRow(last) : null, entry);
    sql.insertAudit.run({ ...sealed, at: sealed.at.getTime(), details: JSON.stringify(sealed.details) });
    return sealed;
  });
  const appendGrouped = groupCommit(db, append);

  function auditList(query: AuditQuery) {
    const statementText = auditListSql(query);
    let statement = auditLists.get(statementText);
    if (!statement) {
      statement = db.prepare<Record<string, unknown>, AuditRow>(statementText);
      auditLists.set(statementText, statement);
    }
    return statement;
  }

  return {
    async createUser(input) {
      const user = check.newUser(input);
      try {
        sql.insertUser.run(userParams(user));
      } catch (err) {
        throw asDuplicateUser(err);
      }
      return user;
    },

    async getUser(id) {
      const row = sql.userById.get(check.text(id));
      return row ? userFromRow(row) : null;
    },

    async getUserByEmail(email) {
      const row = sql.userByEmail.get(check.normalizeEmail(email));
      return row ? userFromRow(row) : null;
    },

    async getUserByOidcSubject(subject) {
      const row = sql.userByOidcSubject.get(check.text(subject));
      return row ? userFromRow(row) : null;
    },

    async listUsers() {
      return sql.listUsers.all().map(userFromRow);
    },

    async updateUser(id, patch, opts = {}) {
      const now = checkDate('now', opts.now ?? new Date());
      try {
        return update.immediate(check.text(id), check.userPatch(patch), opts.endSessions === true, now);
      } catch (err) {
        throw asDuplicateUser(err);
      }
    },

    async useTotpStep(userId, step, through) {
      return sql.useTotpStep.run({ id: check.text(userId), ...check.totpUse(step, through), now: Date.now() }).changes === 1;
    },

    async linkOidcSubject(userId, subject, now = new Date()) {
      try {
        return link.immediate(check.text(userId), check.text(subject), checkDate('now', now));
      } catch (err) {
        throw asDuplicateUser(err);
      }
    },

    async useRecoveryCode(userId, hash) {
      return useRecovery.immediate(check.text(userId), check.text(hash), Date.now());
    },

    async countActiveAdministrators() {
      return sql.countActiveAdministrators.get()?.n ?? 0;
    },

    async createOneTimeToken(input) {
      const { tokenHash, userId, purpose, expiresAt } = check.oneTimeToken(input);
      try {
        sql.insertToken.run(tokenHash, userId, purpose, expiresAt.getTime());
      } catch (err) {
        if (constraintCode(err) === 'SQLITE_CONSTRAINT_PRIMARYKEY') throw storeError('invalid_argument', 'a token with this hash exists');
        throw asUnknownUser(err);
      }
    },

    async consumeOneTimeToken(tokenHash, purpose, now) {
      return consume.immediate(check.checkTokenHash('tokenHash', tokenHash), check.checkPurpose(purpose), checkDate('now', now).getTime());
    },

    async createConsoleSession(session) {
      try {
        startSession.immediate(check.consoleSession(session));
      } catch (err) {
        if (constraintCode(err) === 'SQLITE_CONSTRAINT_PRIMARYKEY') throw storeError('invalid_argument', 'a session with this id exists');
        throw asUnknownUser(err);
      }
    },

    async getConsoleSession(idHash) {
      const row = sql.sessionById.get(check.checkTokenHash('idHash', idHash));
      return row ? sessionFromRow(row) : null;
    },

    async touchConsoleSession(idHash, lastSeenAt) {
      sql.touchSession.run(checkDate('lastSeenAt', lastSeenAt).getTime(), check.checkTokenHash('idHash', idHash));
    },

    async deleteConsoleSession(idHash) {
      sql.deleteSession.run(check.checkTokenHash('idHash', idHash));
    },

    async deleteUserSessions(userId) {
      return sql.deleteUserSessions.run(check.text(userId)).changes;
    },

    async getConsoleSettings() {
      return readSettings();
    },

    async setConsoleSettings(patch, now) {
      return putSettings.immediate(check.settingsPatch(patch), checkDate('now', now));
    },

    async appendAudit(entry) {
      return appendGrouped(check.auditInput(entry));
    },

    async listAudit(query) {
      const checked = check.auditQuery(query);
      const rows = auditList(checked).all({
        ...checked,
        ...(checked.from ? { from: checked.from.getTime() } : {}),
        ...(checked.to ? { to: checked.to.getTime() } : {}),
      });
      return rows.map(auditFromRow);
    },
  };
}
