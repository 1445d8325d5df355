import { describe, expect, it } from 'vitest';
import {
  ABSOLUTE_LIFETIME_MS,
  IDLE_TIMEOUT_MS,
  SESSION_COOKIE,
  clearedSessionCookie,
  readSessionToken,
  rotateSession,
  sessionCookie,
  sessionIdHash,
  sessionProblem,
  startSession,
} from './session-cookie.ts';

const MINUTE = 60_000;
const T0 = new Date('2026-03-02T09:00:00Z');
const later = (ms: number) => new Date(T0.getTime() + ms);
const user = { id: 'u'.repeat(22), sessionVersion: 4, disabled: false };

/** A Set-Cookie value as name, value and attributes (names lower-cased). */
function parseSetCookie(header: string) {
  const [pair, ...attributes] = header.split(';').map((part) => part.trim());
  const [name, value] = pair!.split('=');
  return { name, value, attributes: new Map(attributes.map((a) => [a.split('=')[0]!.toLowerCase(), a.split('=')[1]])) };
}

describe('session tokens and their stored id', () => {
  it('are 32 random bytes, base64url, never repeated', () => {
    const tokens = Array.from({ length: 500 }, () => startSession({ userId: user.id, sessionVersion: 1, now: T0 }).token);
    for (const token of tokens) {
      expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(Buffer.from(token, 'base64url')).toHaveLength(32);
    }
    expect(new Set(tokens).size).toBe(tokens.length);
  });

  it('store only the SHA-256 (base64url) of the token as the session id', () => {
    expect(sessionIdHash('abc')).toBe('ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0'); // FIPS 180-2 "abc" vector
    const { token, session } = startSession({ userId: user.id, sessionVersion: 1, now: T0 });
    expect(session.idHash).toBe(sessionIdHash(token));
    expect(JSON.stringify(session)).not.toContain(token);
  });

  it('start with a fresh CSRF token, the user version, and an absolute expiry', () => {
    const a = startSession({ userId: user.id, sessionVersion: 4, now: T0 });
    const b = startSession({ userId: user.id, sessionVersion: 4, now: T0 });
    expect(a.session.csrfToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(a.session.csrfToken).not.toBe(b.session.csrfToken);
    expect(a.session.csrfToken).not.toBe(a.token);
    expect(a.session).toMatchObject({ userId: user.id, sessionVersion: 4, createdAt: T0, lastSeenAt: T0 });
    expect(a.session.expiresAt).toEqual(later(ABSOLUTE_LIFETIME_MS));
  });
});

describe('the session cookie', () => {
  it('is __Host-parley_console, HttpOnly, Secure, SameSite=Strict, Path=/, without Domain', () => {
    const token = startSession({ userId: user.id, sessionVersion: 1, now: T0 }).token;
    expect(sessionCookie(token)).toBe(`__Host-parley_console=${token}; HttpOnly; Secure; SameSite=Strict; Path=/`);
    const cookie = parseSetCookie(sessionCookie(token));
    expect(cookie.name).toBe(SESSION_COOKIE);
    expect(cookie.attributes.has('domain')).toBe(false);
  });

  it('is cleared with the same attributes and an empty value that expires at once', () => {
    const cookie = parseSetCookie(clearedSessionCookie());
    expect(cookie).toMatchObject({ name: '__Host-parley_console', value: '' });
    expect(cookie.attributes.get('max-age')).toBe('0');
    for (const attribute of ['httponly', 'secure', 'samesite', 'path']) expect(cookie.attributes.has(attribute)).toBe(true);
  });

  it('is read only when it has a token’s exact shape; anything else counts as no session', () => {
    const token = startSession({ userId: user.id, sessionVersion: 1, now: T0 }).token;
    expect(readSessionToken(token)).toBe(token);
    for (const bad of [undefined, '', token.slice(1), token + 'A', token.replace(/.$/, '='), `${token.slice(0, 42)}.`, 'x'.repeat(5000)]) {
      expect(readSessionToken(bad)).toBeNull();
    }
  });
});

describe('session checks (pure: the session, its user and now)', () => {
  const { session } = startSession({ userId: user.id, sessionVersion: 4, now: T0 });

  it('pass a fresh session of an active user with the same version', () => {
    expect(sessionProblem(session, user, later(MINUTE))).toBeNull();
  });

  it('end at the idle timeout after the last request, and not before', () => {
    expect(sessionProblem(session, user, later(IDLE_TIMEOUT_MS - 1))).toBeNull();
    expect(sessionProblem(session, user, later(IDLE_TIMEOUT_MS))).toBe('idle');
    const seenLater = { ...session, lastSeenAt: later(IDLE_TIMEOUT_MS - MINUTE) };
    expect(sessionProblem(seenLater, user, later(IDLE_TIMEOUT_MS))).toBeNull();
  });

  it('end at the absolute expiry however recently the session was used', () => {
    const busy = { ...session, lastSeenAt: later(ABSOLUTE_LIFETIME_MS - MINUTE) };
    expect(sessionProblem(busy, user, later(ABSOLUTE_LIFETIME_MS - 1))).toBeNull();
    expect(sessionProblem(busy, user, later(ABSOLUTE_LIFETIME_MS))).toBe('expired');
  });

  it('end when the user’s session version moved on (password change, disable, role change, log out everywhere)', () => {
    expect(sessionProblem(session, { ...user, sessionVersion: 5 }, later(MINUTE))).toBe('revoked');
    // Any other number is dead, not only older ones.
    expect(sessionProblem(session, { ...user, sessionVersion: 3 }, later(MINUTE))).toBe('revoked');
  });

  it('end when the user is disabled, gone, or not the session’s user', () => {
    expect(sessionProblem(session, { ...user, disabled: true }, later(MINUTE))).toBe('revoked');
    expect(sessionProblem(session, null, later(MINUTE))).toBe('revoked');
    expect(sessionProblem(session, { ...user, id: 'v'.repeat(22) }, later(MINUTE))).toBe('revoked');
  });
});

describe('rotation', () => {
  it('gives a new token, id and CSRF token for the same user, keeping the login’s absolute expiry', () => {
    const first = startSession({ userId: user.id, sessionVersion: 4, now: T0 });
    const now = later(2 * 60 * MINUTE);
    const next = rotateSession(first.session, now);
    expect(next.token).not.toBe(first.token);
    expect(next.session.idHash).toBe(sessionIdHash(next.token));
    expect(next.session.idHash).not.toBe(first.session.idHash);
    expect(next.session.csrfToken).not.toBe(first.session.csrfToken);
    expect(next.session).toMatchObject({ userId: user.id, sessionVersion: 4, createdAt: now, lastSeenAt: now });
    expect(next.session.expiresAt).toEqual(first.session.expiresAt);
  });

  it('can carry a new session version (a privilege change that keeps the acting user logged in)', () => {
    const first = startSession({ userId: user.id, sessionVersion: 4, now: T0 });
    expect(rotateSession(first.session, later(MINUTE), 5).session.sessionVersion).toBe(5);
  });
});
