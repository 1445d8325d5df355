// Console sessions, the pure part: the cookie, the token and its stored id, the expiry and
// session-version checks, rotation. The store keeps sessions; the session middleware (next)
// reads the cookie, loads the session and its user, and asks sessionProblem().
import { createHash, randomBytes } from 'node:crypto';
import type { ConsoleSession, ConsoleUser } from '../store/console-store.ts';

/**
 * `__Host-`: the browser takes the cookie only when Secure, host-only (no Domain) and Path=/, so a
 * sibling subdomain can neither set nor overwrite it (no session fixation from next door).
 */
export const SESSION_COOKIE = '__Host-parley_console';
/** OWASP's range for an internal tool: a working day at most, half an hour of inactivity. */
export const ABSOLUTE_LIFETIME_MS = 8 * 3_600_000;
export const IDLE_TIMEOUT_MS = 30 * 60_000;

const TOKEN_BYTES = 32;
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/; // 32 bytes in base64url, no padding
/**
 * HttpOnly: scripts never see it. SameSite=Strict: no other site's navigation or request carries
 * it. No Max-Age: the browser forgets it when closed; the server enforces the real expiry.
 */
const ATTRIBUTES = 'HttpOnly; Secure; SameSite=Strict; Path=/';

const randomToken = (): string => randomBytes(TOKEN_BYTES).toString('base64url');

/** The session id the store keeps: a stolen copy of the sessions table logs nobody in. */
export function sessionIdHash(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}

/** The Set-Cookie value that hands the browser its session. */
export function sessionCookie(token: string): string {
  return `${SESSION_COOKIE}=${token}; ${ATTRIBUTES}`;
}

/** The Set-Cookie value for logout: same name and attributes (or the browser keeps the old one), expired. */
export function clearedSessionCookie(): string {
  return `${SESSION_COOKIE}=; ${ATTRIBUTES}; Max-Age=0`;
}

/** The cookie's value when it has a token's exact shape; anything else is no session, not an error. */
export function readSessionToken(value: string | undefined): string | null {
  return value !== undefined && TOKEN_SHAPE.test(value) ? value : null;
}

export interface IssuedSession {
  /** Goes into the cookie, never into the store. */
  token: string;
  session: ConsoleSession;
}

function issue(userId: string, sessionVersion: number, now: Date, expiresAt: Date): IssuedSession {
  const token = randomToken();
  return {
    token,
    session: { idHash: sessionIdHash(token), userId, sessionVersion, csrfToken: randomToken(), createdAt: now, lastSeenAt: now, expiresAt },
  };
}

/** A new session at login: always a new token, whatever cookie the browser brought (session fixation). */
export function startSession(input: { userId: string; sessionVersion: number; now: Date; lifetimeMs?: number }): IssuedSession {
  const expiresAt = new Date(input.now.getTime() + (input.lifetimeMs ?? ABSOLUTE_LIFETIME_MS));
  return issue(input.userId, input.sessionVersion, input.now, expiresAt);
}

/**
 * A new token and CSRF token for the same login, after a privilege change (the caller stores the
 * new session and deletes the old one). The absolute expiry stays the login's: rotating must never
 * extend how long one login lasts.
 */
export function rotateSession(old: ConsoleSession, now: Date, sessionVersion: number = old.sessionVersion): IssuedSession {
  return issue(old.userId, sessionVersion, now, old.expiresAt);
}

/**
 * - expired: past the absolute expiry
 * - idle: no request for the idle timeout
 * - revoked: the user is gone, disabled or another one, or their session version moved on
 */
export type SessionProblem = 'expired' | 'idle' | 'revoked';

/** Why `session` no longer lets anyone in at `now`, or null when it does. Checked on every request. */
export function sessionProblem(
  session: ConsoleSession,
  user: Pick<ConsoleUser, 'id' | 'sessionVersion' | 'disabled'> | null,
  now: Date,
  idleTimeoutMs: number = IDLE_TIMEOUT_MS,
): SessionProblem | null {
  // Only the current version is alive: equality, not "at least", so no stale number ever passes.
  if (!user || user.disabled || user.id !== session.userId || user.sessionVersion !== session.sessionVersion) return 'revoked';
  if (now.getTime() >= session.expiresAt.getTime()) return 'expired';
  if (now.getTime() - session.lastSeenAt.getTime() >= idleTimeoutMs) return 'idle';
  return null;
}
