// GET /conversations: the conversations of the bots the caller browses (botScope of
// conversations.browse), newest first, filtered by metadata only; and GET /conversations/filters,
// what those filters may be set to. The page's `next` is an opaque keyset cursor: the start and id
// of the last conversation shown.
import type { Middleware } from 'koa';
import createError from 'http-errors';
import type { BrowseFilters, BrowseOutcome, ConversationPage } from '../../../../common/conversations-wire.ts';
import { CONVERSATION_ID_PATTERN } from '../../../../common/ids.ts';
import { botScope } from '../../../accounts/roles.ts';
import type { Conversation, ConversationQuery } from '../../../store/store.ts';
import type { AppDeps } from '../../deps.ts';
import { validate } from '../../validate.ts';
import { conversationListQuery, type ConversationListQuery } from '../../../../common/conversations-wire-schemas.ts';
import { mustBeSignedIn } from './state.ts';
import { conversationSummary } from './conversation-view.ts';

const badCursor = () => createError(400, 'before: expected the next page of an earlier answer', { code: 'invalid_request' });

export function encodeCursor(conversation: Pick<Conversation, 'createdAt' | 'id'>): string {
  return Buffer.from(JSON.stringify([conversation.createdAt.getTime(), conversation.id])).toString('base64url');
}

export function decodeCursor(cursor: string): NonNullable<ConversationQuery['before']> {
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw badCursor();
  }
  if (!Array.isArray(decoded) || decoded.length !== 2) throw badCursor();
  const [at, id] = decoded as unknown[];
  if (!Number.isSafeInteger(at) || typeof id !== 'string' || !CONVERSATION_ID_PATTERN.test(id)) throw badCursor();
  return { createdAt: new Date(at as number), id };
}

/** The store's filter of one browse outcome. */
function outcomeFilter(outcome: BrowseOutcome | undefined): Pick<ConversationQuery, 'outcome' | 'handedOver' | 'rated'> {
  if (outcome === 'handed-over') return { handedOver: true };
  if (outcome === 'rated') return { rated: true };
  return outcome === undefined ? {} : { outcome };
}

function storeQuery(query: ConversationListQuery, scope: 'all' | string[]): ConversationQuery {
  const bots = query.bot === undefined ? scope : scope === 'all' || scope.includes(query.bot) ? [query.bot] : [];
  return {
    bots,
    limit: query.limit,
    ...(query.from ? { from: query.from } : {}),
    ...(query.to ? { to: query.to } : {}),
    ...(query.locale ? { locale: query.locale } : {}),
    ...(query.intent ? { intent: query.intent } : {}),
    ...outcomeFilter(query.outcome),
    ...(query.before ? { before: decodeCursor(query.before) } : {}),
  };
}

export function listConversations(deps: AppDeps): Middleware {
  return async (ctx) => {
    const { user } = mustBeSignedIn(ctx);
    const query = validate(conversationListQuery, ctx.query);
    const found = await deps.store.browseConversations(storeQuery(query, botScope(user, 'conversations.browse')));
    const last = found.at(-1);
    ctx.body = {
      conversations: found.map(conversationSummary),
      next: last && found.length === query.limit ? encodeCursor(last) : null,
    } satisfies ConversationPage;
  };
}

export function browseFilters(deps: AppDeps): Middleware {
  return async (ctx) => {
    const { user } = mustBeSignedIn(ctx);
    const scope = botScope(user, 'conversations.browse');
    const profiles = deps.engine.profiles().filter((p) => scope === 'all' || scope.includes(p.id));
    ctx.body = {
      bots: profiles.map((p) => ({ id: p.id, name: p.name, locales: [...p.locales], intents: [...p.intents] })),
    } satisfies BrowseFilters;
  };
}
