// Argument checks of the console store, shared by both adapters: every value reaches a query or a
// row as what its type says (a plain string, a finite count, a valid date), unknown keys of a patch
// are dropped, and a bad value fails with `invalid_argument` before anything is written.
import type { AuditEntry, ConsoleSession, ConsoleStore, ConsoleUser, OneTimePurpose, Role } from './console-store.ts';
import { checkCount, checkDate, checkLimit, flag, nullableDate, nullableText, oneOf, text, textList } from './arguments.ts';

export { text };
import { storeError } from './errors.ts';
import { CONSOLE_ROLES } from '../../common/console-wire.ts';

export type NewUser = Parameters<ConsoleStore['createUser']>[0];
export type UserPatch = Parameters<ConsoleStore['updateUser']>[1];
export type AuditInput = Parameters<ConsoleStore['appendAudit']>[0];
export type AuditQuery = Parameters<ConsoleStore['listAudit']>[0];
export type NewOneTimeToken = Parameters<ConsoleStore['createOneTimeToken']>[0];

const ROLES: readonly string[] = CONSOLE_ROLES;
const PURPOSES: readonly string[] = ['set-password', 'reset-password', 'sso-second-factor'] satisfies OneTimePurpose[];
const OUTCOMES: readonly string[] = ['ok', 'denied', 'failed'] satisfies AuditEntry['outcome'][];

export const checkRole = (role: Role): Role => oneOf('role', ROLES, role);
export const checkPurpose = (purpose: OneTimePurpose): OneTimePurpose => oneOf('purpose', PURPOSES, purpose);

/** Emails are compared lower-cased: one account per address, however it is typed. */
export function normalizeEmail(email: unknown): string {
  const normalized = text(email).toLowerCase();
  if (normalized === '') throw storeError('invalid_argument', 'email must not be empty');
  return normalized;
}

/**
 * Session ids and one-time tokens are stored only as the SHA-256 of the token, base64url (43
 * characters); anything else is refused, so a caller's bug cannot put a token, or an object, in a row.
 */
export function checkTokenHash(name: string, hash: unknown): string {
  if (typeof hash !== 'string' || !/^[A-Za-z0-9_-]{43}$/.test(hash)) {
    throw storeError('invalid_argument', `${name} must be a SHA-256 hash in base64url`);
  }
  return hash;
}

/** A TOTP time step: seconds since 1970 over 30, a non-negative integer. */
export const checkTotpStep = (step: unknown): number => checkCount('step', step);

/**
 * How far past a code's step the window it was accepted in may reach: a code is accepted one step
 * either side of now (server/accounts/totp.ts), so the newest step accepted is at most two on.
 */
const TOTP_WINDOW_REACH = 2;

/** A TOTP use (useTotpStep): the code's step, and the last step of the window it spends (the step itself by default). */
export function totpUse(step: unknown, through: unknown = step): { step: number; through: number } {
  const checked = { step: checkTotpStep(step), through: checkCount('through', through) };
  if (checked.through < checked.step || checked.through > checked.step + TOTP_WINDOW_REACH) {
    throw storeError('invalid_argument', `through must be 0 to ${TOTP_WINDOW_REACH} steps after step`);
  }
  return checked;
}

/** A new user as stored: every field checked, counters at their start. */
export function newUser(input: NewUser): ConsoleUser {
  const now = checkDate('now', input.now ?? new Date());
  return {
    id: text(input.id),
    email: normalizeEmail(input.email),
    displayName: text(input.displayName),
    role: checkRole(input.role),
    bots: textList('bots', input.bots),
    passwordHash: nullableText(input.passwordHash),
    totpSecret: nullableText(input.totpSecret),
    recoveryCodes: textList('recoveryCodes', input.recoveryCodes),
    oidcSubject: nullableText(input.oidcSubject),
    disabled: flag('disabled', input.disabled),
    sessionVersion: 1,
    failedLogins: 0,
    lockedUntil: null,
    totpLastStep: null,
    pendingTotpSecret: null,
    pendingTotpExpiresAt: null,
    revealGranted: false,
    createdAt: now,
    updatedAt: now,
  };
}

/** The documented fields of a patch, checked; anything else (an id, a sessionVersion) is dropped. */
export function userPatch(patch: UserPatch): UserPatch {
  const checked: UserPatch = {};
  if (patch.email !== undefined) checked.email = normalizeEmail(patch.email);
  if (patch.displayName !== undefined) checked.displayName = text(patch.displayName);
  if (patch.role !== undefined) checked.role = checkRole(patch.role);
  if (patch.bots !== undefined) checked.bots = textList('bots', patch.bots);
  if (patch.passwordHash !== undefined) checked.passwordHash = nullableText(patch.passwordHash);
  if (patch.totpSecret !== undefined) checked.totpSecret = nullableText(patch.totpSecret);
  if (patch.recoveryCodes !== undefined) checked.recoveryCodes = textList('recoveryCodes', patch.recoveryCodes);
  if (patch.oidcSubject !== undefined) checked.oidcSubject = nullableText(patch.oidcSubject);
  if (patch.disabled !== undefined) checked.disabled = flag('disabled', patch.disabled);
  if (patch.failedLogins !== undefined) checked.failedLogins = checkCount('failedLogins', patch.failedLogins);
  if (patch.lockedUntil !== undefined) checked.lockedUntil = nullableDate('lockedUntil', patch.lockedUntil);
  if (patch.totpLastStep !== undefined) checked.totpLastStep = patch.totpLastStep === null ? null : checkTotpStep(patch.totpLastStep);
  if (patch.pendingTotpSecret !== undefined) checked.pendingTotpSecret = nullableText(patch.pendingTotpSecret);
  if (patch.pendingTotpExpiresAt !== undefined) checked.pendingTotpExpiresAt = nullableDate('pendingTotpExpiresAt', patch.pendingTotpExpiresAt);
  if (patch.revealGranted !== undefined) checked.revealGranted = flag('revealGranted', patch.revealGranted);
  return checked;
}

export const DEFAULT_SETTINGS = { requireTotp: false, updatedAt: null } as const;

/** The settings a patch sets, checked; unknown keys dropped. */
export function settingsPatch(patch: Parameters<ConsoleStore['setConsoleSettings']>[0]): { requireTotp?: boolean } {
  return patch.requireTotp === undefined ? {} : { requireTotp: flag('requireTotp', patch.requireTotp) };
}

export function consoleSession(session: ConsoleSession): ConsoleSession {
  return {
    idHash: checkTokenHash('idHash', session.idHash),
    userId: text(session.userId),
    sessionVersion: checkCount('sessionVersion', session.sessionVersion),
    csrfToken: text(session.csrfToken),
    createdAt: checkDate('createdAt', session.createdAt),
    lastSeenAt: checkDate('lastSeenAt', session.lastSeenAt),
    expiresAt: checkDate('expiresAt', session.expiresAt),
  };
}

export function oneTimeToken(input: NewOneTimeToken): NewOneTimeToken {
  return {
    tokenHash: checkTokenHash('tokenHash', input.tokenHash),
    userId: text(input.userId),
    purpose: checkPurpose(input.purpose),
    expiresAt: checkDate('expiresAt', input.expiresAt),
  };
}

/** Details are flat: strings, finite numbers and booleans only (never nested personal data). */
function auditDetails(details: unknown): AuditEntry['details'] {
  if (typeof details !== 'object' || details === null || Array.isArray(details)) {
    throw storeError('invalid_argument', 'details must be an object');
  }
  const checked: AuditEntry['details'] = {};
  for (const [key, value] of Object.entries(details)) {
    if (typeof value === 'string') checked[text(key)] = text(value);
    else if (typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value))) checked[text(key)] = value;
    else throw storeError('invalid_argument', 'details values must be strings, finite numbers or booleans');
  }
  return checked;
}

/** An audit entry's fields as they will be sealed and stored. */
export function auditInput(entry: AuditInput): AuditInput {
  const action = text(entry.action);
  if (action === '') throw storeError('invalid_argument', 'action must not be empty');
  return {
    at: checkDate('at', entry.at),
    actor: nullableText(entry.actor),
    action,
    target: nullableText(entry.target),
    outcome: oneOf('outcome', OUTCOMES, entry.outcome),
    ip: nullableText(entry.ip),
    details: auditDetails(entry.details),
  };
}

/** A listAudit query with every filter checked; absent filters stay absent. */
export function auditQuery(query: AuditQuery): AuditQuery {
  const afterSeq = query.afterSeq ?? 0;
  return {
    afterSeq: checkCount('afterSeq', afterSeq),
    limit: checkLimit(query.limit),
    ...(query.actor !== undefined ? { actor: text(query.actor) } : {}),
    ...(query.action !== undefined ? { action: text(query.action) } : {}),
    ...(query.from !== undefined ? { from: checkDate('from', query.from) } : {}),
    ...(query.to !== undefined ? { to: checkDate('to', query.to) } : {}),
  };
}
