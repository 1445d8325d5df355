// What the operator console keeps: users, their sessions, one-time links (invitation, password
// reset) and the hash-chained audit log. `Store` extends ConsoleStore, so both adapters implement
// it and console-contract.ts holds them to it. Tokens are never stored: sessions and one-time links
// are kept under the SHA-256 of their token, which the caller computes.
import type { ConsoleRole } from '../../common/console-wire.ts';

/** The console's roles (CONSOLE_ROLES, common/console-wire.ts: the one list). */
export type Role = ConsoleRole;

export interface ConsoleUser {
  id: string;                 // 22-char base64url, like conversation ids
  email: string;              // lower-cased, unique
  displayName: string;
  role: Role;
  /** Bots a supervisor or operator serves; ignored for administrators (they serve all). */
  bots: string[];
  /** Argon2id PHC string; null until the user sets one (invitation pending) or for SSO-only users. */
  passwordHash: string | null;
  /** TOTP secret (base32) once enrolled; null otherwise. */
  totpSecret: string | null;
  /** Argon2id hashes of unused recovery codes. */
  recoveryCodes: string[];
  /** OpenID Connect `iss|sub` when linked; the role never comes from the IdP. */
  oidcSubject: string | null;
  disabled: boolean;
  /** Bumped by every change of password, role, bots or disabled, and by "log out everywhere": sessions carrying an older version are dead. */
  sessionVersion: number;
  failedLogins: number;
  lockedUntil: Date | null;
  /** The TOTP time step of the last code accepted (useTotpStep); that step and every earlier one are refused. */
  totpLastStep: number | null;
  /**
   * A secret offered at enrolment and not yet confirmed with a code, and until when it may be.
   * Kept here rather than in one instance's memory, so the confirmation may reach any instance.
   */
  pendingTotpSecret: string | null;
  pendingTotpExpiresAt: Date | null;
  /**
   * An administrator granted this supervisor `personal-data.reveal` on their bots (the matrix's
   * "if granted", server/accounts/roles.ts). False at creation.
   */
  revealGranted: boolean;
  createdAt: Date;
  updatedAt: Date;
}

export interface ConsoleSession {
  /** SHA-256 (base64url) of the cookie's token; the token itself is never stored. */
  idHash: string;
  userId: string;
  sessionVersion: number;
  /** Per-session CSRF token (random, base64url). */
  csrfToken: string;
  createdAt: Date;
  lastSeenAt: Date;
  /** Absolute expiry; idle expiry is lastSeenAt + idle timeout, checked by the server. */
  expiresAt: Date;
}

/**
 * What a one-time token is for: a link that sets a password (invitation, first administrator), a
 * reset link, or a single sign-on that waits for its second factor (its cookie, 5 minutes).
 */
export type OneTimePurpose = 'set-password' | 'reset-password' | 'sso-second-factor';

export interface AuditEntry {
  seq: number;                // 1, 2, 3… no gaps
  at: Date;
  actor: string | null;       // user id, or null for anonymous (failed login of an unknown address)
  action: string;             // e.g. 'login', 'login.failed', 'logout', 'user.create', 'user.role', 'totp.enroll', 'conversation.view'
  target: string | null;      // e.g. a user id or conversation id
  outcome: 'ok' | 'denied' | 'failed';
  ip: string | null;
  /** Small, non-personal details (never message text or personal values). */
  details: Record<string, string | number | boolean>;
  prevHash: string;           // hex SHA-256 of the previous entry ('' × 64 zeros for the first)
  hash: string;               // hex SHA-256 over prevHash + the canonical JSON of this entry's other fields
}

/** Console-wide settings an administrator sets: one record. */
export interface ConsoleSettingsRecord {
  /** Every console user must have TOTP before doing anything else (docs/console.md). */
  requireTotp: boolean;
  /** When last set; null while never set (the defaults). */
  updatedAt: Date | null;
}

export interface ConsoleStore {
  createUser(input: Omit<ConsoleUser, 'createdAt' | 'updatedAt' | 'sessionVersion' | 'failedLogins' | 'lockedUntil' | 'totpLastStep' | 'pendingTotpSecret' | 'pendingTotpExpiresAt' | 'revealGranted'> & { now?: Date }): Promise<ConsoleUser>; // duplicate email → storeError('duplicate_user')
  getUser(id: string): Promise<ConsoleUser | null>;
  getUserByEmail(email: string): Promise<ConsoleUser | null>;
  getUserByOidcSubject(subject: string): Promise<ConsoleUser | null>;
  listUsers(): Promise<ConsoleUser[]>;
  /**
   * Applies the patch. When it changes the role, the bots (as a set), disabled or the password
   * hash, or with endSessions ("log out everywhere"), it also bumps sessionVersion and deletes the
   * user's sessions, deciding it in the same step as the write (privilege-change.ts): a caller can
   * neither forget it nor decide it from a read another change has made stale. Null when unknown.
   * A patch that would leave the console without an active administrator (disabling or demoting
   * the last one) writes nothing and fails with storeError('last_administrator'): the count and the
   * write are one step, so two such changes at once cannot both pass it.
   */
  updateUser(id: string, patch: Partial<Pick<ConsoleUser, 'email' | 'displayName' | 'role' | 'bots' | 'passwordHash' | 'totpSecret' | 'recoveryCodes' | 'oidcSubject' | 'disabled' | 'failedLogins' | 'lockedUntil' | 'totpLastStep' | 'pendingTotpSecret' | 'pendingTotpExpiresAt' | 'revealGranted'>>, opts?: { endSessions?: boolean; now?: Date }): Promise<ConsoleUser | null>;
  /**
   * Takes a TOTP code of `step` when the step is later than the user's last used one, and records
   * `through` (by default `step`; at most two steps on) as the last used: a sign-in passes the last
   * step of the window it was accepted in, so that no other code of that window signs in after it.
   * Racing callers fare as if they had come one after another: a replayed code loses, and so does
   * a second code of a spent window typed at the same moment. False for an unknown user.
   */
  useTotpStep(userId: string, step: number, through?: number): Promise<boolean>;
  /**
   * The first single sign-on link of a user: sets `subject` on a user linked to no subject yet, and
   * returns the user; the same user when already linked to this very subject; null when the user is
   * unknown or linked to another subject. Of concurrent first links with different subjects exactly
   * one wins. A subject linked to another user: storeError('duplicate_user'). (updateUser can still
   * set or clear `oidcSubject` outright; clearing it lets the user be linked afresh.)
   */
  linkOidcSubject(userId: string, subject: string, now?: Date): Promise<ConsoleUser | null>;
  /** Removes `hash` from the user's recovery codes. True for exactly one caller, however many race. */
  useRecoveryCode(userId: string, hash: string): Promise<boolean>;
  /** Active (not disabled) administrators. */
  countActiveAdministrators(): Promise<number>;
  createOneTimeToken(input: { tokenHash: string; userId: string; purpose: OneTimePurpose; expiresAt: Date }): Promise<void>;
  /** Single use, atomically: the first call within expiry gets the user id; every later one null. */
  consumeOneTimeToken(tokenHash: string, purpose: OneTimePurpose, now: Date): Promise<{ userId: string } | null>;
  createConsoleSession(session: ConsoleSession): Promise<void>;
  getConsoleSession(idHash: string): Promise<ConsoleSession | null>;
  touchConsoleSession(idHash: string, lastSeenAt: Date): Promise<void>;
  deleteConsoleSession(idHash: string): Promise<void>;
  deleteUserSessions(userId: string): Promise<number>;
  /** The settings record, or the defaults (nothing required) when never set. */
  getConsoleSettings(): Promise<ConsoleSettingsRecord>;
  /** Sets the given settings (a bad value → invalid_argument, nothing written) and returns the record. */
  setConsoleSettings(patch: Partial<Pick<ConsoleSettingsRecord, 'requireTotp'>>, now: Date): Promise<ConsoleSettingsRecord>;
  /** Appends with the next seq; `seal` computes prevHash/hash from the last entry (server/audit/chain.ts). Concurrent appends never share a seq or fork the chain. */
  appendAudit(entry: Omit<AuditEntry, 'seq' | 'prevHash' | 'hash'>): Promise<AuditEntry>;
  /** Ascending by seq, after `afterSeq`, at most `limit`, optionally filtered by actor/action/time (`from` inclusive, `to` exclusive). */
  listAudit(query: { afterSeq?: number; limit: number; actor?: string; action?: string; from?: Date; to?: Date }): Promise<AuditEntry[]>;
}
