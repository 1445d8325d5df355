// The console API's wire contract, shared by the console app (console/) and the server
// (server/http/routes/console/). Every state change also needs the session's CSRF token in the
// `X-CSRF-Token` header and a same-origin `Origin` (server/http/csrf.ts). Errors are the usual
// `{error: {code, message}}`.
//
//   POST   /api/v1/console/session            LoginRequest → 200 SessionInfo + __Host- cookie
//                                              401 invalid_credentials (unknown user, wrong password,
//                                              disabled, locked: one answer) · 401 totp_required · 429
//   GET    /api/v1/console/session            → 200 SessionInfo · 401 not_signed_in
//   DELETE /api/v1/console/session            → 204 (this session ends server-side)
//   POST   /api/v1/console/session/end-all    → 204 (every session of this user ends)
//   POST   /api/v1/console/password           ChangePasswordRequest → 200 SessionInfo (new cookie; every other session ends)
//   POST   /api/v1/console/password/set       SetPasswordRequest (one-time link, no session) → 204
//   POST   /api/v1/console/password/reset     PasswordResetRequest (no session) → 202, whatever the address;
//                                              a known account is mailed a reset link · 429
//   POST   /api/v1/console/totp/enroll        → 200 TotpEnrolment
//   POST   /api/v1/console/totp/confirm       TotpConfirmRequest → 200 RecoveryCodes (shown once)
//   GET    /api/v1/console/users              → 200 { users: ConsoleUserView[] }            (administrator)
//   POST   /api/v1/console/users              InviteRequest → 202 {}, whatever the address (administrator);
//                                              a new or still pending address is e-mailed a link; see GET /users
//   PATCH  /api/v1/console/users/:id          UserPatch → 200 ConsoleUserView                (administrator)
//   GET    /api/v1/console/audit              ?afterSeq&limit&actor&action → 200 { entries: AuditEntryView[] } (administrator)
//   GET    /api/v1/console/audit/export       → 200 application/x-ndjson, one entry per line  (administrator)
//   GET    /api/v1/console/sso                → 200 SsoInfo
//   GET    /api/v1/console/sso/start          → 302 to the IdP (404 when SSO is not configured)
//   GET    /api/v1/console/sso/callback       → 302 /console/ signed in; for a user with TOTP no session but a
//                                              pending sign-in (its own cookie, 5 min): 302 /console/#sso-second-factor;
//                                              or 302 /console/#sso-error=<SsoErrorCode>
//   POST   /api/v1/console/sso/second-factor  SsoSecondFactorRequest (the pending sign-in's cookie, no session)
//                                              → 200 SessionInfo + __Host- cookie · 401 sso_expired (none, used or
//                                              expired: sign in again) · 401 invalid_credentials (wrong code, locked,
//                                              disabled; the pending sign-in is spent either way) · 429
//   GET    /api/v1/console/settings           → 200 ConsoleSettings                          (administrator)
//   PATCH  /api/v1/console/settings           ConsoleSettings → 200 ConsoleSettings          (administrator)
//                                              409 totp_not_enrolled: requiring TOTP without having it
//
// While ConsoleSettings.requireTotp is on, a session whose user has no second factor gets
// 403 totp_enrolment_required from every route but the session routes, logout and TOTP enrolment.

export type ConsoleRole = 'administrator' | 'supervisor' | 'operator';

export interface ConsoleUserView {
  id: string;
  email: string;
  displayName: string;
  role: ConsoleRole;
  bots: string[];
  disabled: boolean;
  totpEnabled: boolean;
  /** True until the invited user has set a password. */
  pending: boolean;
  /** A supervisor an administrator granted the reveal of personal data on their bots. */
  revealGranted: boolean;
}

export interface LoginRequest {
  email: string;
  password: string;
  /** A TOTP code or a recovery code, when the account has a second factor. */
  totp?: string;
}

export interface SessionInfo {
  user: ConsoleUserView;
  /** Send back as `X-CSRF-Token` on every state-changing request of this session. */
  csrfToken: string;
  /** True when an administrator requires 2FA and this user has not enrolled yet. */
  mustEnrollTotp: boolean;
}

export interface ChangePasswordRequest {
  current: string;
  next: string;
}

export interface SetPasswordRequest {
  token: string;
  password: string;
}

export interface TotpEnrolment {
  /** Base32 secret, for typing in by hand. */
  secret: string;
  /** otpauth:// URI, for a QR code. */
  uri: string;
}

export interface TotpConfirmRequest {
  code: string;
}

export interface RecoveryCodes {
  codes: string[];
}

export interface InviteRequest {
  email: string;
  displayName: string;
  role: ConsoleRole;
  bots: string[];
}

export interface UserPatch {
  role?: ConsoleRole;
  bots?: string[];
  disabled?: boolean;
  /** Lifts the lock that repeated failed logins put on the account (and gives back its login budget). */
  unlock?: true;
  /**
   * Grants (or withdraws) a supervisor `personal-data.reveal` on their bots; 400 `not_grantable`
   * for anyone who would not be a supervisor. Any role change withdraws it, unless the same patch grants it.
   */
  revealGranted?: boolean;
}

export interface AuditEntryView {
  seq: number;
  at: string;
  actor: string | null;
  action: string;
  target: string | null;
  outcome: 'ok' | 'denied' | 'failed';
  ip: string | null;
  details: Record<string, string | number | boolean>;
  hash: string;
}

/** Whether the sign-in screen offers single sign-on, and the button's text (OIDC_LABEL). */
export interface SsoInfo {
  enabled: boolean;
  label: string | null;
}

/** The code that finishes a single sign-on of a user with a second factor. */
export interface SsoSecondFactorRequest {
  /** A TOTP code or a recovery code. */
  code: string;
}

/** Why an SSO login ended on `/console/#sso-error=<code>`. */
export type SsoErrorCode = 'state_mismatch' | 'idp_refused' | 'sso_failed' | 'unknown_user' | 'email_not_verified' | 'disabled';

export interface ConsoleSettings {
  /** Every console user must have a second factor (TOTP); until they enrol they can do nothing else. */
  requireTotp: boolean;
}

export interface PasswordResetRequest {
  email: string;
}
