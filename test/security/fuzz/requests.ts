// One arbitrary per endpoint, each producing malformed (and now and then valid) requests.
import fc from 'fast-check';
import {
  NASTY_STRINGS,
  OPERATOR_VALUES,
  contentType,
  jsonBodyBytes,
  nastyString,
  nastyValue,
  deepNesting,
  INVALID_UTF8,
} from './inputs.ts';

export interface FuzzRequest {
  endpoint: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
}

/** A whole request written to a socket byte for byte, for what HTTP clients refuse to send. */
export interface RawRequest {
  endpoint: string;
  bytes: (hostHeader: string) => Buffer;
}

export interface FuzzTokens {
  /** The victim's token: only ever used with requests that must not change anything. */
  victim: string;
  /** Tokens of throwaway conversations the fuzzer may write to. */
  fuzzers: string[];
  /** Tokens the DELETE fuzz may spend. */
  disposable: string[];
  victimChannel: string;
  fuzzerChannels: string[];
}

/** Byte-wise percent-encoding: works for lone surrogates, which encodeURIComponent rejects. */
export function percentEncode(s: string): string {
  return [...Buffer.from(s, 'utf8')]
    .map((b) => (/[A-Za-z0-9_.~-]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `%${b.toString(16).padStart(2, '0').toUpperCase()}`))
    .join('');
}

/** Same compact token once decoded: a change to a part's last character may touch only padding bits. */
function sameDecoded(a: string, b: string): boolean {
  const pa = a.split('.');
  const pb = b.split('.');
  return pa.length === pb.length && pa.every((part, k) => Buffer.from(part, 'base64url').equals(Buffer.from(pb[k]!, 'base64url')));
}

/** The token with one character changed, at `at` or the next place where the change is real. */
function tamper(token: string, at: number, ch: string): string {
  for (let k = 0; k < token.length; k++) {
    const i = (at + k) % token.length;
    const replacement = token[i] === ch ? (ch === 'A' ? 'B' : 'A') : ch;
    const changed = token.slice(0, i) + replacement + token.slice(i + 1);
    if (!sameDecoded(changed, token)) return changed;
  }
  throw new Error('no character of the token can be changed');
}

const BAD_AUTH_HEADERS = [
  'Bearer',
  'Bearer ',
  'bearer abc',
  'Basic YWRtaW46YWRtaW4=',
  'Bearer a.b.c.d',
  'Bearer a.b.c.d.e.f',
  'Bearer ....',
  'Bearer eyJhbGciOiJub25lIn0.e30.',
  'Bearer {"$ne":null}',
  'Bearer null',
  `Bearer ${'a'.repeat(5_000)}`,
  `Bearer ${'a'.repeat(20_000)}`,
];

/** Authorization header values: missing, garbage, tampered victim tokens, and (optionally) real ones. */
function authorization(tokens: FuzzTokens, real: string[]): fc.Arbitrary<string | undefined> {
  const parts: Array<fc.WeightedArbitrary<string | undefined>> = [
    { weight: 1, arbitrary: fc.constant(undefined) },
    { weight: 2, arbitrary: fc.constantFrom(...BAD_AUTH_HEADERS) },
    {
      weight: 2,
      arbitrary: fc
        .tuple(fc.nat(), fc.constantFrom('A', '_', '-', '.', 'z'))
        .map(([at, ch]) => `Bearer ${tamper(tokens.victim, at, ch)}`),
    },
    { weight: 1, arbitrary: fc.string({ maxLength: 60 }).map((s) => `Bearer ${s}`) },
  ];
  if (real.length > 0) parts.push({ weight: 6, arbitrary: fc.constantFrom(...real).map((t) => `Bearer ${t}`) });
  return fc.oneof(...parts);
}

function withHeaders(
  base: Omit<FuzzRequest, 'headers'>,
  type: string | undefined,
  auth: string | undefined,
  extra: Record<string, string> = {},
): FuzzRequest {
  const headers: Record<string, string> = { ...extra };
  if (type) headers['content-type'] = type;
  if (auth !== undefined) headers.authorization = auth;
  return { ...base, headers };
}

const MASS_ASSIGNMENT_KEYS = ['role', 'senderType', 'sender', 'tenantId', 'conversationId', 'id', '$where', 'createdAt', 'botId'];

const validClientId = fc.stringMatching(/^[A-Za-z0-9_-]{1,64}$/);
const invalidClientId: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(...OPERATOR_VALUES),
  fc.constantFrom(null, 0, 1, true, [], {}, ['a'], 'a b', 'a$b', '', 'x'.repeat(65), '\u202eid', 'id\u200b'),
);
const invalidText: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(...OPERATOR_VALUES),
  fc.constantFrom(null, 0, true, [], {}, '', '   ', '\u0000', 'a\u0007b', '\ud800', 'x\udc00', 'x'.repeat(4_001)),
);

/** POST /api/v1/messages with a fuzzer's (or no, or a bad) token: anything goes. */
export function postMessage(tokens: FuzzTokens): fc.Arbitrary<FuzzRequest> {
  const fields = fc
    .tuple(
      fc.record(
        { clientId: fc.oneof(validClientId, nastyValue), text: nastyValue, action: nastyValue },
        { requiredKeys: [] },
      ),
      fc.dictionary(fc.constantFrom(...MASS_ASSIGNMENT_KEYS), nastyValue, { maxKeys: 2 }),
    )
    .map(([known, extra]) => ({ ...known, ...extra }));
  return fc
    .tuple(jsonBodyBytes(fields), contentType, authorization(tokens, tokens.fuzzers))
    .map(([body, type, auth]) => withHeaders({ endpoint: 'POST /api/v1/messages', method: 'POST', path: '/api/v1/messages', body }, type, auth));
}

/** POST /api/v1/messages with the victim's token and a body that can never be a valid message. */
export function postMessageAsVictim(tokens: FuzzTokens): fc.Arbitrary<FuzzRequest> {
  const body = fc.oneof(
    fc.record({ clientId: invalidClientId, text: fc.constantFrom('hello', 'hi there') }).map((o) => Buffer.from(JSON.stringify(o))),
    fc.record({ clientId: validClientId, text: invalidText }).map((o) => Buffer.from(JSON.stringify(o))),
    fc.record({ clientId: validClientId, action: fc.constantFrom(...OPERATOR_VALUES) }).map((o) => Buffer.from(JSON.stringify(o))),
    fc.constantFrom('{"clientId":"x","text":"hi",}', '{"clientId":"x"', 'NaN', 'null', '[]', '{}', '""', '').map((t) => Buffer.from(t)),
    fc.constantFrom(...INVALID_UTF8).map((bad) => Buffer.concat([Buffer.from('{"clientId":"ok","text":"'), bad, Buffer.from('"}')])),
    fc.constantFrom(5_000, 100_000).map((depth) => Buffer.from(deepNesting(depth, 'array'))),
  );
  return body.map((b) =>
    withHeaders({ endpoint: 'POST /api/v1/messages', method: 'POST', path: '/api/v1/messages', body: b }, 'application/json', `Bearer ${tokens.victim}`),
  );
}

/** POST /api/v1/typing: a boolean, or anything else; it stores nothing, so the victim's token is fair game. */
export function postTyping(tokens: FuzzTokens): fc.Arbitrary<FuzzRequest> {
  const fields = fc
    .tuple(
      fc.record({ typing: fc.oneof(fc.boolean(), nastyValue) }, { requiredKeys: [] }),
      fc.dictionary(fc.constantFrom(...MASS_ASSIGNMENT_KEYS, 'who', 'handoverId'), nastyValue, { maxKeys: 2 }),
    )
    .map(([known, extra]) => ({ ...known, ...extra }));
  return fc
    .tuple(jsonBodyBytes(fields), contentType, authorization(tokens, [tokens.victim, ...tokens.fuzzers]))
    .map(([body, type, auth]) => withHeaders({ endpoint: 'POST /api/v1/typing', method: 'POST', path: '/api/v1/typing', body }, type, auth));
}

/** POST /api/v1/rating: scores in and out of 1–5, comments of every shape, a handover id slipped in. */
export function postRating(tokens: FuzzTokens): fc.Arbitrary<FuzzRequest> {
  const fields = fc
    .tuple(
      fc.record(
        { score: fc.oneof(fc.integer({ min: -1, max: 7 }), fc.constantFrom(2.5, Number.MAX_VALUE, -0, '5'), nastyValue), comment: fc.oneof(nastyString, nastyValue) },
        { requiredKeys: [] },
      ),
      fc.dictionary(fc.constantFrom(...MASS_ASSIGNMENT_KEYS, 'handoverId', 'rating'), nastyValue, { maxKeys: 2 }),
    )
    .map(([known, extra]) => ({ ...known, ...extra }));
  return fc
    .tuple(jsonBodyBytes(fields), contentType, authorization(tokens, tokens.fuzzers))
    .map(([body, type, auth]) => withHeaders({ endpoint: 'POST /api/v1/rating', method: 'POST', path: '/api/v1/rating', body }, type, auth));
}

const queryValue = fc.oneof(
  fc.nat().map(String),
  fc.constantFrom('-1', '1e309', '0x10', '1.5', '9'.repeat(30), '', 'null', '[object%20Object]'),
  nastyString.map(percentEncode),
);

/** GET /api/v1/messages?… : read-only, so the victim's token is fair game. */
export function getMessages(tokens: FuzzTokens): fc.Arbitrary<FuzzRequest> {
  const pair = fc.oneof(
    queryValue.map((v) => `after=${v}`),
    queryValue.map((v) => `limit=${v}`),
    fc.constantFrom('after[$gt]=', 'after[$ne]=null', 'after=1&after=2', 'after[]=1', '__proto__[x]=1', 'constructor[prototype][x]=1', 'after=%00', 'after=%ZZ', 'after=%', 'after=%c3%28', '%ff=1'),
    fc.tuple(nastyString.map(percentEncode), queryValue).map(([k, v]) => `${k}=${v}`),
  );
  return fc
    .tuple(fc.array(pair, { maxLength: 3 }), authorization(tokens, [tokens.victim, ...tokens.fuzzers]))
    .map(([pairs, auth]) =>
      withHeaders({ endpoint: 'GET /api/v1/messages', method: 'GET', path: `/api/v1/messages${pairs.length ? `?${pairs.join('&')}` : ''}` }, undefined, auth),
    );
}

/** POST /api/v1/realtime/auth: pusher-js's form body, with V1's malformed socket ids and channels. */
export function channelAuth(tokens: FuzzTokens): fc.Arbitrary<FuzzRequest> {
  const socketId = fc.oneof(
    fc.tuple(fc.nat(), fc.nat()).map(([a, b]) => `${a}.${b}`),
    fc.constantFrom('1.1:private-chat-x', '1.1\n', '-1.1', 'abc', '1.1.1', '', '1'.repeat(10_000), '1.1 ', ' 1.1', '١.١'),
    nastyString,
  );
  const channel = fc.oneof(
    fc.constantFrom(tokens.victimChannel, ...tokens.fuzzerChannels),
    fc.constantFrom('presence-chat-x', 'private-encrypted-chat-x', 'private-chat-a:b', 'private-chat-' + 'x'.repeat(200), 'private-chätt', 'public', '', `${tokens.victimChannel}:x`),
    nastyString,
  );
  const body = fc.oneof(
    { weight: 6, arbitrary: fc.tuple(socketId, channel).map(([s, c]) => `socket_id=${percentEncode(s)}&channel_name=${percentEncode(c)}`) },
    {
      weight: 2,
      arbitrary: fc.constantFrom(
        'socket_id=1.1&socket_id=2.2&channel_name=private-chat-x',
        'socket_id[]=1.1&channel_name=private-chat-x',
        'socket_id[$gt]=&channel_name[$ne]=',
        '__proto__[admin]=1&socket_id=1.1&channel_name=x',
        'socket_id=%ff&channel_name=%c3%28',
        'socket_id=1.1&channel_name=' + 'x'.repeat(5_000),
        '',
        '&&&===',
      ),
    },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }).map((v) => JSON.stringify(v) ?? '') },
  );
  const type = fc.oneof(
    { weight: 5, arbitrary: fc.constant('application/x-www-form-urlencoded') },
    { weight: 1, arbitrary: fc.constantFrom('application/json', 'text/plain', 'application/x-www-form-urlencoded; charset=latin1', '') },
  );
  return fc
    .tuple(body, type, authorization(tokens, [tokens.victim, ...tokens.fuzzers]))
    .map(([b, t, auth]) =>
      withHeaders({ endpoint: 'POST /api/v1/realtime/auth', method: 'POST', path: '/api/v1/realtime/auth', body: Buffer.from(b) }, t, auth),
    );
}

/** POST /api/v1/sessions: bot, origin, locale, resume, identity; the Origin header too. */
export function createSession(tokens: FuzzTokens, ownOrigin: string): fc.Arbitrary<FuzzRequest> {
  const tampered = fc.tuple(fc.nat(), fc.constantFrom('A', '_', '.')).map(([at, ch]) => tamper(tokens.victim, at, ch));
  const fields = fc
    .tuple(
      fc.record(
        {
          bot: fc.oneof(fc.constant('demo'), fc.constantFrom('Demo', 'demo ', '../demo', 'demo\u0000', '__proto__', 'constructor'), nastyValue),
          origin: fc.oneof(fc.constantFrom('http://localhost:5173', 'https://evil.example', 'null', 'javascript:alert(1)', 'http://localhost:5173.evil.example'), nastyValue),
          locale: fc.oneof(fc.constantFrom('en', 'nb', 'es', 'xx', 'en-US', 'en_US'), nastyValue),
          resume: fc.oneof(tampered, fc.constantFrom(...tokens.fuzzers), nastyValue),
          identity: fc.oneof(fc.constantFrom('eyJhbGciOiJub25lIn0.e30.', 'a.b.c'), nastyValue),
        },
        { requiredKeys: [] },
      ),
      fc.dictionary(fc.constantFrom(...MASS_ASSIGNMENT_KEYS, 'visitorId', 'access'), nastyValue, { maxKeys: 2 }),
    )
    .map(([known, extra]) => ({ ...known, ...extra }));
  const originHeader = fc.constantFrom(undefined, ownOrigin, 'https://evil.example', 'null', 'http://localhost:5173', `${ownOrigin}.evil.example`);
  return fc
    .tuple(jsonBodyBytes(fields), contentType, originHeader)
    .map(([body, type, origin]) =>
      withHeaders({ endpoint: 'POST /api/v1/sessions', method: 'POST', path: '/api/v1/sessions', body }, type, undefined, origin ? { origin } : {}),
    );
}

/** DELETE /api/v1/conversation: bad tokens, and throwaway conversations' real ones. */
export function deleteConversation(tokens: FuzzTokens): fc.Arbitrary<FuzzRequest> {
  const junk = fc.oneof(fc.constant(undefined), fc.constantFrom(...NASTY_STRINGS.slice(0, 12)).map((s) => Buffer.from(JSON.stringify({ id: s }))));
  const query = fc.oneof(fc.constant(''), fc.constantFrom('?id=victim', '?conversationId[$ne]=null', '?__proto__[x]=1', '?%00'));
  return fc
    .tuple(junk, query, authorization(tokens, tokens.disposable), contentType)
    .map(([body, q, auth, type]) =>
      withHeaders(
        { endpoint: 'DELETE /api/v1/conversation', method: 'DELETE', path: `/api/v1/conversation${q}`, ...(body ? { body } : {}) },
        body ? type : undefined,
        auth,
      ),
    );
}

/** GET /api/v1/conversation/export: read-only, so the victim's token is fair game; queries and bodies it must ignore. */
export function getExport(tokens: FuzzTokens): fc.Arbitrary<FuzzRequest> {
  const query = fc.oneof(fc.constant(''), fc.constantFrom('?conversationId=victim', '?conversationId[$ne]=null', '?sub=ada', '?__proto__[x]=1', '?%00', '?audience=administrator'));
  return fc
    .tuple(query, authorization(tokens, [tokens.victim, ...tokens.fuzzers]))
    .map(([q, auth]) => withHeaders({ endpoint: 'GET /api/v1/conversation/export', method: 'GET', path: `/api/v1/conversation/export${q}` }, undefined, auth));
}

const PATH_PREFIXES = ['/', '/api/v1/messages', '/api/v1/conversation/export', '/api/v1/sessions', '/api/v1/conversation', '/api/v1/typing', '/api/v1/rating', '/assets/', '/widget.js', '/frame.html', '/.well-known/security.txt', '/healthz', '/readyz', '/apps/1/events', '/app/key'];
const PATH_TRICKS = [
  '../../../../etc/passwd',
  '..%2f..%2f..%2fpackage.json',
  '%2e%2e/%2e%2e/package.json',
  '%2e%2e%2f%2e%2e%2fdata%2fsecrets.json',
  '....//....//package.json',
  '..\\..\\package.json',
  '//etc/passwd',
  '/./././',
  '%00',
  '%2500',
  'file%00.js',
  '%c0%ae%c0%ae/%c0%ae%c0%ae/package.json',
  '%ff%fe',
  '?%0d%0aX-Injected:%201',
  '%0d%0aX-Injected:%201',
  '#fragment',
  ';jsessionid=1',
  '~',
  '.git/config',
  '.env',
];
const METHODS = ['GET', 'POST', 'DELETE', 'PUT', 'PATCH', 'OPTIONS', 'HEAD', 'TRACE', 'FOO'];
const RAW_HEADER_LINES = [
  'X-Test: a\rX-Injected: 1',
  'X-Test: a\nX-Injected: 1',
  'X-Forwarded-Proto: https\r\nX-Forwarded-For: 1.2.3.4, 5.6.7.8',
  'X-Forwarded-Host: evil.example',
  'Content-Length: -1',
  'Content-Length: 5\r\nTransfer-Encoding: chunked',
  'Transfer-Encoding: chunked, identity',
  'Bad Header: 1',
  'X-Folded: a\r\n continued',
  'X-Latin: \u00ff\u00fe',
  `X-Long: ${'a'.repeat(20_000)}`,
  'Authorization: Bearer \u00e9\u00e9',
  'Origin: null',
  'Cookie: __proto__=1; constructor=2',
  'Accept-Encoding: gzip;q=NaN',
  'Range: bytes=99999999999999999999-',
];

/** Path tricks and header abuse, written raw so no client library sanitizes them. */
export function rawRequest(): fc.Arbitrary<RawRequest> {
  return fc
    .tuple(
      fc.constantFrom(...METHODS),
      fc.constantFrom(...PATH_PREFIXES),
      fc.constantFrom(...PATH_TRICKS),
      fc.subarray(RAW_HEADER_LINES, { maxLength: 2 }),
      fc.option(fc.constantFrom(...INVALID_UTF8)),
    )
    .map(([method, prefix, trick, headerLines, badBytes]) => ({
      endpoint: 'raw: path tricks and header abuse',
      bytes: (host: string) => {
        const head = [`${method} ${prefix}${trick} HTTP/1.1`, `Host: ${host}`, ...headerLines, 'Connection: close'];
        const body = badBytes ?? Buffer.alloc(0);
        if (body.length && !headerLines.some((l) => /content-length|transfer-encoding/i.test(l))) head.push(`Content-Length: ${body.length}`);
        return Buffer.concat([Buffer.from(head.join('\r\n') + '\r\n\r\n', 'latin1'), body]);
      },
    }));
}

const METRICS_METHODS = ['GET', 'GET', 'GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];
/** Over the 16 KiB the server reads of headers (431), and just under it. */
const HUGE = ['a'.repeat(16_000), 'a'.repeat(17_000), 'a'.repeat(40_000)];

/** GET /metrics (and other methods): the bearer right, near-right, wrong or huge; odd query strings; huge headers. */
export function getMetrics(token: string): fc.Arbitrary<FuzzRequest> {
  const auth = fc.oneof(
    { weight: 2, arbitrary: fc.constant(`Bearer ${token}`) },
    { weight: 1, arbitrary: fc.constant(undefined) },
    { weight: 2, arbitrary: fc.constantFrom(...BAD_AUTH_HEADERS) },
    {
      weight: 2,
      arbitrary: fc.constantFrom(
        `bearer ${token}`,
        `Bearer  ${token}`,
        `Bearer ${token} `,
        `Bearer ${token}x`,
        `Bearer ${token.slice(0, -1)}`,
        `Bearer ${token.toUpperCase()}`,
        `Basic ${Buffer.from(`metrics:${token}`).toString('base64')}`,
        token,
        `Bearer ${token},Bearer ${token}`,
        `Bearer ${percentEncode(token)}%00`,
      ),
    },
    { weight: 1, arbitrary: fc.constantFrom(...HUGE).map((junk) => `Bearer ${junk}`) },
    { weight: 1, arbitrary: fc.string({ maxLength: 60 }).map((s) => `Bearer ${s}`) },
  );
  const query = fc.oneof(
    fc.constant(''),
    fc.constantFrom('?name[]=x', '?name=process_cpu_seconds_total', '?format=json', '?%00', '?%ff', '?__proto__[x]=1', '?a=%c3%28', `?token=${token}`, `?${'a='.repeat(2_000)}`),
    fc.array(nastyString.map(percentEncode), { minLength: 1, maxLength: 3 }).map((parts) => `?${parts.join('&')}`),
  );
  const extra = fc.oneof(
    { weight: 4, arbitrary: fc.constant({}) },
    { weight: 1, arbitrary: fc.constantFrom(...HUGE).map((junk): Record<string, string> => ({ 'x-junk': junk })) },
    { weight: 1, arbitrary: fc.constantFrom<Record<string, string>>({ accept: 'application/json' }, { 'accept-encoding': 'gzip;q=NaN' }, { origin: 'null' }, { cookie: '__proto__=1' }) },
  );
  const body = fc.option(fc.constantFrom('{}', '{"token":"x"}', 'name=x', ''), { nil: undefined });
  return fc.tuple(fc.constantFrom(...METRICS_METHODS), auth, query, extra, body).map(([method, authorization, q, headers, text]) => {
    // A body only where it can be framed: Node's client would send DELETE's and OPTIONS's unframed, as the next request's bytes.
    const sent = text !== undefined && method !== 'GET' && method !== 'HEAD' ? Buffer.from(text) : undefined;
    return withHeaders(
      { endpoint: '/metrics', method, path: `/metrics${q}`, ...(sent ? { body: sent } : {}) },
      sent ? 'application/json' : undefined,
      authorization,
      sent ? { ...headers, 'content-length': String(sent.length) } : headers,
    );
  });
}
