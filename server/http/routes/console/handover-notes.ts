// POST /handovers/:id/notes: the holder's internal notes. Never sent to the visitor, never
// published on the visitor's channel; read back with the handover's detail.
import type { Middleware } from 'koa';
import { newId } from '../../../chat/ids.ts';
import { loadNoteViews } from '../../../chat/handover-view.ts';
import { storeErrorCode } from '../../../store/errors.ts';
import type { HandoverNote } from '../../../store/handover-store.ts';
import type { AppDeps } from '../../deps.ts';
import { handoverOf, notHolder } from './handover-access.ts';
import type { NoteInput } from '../../../../common/handover-wire-schemas.ts';
import { mustBeSignedIn } from './state.ts';

export function addNote(deps: AppDeps): Middleware {
  return async (ctx) => {
    const { user } = mustBeSignedIn(ctx);
    const handover = handoverOf(ctx);
    const note: HandoverNote = { id: newId(), handoverId: handover.id, authorId: user.id, text: (ctx.state.input as NoteInput).text, createdAt: deps.clock() };
    await deps.store.addHandoverNote(note).catch((err: unknown) => {
      if (storeErrorCode(err) === 'unknown_handover') throw notHolder();
      throw err;
    });
    const [view] = await loadNoteViews(deps.store, [note]);
    ctx.status = 201;
    ctx.body = { note: view };
  };
}
