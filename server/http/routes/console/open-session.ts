// The one way a login becomes a session, for every method (password, SSO): the browser's previous
// session ends, a new one is stored and handed over, and the audit log says who and how.
import type { Context } from 'koa';
import type { ConsoleSession, ConsoleStore, ConsoleUser } from '../../../store/console-store.ts';
import { readSessionToken, SESSION_COOKIE, sessionIdHash, startSession } from '../../../accounts/session-cookie.ts';
import { audit, giveSession } from './state.ts';

export type LoginMethod = 'password' | 'sso';

export async function openSession(
  ctx: Context,
  store: Pick<ConsoleStore, 'deleteConsoleSession' | 'createConsoleSession' | 'appendAudit'>,
  user: ConsoleUser,
  method: LoginMethod,
  now: Date,
): Promise<ConsoleSession> {
  // Whatever session the browser brought ends: the signed-in one is always new (session fixation).
  const previous = readSessionToken(ctx.cookies.get(SESSION_COOKIE));
  if (previous) await store.deleteConsoleSession(sessionIdHash(previous));
  const issued = startSession({ userId: user.id, sessionVersion: user.sessionVersion, now });
  await giveSession(ctx, store, issued);
  await audit(ctx, store, { actor: user.id, action: 'login', target: user.id, outcome: 'ok', details: { method } });
  return issued.session;
}
