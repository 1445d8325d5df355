// Cookie → stored session → user, on every console request. A session that is unknown, expired,
// idle, of a disabled user or of an older session version is no session: the request goes on
// without one (authorize() answers 401), the stored session is deleted and the cookie cleared.
// A live one is touched (lastSeenAt), which is what idle expiry counts from.
import type { Middleware } from 'koa';
import type { ConsoleStore } from '../../../store/console-store.ts';
import { SESSION_COOKIE, readSessionToken, sessionIdHash, sessionProblem } from '../../../accounts/session-cookie.ts';
import { clearSessionCookie, type SignedIn } from './state.ts';

export function consoleSession(store: ConsoleStore): Middleware {
  return async (ctx, next) => {
    const token = readSessionToken(ctx.cookies.get(SESSION_COOKIE));
    if (token) {
      const idHash = sessionIdHash(token);
      const session = await store.getConsoleSession(idHash);
      const user = session ? await store.getUser(session.userId) : null;
      const now = new Date();
      if (session && user && sessionProblem(session, user, now) === null) {
        await store.touchConsoleSession(idHash, now);
        ctx.state.console = { session: { ...session, lastSeenAt: now }, user } satisfies SignedIn;
      } else {
        if (session) await store.deleteConsoleSession(idHash);
        clearSessionCookie(ctx);
      }
    }
    await next();
  };
}
