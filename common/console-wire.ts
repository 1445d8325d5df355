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
//
// The types are inferred from the zod schemas (console-wire-schemas.ts) the server validates
// requests with and the OpenAPI document (/api/v1/openapi.json) is built from: answers as the
// server writes them (z.infer), requests as a client sends them (z.input: before defaults and
// transforms). Type-only imports: no zod in the console's bundle.
import type { z } from 'zod';
import type * as schemas from './console-wire-schemas.ts';

/** The console's roles, least privileged last: the one list (zod enum, stores, the console's menus). */
export const CONSOLE_ROLES = ['administrator', 'supervisor', 'operator'] as const;
export type ConsoleRole = (typeof CONSOLE_ROLES)[number];

export type ConsoleUserView = z.infer<typeof schemas.consoleUserView>;

export type LoginRequest = z.input<typeof schemas.loginRequest>;

export type SessionInfo = z.infer<typeof schemas.sessionInfo>;

export type ChangePasswordRequest = z.input<typeof schemas.changePasswordRequest>;

export type SetPasswordRequest = z.input<typeof schemas.setPasswordRequest>;

export type TotpEnrolment = z.infer<typeof schemas.totpEnrolment>;

export type TotpConfirmRequest = z.input<typeof schemas.totpConfirmRequest>;

export type RecoveryCodes = z.infer<typeof schemas.recoveryCodes>;

export type InviteRequest = z.input<typeof schemas.inviteRequest>;

export type UserPatch = z.input<typeof schemas.userPatch>;

export type AuditEntryView = z.infer<typeof schemas.auditEntryView>;

/** GET /audit's query string, as a client writes it. */
export type AuditQueryParams = z.input<typeof schemas.auditQuery>;

/** Whether the sign-in screen offers single sign-on, and the button's text (OIDC_LABEL). */
export type SsoInfo = z.infer<typeof schemas.ssoInfo>;

/** The code that finishes a single sign-on of a user with a second factor. */
export type SsoSecondFactorRequest = z.input<typeof schemas.ssoSecondFactorRequest>;

/** Why an SSO login ended on `/console/#sso-error=<code>`. */
export type SsoErrorCode = 'state_mismatch' | 'idp_refused' | 'sso_failed' | 'unknown_user' | 'email_not_verified' | 'disabled';

export type ConsoleSettings = z.infer<typeof schemas.consoleSettings>;

export type PasswordResetRequest = z.input<typeof schemas.resetRequest>;
