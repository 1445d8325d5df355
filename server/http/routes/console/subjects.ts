// Requests from data subjects (`subjects.export-erase`, administrators): export everything about
// one conversation or one verified visitor, or erase it (server/privacy/subjects.ts). Both are
// POSTs, so a visitor's `sub` travels in a body and never in a URL that access logs keep. The audit
// log records that an export or an erasure happened, of which kind of scope and how many
// conversations, never which conversation or person, nor anything of what was in it.
import type { Middleware } from 'koa';
import createError from 'http-errors';
import type { ErasureResult, SubjectRequest } from '../../../../common/data-protection-wire.ts';
import type { AppDeps } from '../../deps.ts';
import { eraseSubject, exportSubject } from '../../../privacy/subjects.ts';
import { deleteConversationOf } from '../../../chat/handover-deletion.ts';
import { audit } from './state.ts';
import { asExportDownload } from '../../download.ts';

const nothingFound = () => createError(404, 'Parley holds nothing under this conversation id or visitor', { code: 'nothing_found' });

const scopeOf = (request: SubjectRequest): 'conversation' | 'visitor' => ('conversationId' in request ? 'conversation' : 'visitor');

export function exportForSubject(deps: AppDeps): Middleware {
  return async (ctx) => {
    const request = ctx.state.input as SubjectRequest;
    const now = new Date();
    const document = await exportSubject(deps.store, request, 'administrator', now);
    const conversations = document?.conversations.length ?? 0;
    await audit(ctx, deps.store, { action: 'subject.export', target: null, outcome: document ? 'ok' : 'failed', details: { scope: scopeOf(request), conversations } });
    if (!document) throw nothingFound();
    asExportDownload(ctx, now);
    ctx.body = document;
  };
}

export function eraseForSubject(deps: AppDeps): Middleware {
  return async (ctx) => {
    const request = ctx.state.input as SubjectRequest;
    const erased = await eraseSubject(deps.store, request, (id) => deleteConversationOf(deps, id, { by: 'subject-erasure' }));
    await audit(ctx, deps.store, { action: 'subject.erase', target: null, outcome: erased > 0 ? 'ok' : 'failed', details: { scope: scopeOf(request), conversations: erased } });
    if (erased === 0) throw nothingFound();
    deps.logger.info({ scope: scopeOf(request), conversations: erased }, 'data subject erasure');
    ctx.body = { erased } satisfies ErasureResult;
  };
}
