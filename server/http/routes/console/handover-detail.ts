// GET /handovers/:id: the handover, the conversation so far with personal values masked
// (server/privacy/mask.ts), its internal notes, whether the caller may reveal, and, to those who
// may reassign it, the users it may go to (handover.work on its bot) and whether each is online. Every view is
// in the audit log (actor, handover, outcome; never message text).
import type { Middleware } from 'koa';
import type { AssignableOperator, HandoverDetail } from '../../../../common/handover-wire.ts';
import { can } from '../../../accounts/roles.ts';
import { loadHandoverView, loadNoteViews } from '../../../chat/handover-view.ts';
import { maskTranscript } from '../../../privacy/mask.ts';
import type { AppDeps } from '../../deps.ts';
import { handoverOf } from './handover-access.ts';
import { audit, mustBeSignedIn } from './state.ts';

/** The transcript shown is the conversation's first this many messages (history pages are 1,000 too). */
export const TRANSCRIPT_LIMIT = 1000;

/** Users who could take over a handover of `botId`: may work it, and can sign in (not disabled, not still invited). */
async function assignable(deps: AppDeps, botId: string): Promise<AssignableOperator[]> {
  const [users, online] = await Promise.all([deps.store.listUsers(), deps.store.availableOperators(deps.clock())]);
  const available = new Set(online);
  return users
    .filter((u) => can(u, 'handover.work', botId) && (u.passwordHash !== null || u.oidcSubject !== null))
    .map((u) => ({ id: u.id, displayName: u.displayName, available: available.has(u.id) }));
}

export function handoverDetail(deps: AppDeps): Middleware {
  return async (ctx) => {
    const { user } = mustBeSignedIn(ctx);
    const handover = handoverOf(ctx);
    const [messages, values, notes] = await Promise.all([
      deps.store.listMessages(handover.conversationId, 0, TRANSCRIPT_LIMIT),
      deps.store.listValues(handover.conversationId),
      deps.store.listHandoverNotes(handover.id),
    ]);
    await audit(ctx, deps.store, { action: 'handover.view', target: handover.id, outcome: 'ok', details: { bot: handover.botId, messages: messages.length } });
    ctx.body = {
      handover: await loadHandoverView(deps.store, handover),
      messages: maskTranscript(messages, values),
      notes: await loadNoteViews(deps.store, notes),
      mayReveal: can(user, 'personal-data.reveal', handover.botId),
      ...(can(user, 'handover.reassign', handover.botId) ? { assignable: await assignable(deps, handover.botId) } : {}),
    } satisfies HandoverDetail;
  };
}
