// One browser's worth of the console API over real HTTP: it keeps the session cookie and the CSRF
// token like the console app does, and sends the server's own Origin on every request.
import { SESSION_COOKIE } from '../../server/accounts/session-cookie.ts';
import type { AuditEntryView, SessionInfo } from '../../common/console-wire.ts';

export interface Answer<T = unknown> {
  status: number;
  body: T;
  headers: Headers;
}

export class ConsoleClient {
  cookie: string | null = null;
  csrfToken: string | null = null;
  constructor(readonly baseUrl: string) {}

  async request<T = unknown>(method: string, path: string, body?: unknown, extra: Record<string, string> = {}): Promise<Answer<T>> {
    const headers: Record<string, string> = { Origin: new URL(this.baseUrl).origin };
    if (this.cookie) headers.Cookie = `${SESSION_COOKIE}=${this.cookie}`;
    if (this.csrfToken) headers['X-CSRF-Token'] = this.csrfToken;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const res = await fetch(new URL(`/api/v1/console${path}`, this.baseUrl), {
      method,
      headers: { ...headers, ...extra },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const setCookie = res.headers.get('set-cookie');
    if (setCookie?.startsWith(`${SESSION_COOKIE}=`)) this.cookie = setCookie.slice(SESSION_COOKIE.length + 1).split(';')[0] || null;
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text === '' ? undefined : JSON.parse(text);
    } catch {
      // not JSON (the ndjson export): the text as it came
    }
    const answer = { status: res.status, body: parsed as T, headers: res.headers };
    if (answer.status === 200 && (parsed as Partial<SessionInfo> | undefined)?.csrfToken) this.csrfToken = (parsed as SessionInfo).csrfToken;
    return answer;
  }

  login(email: string, password: string, totp?: string): Promise<Answer<SessionInfo>> {
    return this.request<SessionInfo>('POST', '/session', { email, password, ...(totp ? { totp } : {}) });
  }
}

/** The token in a console link (`…/console/#set-password=<token>`). */
export const linkToken = (link: string): string => link.slice(link.indexOf('=') + 1);

/** The newest audit entry of `action`, as an administrator's client reads it (undefined when there is none). */
export async function lastAuditEntry(admin: ConsoleClient, action: string): Promise<AuditEntryView | undefined> {
  const { body } = await admin.request<{ entries: AuditEntryView[] }>('GET', `/audit?action=${encodeURIComponent(action)}&limit=1000`);
  return body.entries.at(-1);
}
