// The frame's HTTP client for the Parley API (same origin as the frame). Every authenticated call
// carries the visitor token; a 401 renews the token once (POST /sessions with resume) and retries.
// A renewal may land in a new conversation (the old one was deleted, archived or is someone
// else's): the caller is told, since everything it holds of the old one no longer applies.
import type {
  ApiError,
  ChatMessage,
  HistoryResponse,
  RatingRequest,
  SendRequest,
  SendResponse,
  SessionRequest,
  SessionResponse,
  TypingRequest,
} from '../../../common/wire.ts';
import type { ChannelAuth } from '../../../common/pusher-client.ts';
import type { TokenStore } from './token-store.ts';
import type { SubjectExport } from '../../../common/data-protection-wire.ts';

export interface HttpError extends Error {
  status: number;
  code: string;
}

function httpError(status: number, code: string, message: string): HttpError {
  return Object.assign(new Error(message), { status, code });
}

export function isHttpError(err: unknown, status?: number): err is HttpError {
  return err instanceof Error && typeof (err as HttpError).status === 'number' && (status === undefined || (err as HttpError).status === status);
}

async function call<T>(url: string, init: RequestInit): Promise<T> {
  let res: Response;
  try {
    res = await fetch(url, { ...init, credentials: 'omit', cache: 'no-store' });
  } catch {
    throw httpError(0, 'network', 'network error');
  }
  const body: unknown = await res.json().catch(() => null);
  if (!res.ok) {
    const error = (body as Partial<ApiError> | null)?.error;
    throw httpError(res.status, error?.code ?? `http_${res.status}`, error?.message ?? res.statusText);
  }
  return body as T;
}

const JSON_HEADERS = { 'Content-Type': 'application/json' };

export type Api = ReturnType<typeof createApi>;

export function createApi(request: Pick<SessionRequest, 'bot' | 'origin' | 'locale'>, tokens: TokenStore) {
  let session: SessionResponse | null = null;
  let renewing: Promise<SessionResponse> | null = null;
  // Set by the chat once it is loaded: the frame's first script starts the session before that.
  let newConversation = (_session: SessionResponse): void => {};

  const open = async (resume?: string): Promise<SessionResponse> => {
    const body: SessionRequest = resume ? { ...request, resume } : { ...request };
    const next = await call<SessionResponse>('/api/v1/sessions', { method: 'POST', headers: JSON_HEADERS, body: JSON.stringify(body) });
    const previous = session;
    session = next;
    tokens.set(next.token);
    if (previous && previous.conversationId !== next.conversationId) newConversation(next);
    return next;
  };

  /** Resumes the stored conversation, or starts a new one when the stored token is refused. */
  const start = async (): Promise<SessionResponse> => {
    const stored = tokens.get();
    if (stored) {
      try {
        return await open(stored);
      } catch (err) {
        // Only a definite "no" from the server drops the stored conversation; outages keep it.
        if (!isHttpError(err) || err.status === 0 || err.status === 429 || err.status >= 500) throw err;
        tokens.clear();
      }
    }
    return open();
  };

  const renew = (): Promise<SessionResponse> => {
    renewing ??= open(session?.token).finally(() => {
      renewing = null;
    });
    return renewing;
  };

  const authed = async <T>(url: string, init: RequestInit = {}): Promise<T> => {
    const once = (): Promise<T> => {
      if (!session) throw httpError(0, 'no_session', 'no session');
      return call<T>(url, { ...init, headers: { ...(init.headers as Record<string, string>), Authorization: `Bearer ${session.token}` } });
    };
    try {
      return await once();
    } catch (err) {
      if (!isHttpError(err, 401)) throw err;
      await renew();
      return once();
    }
  };

  return {
    start,
    /** Who is told when a renewal lands in another conversation. */
    onNewConversation(fn: (session: SessionResponse) => void): void {
      newConversation = fn;
    },
    session: (): SessionResponse | null => session,
    send: (req: SendRequest): Promise<ChatMessage> =>
      authed<SendResponse>('/api/v1/messages', { method: 'POST', headers: JSON_HEADERS, body: JSON.stringify(req) }).then((r) => r.message),
    history: (after: number): Promise<ChatMessage[]> =>
      authed<HistoryResponse>(`/api/v1/messages?after=${after}`).then((r) => (Array.isArray(r.messages) ? r.messages : [])),
    /** Tells the operator holding the conversation; the server ignores it when no one does. */
    typing: (req: TypingRequest): Promise<void> => authed('/api/v1/typing', { method: 'POST', headers: JSON_HEADERS, body: JSON.stringify(req) }),
    rate: (req: RatingRequest): Promise<void> => authed('/api/v1/rating', { method: 'POST', headers: JSON_HEADERS, body: JSON.stringify(req) }),
    /** The visitor's own copy of the conversation (common/data-protection-wire.ts). */
    exportConversation: (): Promise<SubjectExport> => authed<SubjectExport>('/api/v1/conversation/export'),
    /**
     * Erases the conversation for good, and forgets its token. Not through `authed`: a 401 means it
     * is gone already, and a renewal would start a new conversation only to delete that one.
     */
    async deleteConversation(): Promise<void> {
      const token = session?.token ?? tokens.get();
      if (token) {
        try {
          await call('/api/v1/conversation', { method: 'DELETE', headers: { Authorization: `Bearer ${token}` } });
        } catch (err) {
          if (!isHttpError(err, 401)) throw err;
        }
      }
      tokens.clear();
      session = null;
    },
    channelAuth: (socketId: string, channelName: string): Promise<ChannelAuth> =>
      authed<ChannelAuth>(session?.realtime.authEndpoint ?? '/api/v1/realtime/auth', {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ socket_id: socketId, channel_name: channelName }).toString(),
      }),
  };
}
