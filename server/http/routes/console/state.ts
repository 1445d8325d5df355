// What the console routes share: the signed-in session on ctx.state, the wire views of a user and
// a session, the cookie, and the audit record of "this request did X".
import type { Context } from 'koa';
import type { Logger } from 'pino';
import createError from 'http-errors';
import type { ConsoleUserView, SessionInfo } from '../../../../common/console-wire.ts';
import type { ConsoleSession, ConsoleStore, ConsoleUser } from '../../../store/console-store.ts';
import { clearedSessionCookie, sessionCookie, type IssuedSession } from '../../../accounts/session-cookie.ts';
import { recordAudit, type AuditRecord } from '../../../audit/record.ts';
import { clientIp } from '../../visitor-auth.ts';

export interface SignedIn {
  session: ConsoleSession;
  user: ConsoleUser;
}

/** The signed-in session, set by the session middleware; undefined when the request has none. */
export const signedIn = (ctx: Context): SignedIn | undefined => ctx.state.console as SignedIn | undefined;

/** For routes behind authorize(): the session is there, or authorize() already answered 401. */
export function mustBeSignedIn(ctx: Context): SignedIn {
  const state = signedIn(ctx);
  if (!state) throw notSignedIn();
  return state;
}

export const notSignedIn = () => createError(401, 'Sign in to the console', { code: 'not_signed_in' });

export function userView(user: ConsoleUser): ConsoleUserView {
  return {
    id: user.id,
    email: user.email,
    displayName: user.displayName,
    role: user.role,
    bots: [...user.bots],
    disabled: user.disabled,
    totpEnabled: user.totpSecret !== null,
    pending: isPending(user),
    revealGranted: user.revealGranted,
  };
}

/**
 * Invited and not yet in: no password set from the link and no SSO login linked. A disabled user
 * can be pending too; whether to mail them is the invitation's business (users.ts).
 */
export const isPending = (user: Pick<ConsoleUser, 'passwordHash' | 'oidcSubject'>): boolean => user.passwordHash === null && user.oidcSubject === null;

/**
 * Sends a console mail without holding the answer for it: a mail server's round trip would make
 * the answers that mail slower than those that do not, and tell which addresses have accounts.
 * A failed send goes to the log (the link itself never does).
 */
export function mailAfterAnswer(logger: Logger, what: string, userId: string, send: () => Promise<void>): void {
  Promise.resolve().then(send).catch((err: unknown) => {
    logger.error({ err: { message: err instanceof Error ? err.message : String(err) }, userId }, `console: ${what} mail failed`);
  });
}

/** Whether an administrator requires a second factor of everyone and `user` has none yet. */
export async function mustEnrollTotp(store: Pick<ConsoleStore, 'getConsoleSettings'>, user: ConsoleUser): Promise<boolean> {
  return user.totpSecret === null && (await store.getConsoleSettings()).requireTotp;
}

export const sessionInfo = async (store: Pick<ConsoleStore, 'getConsoleSettings'>, user: ConsoleUser, session: ConsoleSession): Promise<SessionInfo> => ({
  user: userView(user),
  csrfToken: session.csrfToken,
  mustEnrollTotp: await mustEnrollTotp(store, user),
});

/** Stores `issued` and hands its token to the browser. */
export async function giveSession(ctx: Context, store: Pick<ConsoleStore, 'createConsoleSession'>, issued: IssuedSession): Promise<void> {
  await store.createConsoleSession(issued.session);
  ctx.set('Set-Cookie', sessionCookie(issued.token));
}

export const clearSessionCookie = (ctx: Context): void => ctx.set('Set-Cookie', clearedSessionCookie());

/** An audit entry for this request: its IP, and its signed-in user as the actor unless told otherwise. */
export function audit(ctx: Context, store: Pick<ConsoleStore, 'appendAudit'>, record: AuditRecord): Promise<unknown> {
  return recordAudit(store, { actor: signedIn(ctx)?.user.id ?? null, ip: clientIp(ctx), ...record });
}
