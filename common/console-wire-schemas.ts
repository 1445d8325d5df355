// The console API's requests and answers (console-wire.ts) as zod schemas: the one source of their
// TypeScript types, of the server's validation and of the OpenAPI document. Apart from
// console-wire.ts so no browser bundle needs zod for a constant.
import { z } from 'zod';
import { CONSOLE_ROLES } from './console-wire.ts';
import { botId, isoInstant } from './wire-schemas.ts';

export const consoleRole = z.enum(CONSOLE_ROLES).meta({ id: 'ConsoleRole' });

export const consoleUserView = z
  .object({
    id: z.string(),
    email: z.string(),
    displayName: z.string(),
    role: consoleRole,
    bots: z.array(z.string()),
    disabled: z.boolean(),
    totpEnabled: z.boolean(),
    /** True until the invited user has set a password. */
    pending: z.boolean(),
    /** A supervisor an administrator granted the reveal of personal data on their bots. */
    revealGranted: z.boolean(),
  })
  .meta({ id: 'ConsoleUser' });

export const sessionInfo = z
  .object({
    user: consoleUserView,
    /** Send back as `X-CSRF-Token` on every state-changing request of this session. */
    csrfToken: z.string(),
    /** True when an administrator requires 2FA and this user has not enrolled yet. */
    mustEnrollTotp: z.boolean(),
  })
  .meta({ id: 'SessionInfo' });

export const totpEnrolment = z.object({
  /** Base32 secret, for typing in by hand. */
  secret: z.string(),
  /** otpauth:// URI, for a QR code. */
  uri: z.string(),
});

export const recoveryCodes = z.object({ codes: z.array(z.string()) });

export const auditEntryView = z
  .object({
    seq: z.number().int(),
    at: isoInstant,
    actor: z.string().nullable(),
    action: z.string(),
    target: z.string().nullable(),
    outcome: z.enum(['ok', 'denied', 'failed']),
    ip: z.string().nullable(),
    details: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
    hash: z.string(),
  })
  .meta({ id: 'AuditEntry' });

/** Whether the sign-in screen offers single sign-on, and the button's text (OIDC_LABEL). */
export const ssoInfo = z.object({ enabled: z.boolean(), label: z.string().nullable() });

export const consoleSettings = z.object({
  /** Every console user must have a second factor (TOTP); until they enrol they can do nothing else. */
  requireTotp: z.boolean(),
});

export const userList = z.object({ users: z.array(consoleUserView) });
export const auditPage = z.object({ entries: z.array(auditEntryView) });
/** The answer that tells nothing (an invitation, a reset request): JSON like every console answer. */
export const nothingToSay = z.object({});

// Requests, for the console's sign-in, accounts, users, audit log and settings. Strict objects: an
// unknown field (`passwordHash`, `sessionVersion`, `$where`…) is a 400 and changes nothing.

/** No control character, well-formed: what a name, an address or a reason may hold. */
export const printable = (s: string) => s.isWellFormed() && ![...s].some((ch) => ch.charCodeAt(0) < 0x20 || ch.charCodeAt(0) === 0x7f);
/** A shape check, lower-cased: whether mail arrives is the mail server's to say. */
const email = z
  .string()
  .max(254)
  .regex(/^[^\s@]{1,64}@[^\s@]{1,253}$/, 'expected an e-mail address')
  .refine(printable, 'expected an e-mail address')
  .transform((s) => s.toLowerCase());
/** Long enough for any password the rules accept; the rules themselves answer later, in words. */
const secret = z.string().min(1).max(1024).refine((s) => s.isWellFormed(), 'not well-formed Unicode');
const bots = z.array(botId).max(100);

export const loginRequest = z.strictObject({
  email,
  password: secret,
  /** A TOTP code or a recovery code, when the account has a second factor. */
  totp: z.string().min(1).max(64).optional(),
});
export const changePasswordRequest = z.strictObject({ current: secret, next: secret });
export const setPasswordRequest = z.strictObject({ token: z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'expected a link token'), password: secret });
export const totpConfirmRequest = z.strictObject({ code: z.string().min(1).max(64) });
/** The code that finishes a single sign-on (a TOTP code or a recovery code): the same shape as the enrolment's. */
export const ssoSecondFactorRequest = totpConfirmRequest;
export const inviteRequest = z.strictObject({
  email,
  displayName: z.string().trim().min(1).max(100).refine(printable, 'control characters are not allowed'),
  role: consoleRole,
  bots,
});
export const userPatch = z
  .strictObject({
    role: consoleRole.optional(),
    bots: bots.optional(),
    disabled: z.boolean().optional(),
    /** Lifts the lock that repeated failed logins put on the account (and gives back its login budget). */
    unlock: z.literal(true).optional(),
    /**
     * Grants (or withdraws) a supervisor `personal-data.reveal` on their bots; 400 `not_grantable`
     * for anyone who would not be a supervisor. Any role change withdraws it, unless the same patch grants it.
     */
    revealGranted: z.boolean().optional(),
  })
  .refine((patch) => Object.keys(patch).length > 0, 'nothing to change');
export const resetRequest = z.strictObject({ email });
export const settingsPatch = z.strictObject({ requireTotp: z.boolean() });
export const userIdParam = z.string().regex(/^[A-Za-z0-9_-]{22}$/, 'expected a user id');

/** A count in a query string, at most `max`. */
export const queryCount = (max: number) =>
  z
    .string()
    .regex(/^\d{1,9}$/, 'expected a number')
    .transform(Number)
    .refine((n) => n <= max, `at most ${max}`);
export const auditQuery = z.strictObject({
  afterSeq: queryCount(1e9).optional(),
  limit: queryCount(1000).refine((n) => n >= 1, 'at least 1').default(100),
  actor: z.string().min(1).max(64).optional(),
  action: z.string().min(1).max(64).optional(),
});

export type LoginInput = z.output<typeof loginRequest>;
export type SsoSecondFactorInput = z.output<typeof ssoSecondFactorRequest>;
export type InviteInput = z.output<typeof inviteRequest>;
export type ResetInput = z.output<typeof resetRequest>;
export type SettingsInput = z.output<typeof settingsPatch>;
export type UserPatchInput = z.output<typeof userPatch>;
