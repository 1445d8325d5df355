// TEMPORARY local copy of the console types from the shared plan (/work/wt/CONSOLE-PLAN.md).
// Their home is server/store/console-store.ts, which the store branch (h10-console-store) adds;
// until it lands, the pure account modules import from here. When both are merged, delete this
// file and point the imports at ../store/console-store.ts: the declarations are identical.
// Only the types these modules use are copied.

export type Role = 'administrator' | 'supervisor' | 'operator';

export interface ConsoleUser {
  id: string; // 22-char base64url, like conversation ids
  email: string; // lower-cased, unique
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
  /** Bumped by every password change, disable, role change and "log out everywhere": sessions carrying an older version are dead. */
  sessionVersion: number;
  failedLogins: number;
  lockedUntil: Date | null;
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
