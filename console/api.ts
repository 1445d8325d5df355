// The console API, one function per route of common/console-wire.ts: the one place the app knows
// paths and methods. State changes carry the session's CSRF token; errors become ApiError with the
// server's own `{error:{code,message}}` words, which the screens show as text.
import type {
  AuditEntryView,
  AuditQueryParams,
  ChangePasswordRequest,
  ConsoleSettings,
  ConsoleUserView,
  InviteRequest,
  LoginRequest,
  PasswordResetRequest,
  RecoveryCodes,
  SessionInfo,
  SetPasswordRequest,
  SsoInfo,
  SsoSecondFactorRequest,
  TotpConfirmRequest,
  TotpEnrolment,
  UserPatch,
} from '../common/console-wire.ts';
import type {
  CannedReply,
  ConsoleRealtimeConfig,
  HandoverDetail,
  HandoverList,
  HandoverListQueryParams,
  HandoverNoteView,
  HandoverView,
  NoteRequest,
  OperatorMessageRequest,
  PresenceRequest,
  PresenceView,
  ReassignRequest,
  ResolveRequest,
  RevealedValues,
  RevealRequest,
} from '../common/handover-wire.ts';
import type { BrowseFilters, ConversationDetail, ConversationPage, ConversationQueryParams } from '../common/conversations-wire.ts';
import type { BotSettingsView, ErasureResult, SaveBotSettingsRequest, SubjectExport, SubjectRequest } from '../common/data-protection-wire.ts';
import type { ChannelAuth } from '../common/pusher-client.ts';
import type { ReportPeriod, ReportTable, ReportView } from '../common/report-wire.ts';
import type { ChannelAuthRequest, ChatMessage, TypingRequest } from '../common/wire.ts';
import type { WebhookAttemptView, WebhookCreateRequest, WebhookPatchRequest, WebhookRotateRequest, WebhookView, WebhookWithSecret } from '../common/webhooks-wire.ts';

const BASE = '/api/v1/console';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** The server's `{error:{code,message}}`, or a plain sentence when the answer is not one. */
async function errorOf(res: Response): Promise<ApiError> {
  const body: unknown = await res.json().catch(() => null);
  const error = (body as { error?: { code?: unknown; message?: unknown } } | null)?.error;
  if (error && typeof error.message === 'string' && typeof error.code === 'string') return new ApiError(res.status, error.code, error.message);
  return new ApiError(res.status, 'http_' + res.status, `The server answered ${res.status}.`);
}

async function request<T>(method: string, path: string, opts: { body?: unknown; csrf?: string; keepalive?: boolean } = {}): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (opts.body !== undefined) headers['Content-Type'] = 'application/json';
  if (opts.csrf) headers['X-CSRF-Token'] = opts.csrf;
  let res: Response;
  try {
    res = await fetch(BASE + path, {
      method,
      headers,
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
      credentials: 'same-origin',
      cache: 'no-store',
      keepalive: opts.keepalive,
    });
  } catch {
    throw new ApiError(0, 'network', 'The server could not be reached. Check the connection and try again.');
  }
  if (!res.ok) throw await errorOf(res);
  return (res.status === 204 ? undefined : await res.json()) as T;
}

// No session yet.
export const signIn = (body: LoginRequest) => request<SessionInfo>('POST', '/session', { body });
export const currentSession = () => request<SessionInfo>('GET', '/session');
export const setPassword = (body: SetPasswordRequest) => request<void>('POST', '/password/set', { body });
export const ssoInfo = () => request<SsoInfo>('GET', '/sso');
/** Navigated to, not fetched: the IdP's page replaces the console. */
export const SSO_START = `${BASE}/sso/start`;
/** The code after the IdP's login, for a user with a second factor: the browser's pending-sign-in cookie goes along. */
export const finishSsoSignIn = (body: SsoSecondFactorRequest) => request<SessionInfo>('POST', '/sso/second-factor', { body });
export const requestPasswordReset = (body: PasswordResetRequest) => request<void>('POST', '/password/reset', { body });

// The signed-in user's own session and account.
export const signOut = (csrf: string) => request<void>('DELETE', '/session', { csrf });
export const endAllSessions = (csrf: string) => request<void>('POST', '/session/end-all', { csrf });
export const changePassword = (csrf: string, body: ChangePasswordRequest) => request<SessionInfo>('POST', '/password', { body, csrf });
export const enrollTotp = (csrf: string) => request<TotpEnrolment>('POST', '/totp/enroll', { csrf });
export const confirmTotp = (csrf: string, code: string) => request<RecoveryCodes>('POST', '/totp/confirm', { body: { code } satisfies TotpConfirmRequest, csrf });

// Administrators.
export const listUsers = () => request<{ users: ConsoleUserView[] }>('GET', '/users');
/** 202 `{}` whatever the address: the answer never says whether it has an account (reload the list to see). */
export const inviteUser = (csrf: string, body: InviteRequest) => request<void>('POST', '/users', { body, csrf });
export const patchUser = (csrf: string, id: string, body: UserPatch) => request<ConsoleUserView>('PATCH', `/users/${encodeURIComponent(id)}`, { body, csrf });
export const getSettings = () => request<ConsoleSettings>('GET', '/settings');
export const patchSettings = (csrf: string, body: ConsoleSettings) => request<ConsoleSettings>('PATCH', '/settings', { body, csrf });

function query(filter: object): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(filter)) if (value !== undefined && value !== '') params.set(key, String(value));
  const text = params.toString();
  return text ? `?${text}` : '';
}

export const listAudit = (filter: AuditQueryParams) => request<{ entries: AuditEntryView[] }>('GET', `/audit${query(filter)}`);
/** A plain link: the browser downloads it with the session cookie. */
export const AUDIT_EXPORT_URL = `${BASE}/audit/export`;

// Live handover (common/handover-wire.ts): handover.work, reassign for supervisors and administrators.
const handover = (id: string, rest = '') => `/handovers/${encodeURIComponent(id)}${rest}`;

export const listHandovers = (filter: HandoverListQueryParams) => request<HandoverList>('GET', `/handovers${query(filter)}`);
export const getHandover = (id: string) => request<HandoverDetail>('GET', handover(id));
export const takeHandover = (csrf: string, id: string) => request<HandoverView>('POST', handover(id, '/take'), { csrf });
export const reassignHandover = (csrf: string, id: string, body: ReassignRequest) => request<HandoverView>('POST', handover(id, '/reassign'), { body, csrf });
export const resolveHandover = (csrf: string, id: string, body: ResolveRequest) => request<HandoverView>('POST', handover(id, '/resolve'), { body, csrf });
export const postOperatorMessage = (csrf: string, id: string, body: OperatorMessageRequest) =>
  request<{ message: ChatMessage }>('POST', handover(id, '/messages'), { body, csrf }).then((r) => r.message);
export const addNote = (csrf: string, id: string, body: NoteRequest) => request<{ note: HandoverNoteView }>('POST', handover(id, '/notes'), { body, csrf }).then((r) => r.note);
export const sendTyping = (csrf: string, id: string, typing: boolean) => request<void>('POST', handover(id, '/typing'), { body: { typing } satisfies TypingRequest, csrf });
export const revealHandover = (csrf: string, id: string, body: RevealRequest) => request<RevealedValues>('POST', handover(id, '/reveal'), { body, csrf });
export const cannedReplies = (bot: string) => request<{ replies: CannedReply[] }>('GET', `/bots/${encodeURIComponent(bot)}/canned-replies`).then((r) => r.replies);
/** `keepalive`: the "going offline" sent as the page closes still reaches the server. */
export const putPresence = (csrf: string, body: PresenceRequest, keepalive = false) => request<PresenceView>('PUT', '/presence', { body, csrf, keepalive });
export const realtimeConfig = () => request<ConsoleRealtimeConfig>('GET', '/realtime');
/** pusher-js channel authorization through the console session: JSON, with the CSRF header like every state change. */
export const authorizeChannel = (csrf: string, socketId: string, channelName: string) =>
  request<ChannelAuth>('POST', '/realtime/auth', { body: { socket_id: socketId, channel_name: channelName } satisfies ChannelAuthRequest, csrf });

// The conversation browser (common/conversations-wire.ts): supervisors (their bots) and administrators.
const conversation = (id: string, rest = '') => `/conversations/${encodeURIComponent(id)}${rest}`;

export const listConversations = (filter: ConversationQueryParams) => request<ConversationPage>('GET', `/conversations${query(filter)}`);
export const browseFilters = () => request<BrowseFilters>('GET', '/conversations/filters');
export const getConversation = (id: string) => request<ConversationDetail>('GET', conversation(id));
export const revealConversation = (csrf: string, id: string, body: RevealRequest) => request<RevealedValues>('POST', conversation(id, '/reveal'), { body, csrf });
// Data protection (common/data-protection-wire.ts), administrators: bots' settings, data subjects' requests.
const botSettingsPath = (bot: string) => `/bot-settings/${encodeURIComponent(bot)}`;
export const listBotSettings = () => request<{ bots: BotSettingsView[] }>('GET', '/bot-settings').then((r) => r.bots);
export const getBotSettings = (bot: string) => request<BotSettingsView>('GET', botSettingsPath(bot));
export const saveBotSettings = (csrf: string, bot: string, body: SaveBotSettingsRequest) => request<BotSettingsView>('PUT', botSettingsPath(bot), { body, csrf });
export const exportSubject = (csrf: string, body: SubjectRequest) => request<SubjectExport>('POST', '/subjects/export', { body, csrf });
export const eraseSubject = (csrf: string, body: SubjectRequest) => request<ErasureResult>('POST', '/subjects/erase', { body, csrf });
// Reports (common/report-wire.ts): reports.read, administrators every bot, supervisors their own.
export const getReport = (period: ReportPeriod) => request<ReportView>('GET', `/reports${query(period)}`);
/** A plain link: the browser downloads the table with the session cookie. */
export const reportCsvUrl = (period: ReportPeriod, table: ReportTable) => `${BASE}/reports/csv${query({ table, ...period })}`;

// Administrators: a bot's webhooks (common/webhooks-wire.ts). A secret comes back only from a create or a rotation.
const webhookPath = (id: string, rest = '') => `/webhooks/${encodeURIComponent(id)}${rest}`;
export const listWebhooks = () => request<{ webhooks: WebhookView[] }>('GET', '/webhooks').then((r) => r.webhooks);
export const createWebhook = (csrf: string, body: WebhookCreateRequest) => request<WebhookWithSecret>('POST', '/webhooks', { body, csrf });
export const patchWebhook = (csrf: string, id: string, body: WebhookPatchRequest) =>
  request<{ webhook: WebhookView }>('PATCH', webhookPath(id), { body, csrf }).then((r) => r.webhook);
export const rotateWebhookSecret = (csrf: string, id: string, overlapMinutes: number) =>
  request<WebhookWithSecret>('POST', webhookPath(id, '/rotate'), { body: { overlapMinutes } satisfies WebhookRotateRequest, csrf });
export const deleteWebhook = (csrf: string, id: string) => request<void>('DELETE', webhookPath(id), { csrf });
export const listWebhookAttempts = (id: string) => request<{ attempts: WebhookAttemptView[] }>('GET', webhookPath(id, '/attempts')).then((r) => r.attempts);
