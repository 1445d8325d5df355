// The console API's answers (console-wire.ts) as zod schemas: the one source of their TypeScript
// types and of the OpenAPI document. Apart from console-wire.ts so no browser bundle needs zod for
// a constant.
import { z } from 'zod';
import { isoInstant } from './wire-schemas.ts';

export const consoleRole = z.enum(['administrator', 'supervisor', 'operator']).meta({ id: 'ConsoleRole' });

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
