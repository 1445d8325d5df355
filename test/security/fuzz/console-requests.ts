// One arbitrary per console route (common/console-wire.ts). Each request carries one of several
// session shapes: mostly a real administrator's cookie, CSRF token and Origin, so it gets past the
// session and CSRF checks and reaches validation; else no session, a broken cookie, a wrong token
// or Origin, or an operator's session. Every body that reaches a handler is invalid by
// construction (at least one bad or missing field, or a wrong password), so no request may change
// a user: the test checks that it did not.
import fc from 'fast-check';
import { SESSION_COOKIE } from '../../../server/accounts/session-cookie.ts';
import { INVALID_UTF8, OPERATOR_VALUES, contentType, jsonBodyBytes, nastyString } from './inputs.ts';
import { percentEncode, type FuzzRequest } from './requests.ts';
import { CONSOLE_ROLES } from '../../../common/console-wire.ts';
import type { z } from 'zod';
import { noteRequest } from '../../../common/handover-wire-schemas.ts';
import { webhookRotateRequest } from '../../../common/webhooks-wire-schemas.ts';

export interface ConsoleFuzzContext {
  ownOrigin: string;
  admin: { cookie: string; csrf: string; id: string };
  operator: { cookie: string; csrf: string; id: string };
  /** The administrator's password: never sent, so no password check can pass. */
  password: string;
  /** A handover the administrator holds: what the handover routes' requests aim at (taking it again changes nothing). */
  handoverId: string;
  /** Its conversation: what the conversation browser's requests aim at (viewing it changes nothing but the audit log). */
  conversationId: string;
  /** A webhook the administrator made: what the webhook routes' invalid patches and rotations aim at. */
  webhookId: string;
}

const PREFIX = '/api/v1/console';

/** A value that may be any JSON, but is never what the field wants. */
const wrongType: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(...OPERATOR_VALUES),
  fc.constantFrom(null, 0, -1, 1.5, true, false, [], {}, ['a'], { '__proto__': { admin: true } }, Number.MAX_SAFE_INTEGER + 2),
);

/** Strings that fail a shape check by being empty, huge, badly formed or full of controls. */
const badString = fc.constantFrom('', '\u0000', 'a\u0007b', '\ud800', 'x\udc00y', '\u202e', 'x'.repeat(1_025), '🦄'.repeat(300), 'e' + '\u0301'.repeat(10_000));

/** An unknown field that a strict schema must refuse (mass assignment, operators, prototype keys). */
const MASS_KEYS = ['passwordHash', 'sessionVersion', 'totpSecret', 'recoveryCodes', 'failedLogins', 'lockedUntil', 'id', 'role.admin', '$where', '$set', 'constructor'];
const extraKeys = fc.dictionary(fc.constantFrom(...MASS_KEYS), fc.oneof(wrongType, nastyString, fc.constant('administrator')), { minKeys: 1, maxKeys: 2 });

type Field = { ok: boolean; value?: unknown };
const good = (arb: fc.Arbitrary<unknown>): fc.Arbitrary<Field> => arb.map((value) => ({ ok: true, value }));
const bad = (arb: fc.Arbitrary<unknown>): fc.Arbitrary<Field> => arb.map((value) => ({ ok: false, value }));
const field = (valid: fc.Arbitrary<unknown>, invalid: fc.Arbitrary<unknown>, absentOk: boolean): fc.Arbitrary<Field> =>
  fc.oneof(good(valid), bad(invalid), fc.constant({ ok: absentOk }));

/**
 * An object body from tagged fields, kept only when at least one field is wrong (or an unknown
 * key is added): a valid invitation or patch would really change users.
 */
function invalidObject(fields: Record<string, fc.Arbitrary<Field>>, emptyOk = true): fc.Arbitrary<Record<string, unknown>> {
  return fc
    .tuple(fc.record(fields), fc.option(extraKeys, { freq: 4 }))
    .filter(([f, extra]) => extra !== null || Object.values(f).some((x) => !x.ok) || (!emptyOk && Object.values(f).every((x) => !('value' in x))))
    .map(([f, extra]) => {
      const body: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(f)) if ('value' in x) body[k] = x.value;
      // Object.assign would set the prototype for a '__proto__' key; defineProperty keeps it data.
      for (const [k, v] of Object.entries(extra ?? {})) Object.defineProperty(body, k, { value: v, enumerable: true });
      return body;
    });
}

const notEmail = fc.oneof(wrongType, badString, nastyString.filter((s) => !s.includes('@')), fc.constantFrom('a@', '@b', 'a b@c', `${'a'.repeat(65)}@x`, `a@${'b'.repeat(254)}`));
/** Addresses of nobody: a guess at a real account would lock it (which is the lock's job). */
const strangerEmail = fc.constantFrom('nobody@example.test', 'NOBODY@EXAMPLE.TEST', 'x@y', 'a.b@c.d', '"q"@example.test');
const password = (ctx: ConsoleFuzzContext): fc.Arbitrary<string> => nastyString.filter((s) => s !== ctx.password && s.length > 0);
const role = fc.constantFrom(...CONSOLE_ROLES);
const notRole = fc.oneof(wrongType, fc.constantFrom('owner', 'Administrator', 'administrator ', 'root', '', '__proto__', 'constructor'));
const notBots = fc.oneof(
  fc.constantFrom(...OPERATOR_VALUES, 'demo', null, 0, {}, ['Demo'], ['../demo'], ['demo\u0000'], [''], [{ $ne: null }], ['-x'], Array.from({ length: 101 }, (_, i) => `b${i}`)),
);
/** Raw bodies JSON.stringify cannot write: 1e309, duplicate and prototype keys, bad bytes. */
const rawBodies = (keys: string[]): string[] =>
  keys.flatMap((k) => [`{"${k}":1e309}`, `{"${k}":-0,"${k}":"x"}`, `{"__proto__":{"${k}":"x"}}`, `{"${k}":"\\ud800"}`, `{"${k}.x":1}`, `{"${k}":{"$gt":""}}`]);

/** `rawKeys`: the keys of the raw bodies, when a duplicate key's last value ("x") would be valid for one of `keys`. */
function body(fields: fc.Arbitrary<Record<string, unknown>>, keys: string[], rawKeys = keys): fc.Arbitrary<Buffer> {
  return fc.oneof(
    { weight: 5, arbitrary: jsonBodyBytes(fields) },
    { weight: 1, arbitrary: fc.constantFrom(...rawBodies(rawKeys)).map((t) => Buffer.from(t)) },
    {
      weight: 1,
      arbitrary: fc
        .tuple(fc.constantFrom(...keys), fc.constantFrom(...INVALID_UTF8))
        .map(([k, b]) => Buffer.concat([Buffer.from(`{"${k}":"`), b, Buffer.from('"}')])),
    },
  );
}

/** Header values Node will send (latin1, no CR/LF), hostile all the same. */
const headerValue = fc.oneof(
  fc.constantFrom('', ' ', 'null', '{"$ne":null}', '__proto__', 'a'.repeat(8_000), '\u00ff\u00fe', '%0d%0aX-Injected: 1', '..%2f..%2f', '1e309', 'undefined'),
  fc.string({ unit: fc.integer({ min: 0x20, max: 0xff }).map((c) => String.fromCharCode(c === 0x7f ? 0x20 : c)), maxLength: 60 }),
);

type SessionKind = 'admin' | 'none' | 'bad-csrf' | 'bad-origin' | 'bad-cookie' | 'operator';

function sessionHeaders(ctx: ConsoleFuzzContext, kinds: SessionKind[]): fc.Arbitrary<Record<string, string>> {
  const weights: Record<SessionKind, number> = { admin: 6, none: 1, 'bad-csrf': 1, 'bad-origin': 1, 'bad-cookie': 1, operator: 1 };
  const cookie = (token: string) => `${SESSION_COOKIE}=${token}`;
  const of: Record<SessionKind, fc.Arbitrary<Record<string, string>>> = {
    admin: fc.constant({ cookie: cookie(ctx.admin.cookie), 'x-csrf-token': ctx.admin.csrf, origin: ctx.ownOrigin }),
    operator: fc.constant({ cookie: cookie(ctx.operator.cookie), 'x-csrf-token': ctx.operator.csrf, origin: ctx.ownOrigin }),
    none: fc.option(fc.constantFrom(ctx.ownOrigin, 'https://evil.example'), { nil: undefined }).map((o): Record<string, string> => (o ? { origin: o } : {})),
    'bad-csrf': fc
      .oneof(headerValue, fc.constant(ctx.operator.csrf), fc.constant(ctx.admin.csrf.slice(0, -1)), fc.constant(`${ctx.admin.csrf}x`))
      .map((t) => ({ cookie: cookie(ctx.admin.cookie), 'x-csrf-token': t, origin: ctx.ownOrigin })),
    'bad-origin': fc
      .oneof(fc.constantFrom('https://evil.example', 'null', `${ctx.ownOrigin}.evil.example`, `${ctx.ownOrigin}/`, ctx.ownOrigin.toUpperCase()), headerValue)
      .map((o) => ({ cookie: cookie(ctx.admin.cookie), 'x-csrf-token': ctx.admin.csrf, origin: o })),
    'bad-cookie': fc
      .oneof(
        headerValue.map(cookie),
        headerValue,
        fc.constantFrom(`${cookie('x')}; ${cookie(ctx.admin.cookie)}`, `__proto__=1; ${cookie(ctx.admin.cookie.slice(1))}`, cookie(ctx.admin.cookie.toUpperCase())),
      )
      .map((c) => ({ cookie: c, 'x-csrf-token': ctx.admin.csrf, origin: ctx.ownOrigin })),
  };
  return fc.oneof(...kinds.map((k) => ({ weight: weights[k], arbitrary: of[k] })));
}

const ALL_KINDS: SessionKind[] = ['admin', 'none', 'bad-csrf', 'bad-origin', 'bad-cookie', 'operator'];
/** DELETE /session and end-all would really end a session that passes: only refused shapes. */
const REFUSED_KINDS: SessionKind[] = ['none', 'bad-csrf', 'bad-origin', 'bad-cookie'];

function request(
  ctx: ConsoleFuzzContext,
  method: string,
  route: string,
  parts: { path?: fc.Arbitrary<string>; body?: fc.Arbitrary<Buffer | undefined>; kinds?: SessionKind[] },
): fc.Arbitrary<FuzzRequest> {
  return fc
    .tuple(
      parts.path ?? fc.constant(route),
      parts.body ?? fc.constant(undefined),
      sessionHeaders(ctx, parts.kinds ?? ALL_KINDS),
      contentType,
      fc.option(fc.tuple(fc.constantFrom('x-forwarded-for', 'accept', 'x-csrf-token', 'content-length-x', 'cookie2'), headerValue), { freq: 5 }),
    )
    .map(([path, b, session, type, extra]) => {
      const headers: Record<string, string> = { ...session };
      if (b !== undefined) headers['content-type'] = type;
      // Node's client frames a DELETE body by neither length nor chunks; a real client sends the length.
      if (b !== undefined && method === 'DELETE') headers['content-length'] = String(b.length);
      if (extra && !(extra[0] in headers)) headers[extra[0]] = extra[1];
      return { endpoint: `${method} ${PREFIX}${route}`, method, path: `${PREFIX}${path}`, headers, ...(b !== undefined ? { body: b } : {}) };
    });
}

const junkBody: fc.Arbitrary<Buffer | undefined> = fc.option(jsonBodyBytes(fc.dictionary(fc.constantFrom('id', 'all', '__proto__', '$ne'), wrongType)), { nil: undefined });

const queryValue = fc.oneof(
  fc.nat().map(String),
  fc.constantFrom('-1', '0', '1e309', '0x10', '1.5', '9'.repeat(30), '', 'null', '%ff', '%c3%28', '%00', '%', '%ZZ'),
  nastyString.map(percentEncode),
);

/**
 * A query string of up to `max` pairs: each a known key with any value or one of `values`, or one
 * of `tricks` (operator, array, injection and duplicate shapes) whole.
 */
function queryOf(keys: string[], values: string[], tricks: string[], max: number): fc.Arbitrary<string> {
  return fc
    .array(fc.oneof(fc.tuple(fc.constantFrom(...keys), fc.oneof(queryValue, fc.constantFrom(...values))).map(([k, v]) => `${k}=${v}`), fc.constantFrom(...tricks)), { maxLength: max })
    .map((pairs) => (pairs.length ? `?${pairs.join('&')}` : ''));
}

const query = fc
  .array(
    fc.oneof(
      fc.tuple(fc.constantFrom('afterSeq', 'limit', 'actor', 'action'), queryValue).map(([k, v]) => `${k}=${v}`),
      fc.constantFrom('actor[$ne]=null', 'limit[$gt]=', 'afterSeq[]=1', 'limit=1&limit=2', '__proto__[x]=1', 'constructor[prototype][x]=1', 'action.x=1', '%ff=1', '&&=&'),
      fc.tuple(nastyString.map(percentEncode), queryValue).map(([k, v]) => `${k}=${v}`),
    ),
    { maxLength: 3 },
  )
  .map((pairs) => (pairs.length ? `?${pairs.join('&')}` : ''));

/** Every console route with its count in the plan (the Argon2id-checking ones are fewer: each costs a hash). */
export function consoleRoutes(ctx: ConsoleFuzzContext): Array<{ arbitrary: fc.Arbitrary<FuzzRequest>; count: number }> {
  const pw = password(ctx);
  const linkToken = fc.oneof(fc.stringMatching(/^[A-Za-z0-9_-]{43}$/), fc.constantFrom('A'.repeat(42), 'A'.repeat(44), `${'A'.repeat(42)}=`));
  const totpCode = nastyString.filter((s) => !/^\s*\d{6}\s*$/.test(s));
  const userId = fc.oneof(
    fc.constantFrom(ctx.admin.id, ctx.operator.id),
    fc.stringMatching(/^[A-Za-z0-9_-]{22}$/),
    fc.constantFrom('__proto__', 'constructor', '%24gt', '%7B%22%24ne%22%3Anull%7D', '..%2F..%2Fetc', '%00', 'a.b', `${ctx.admin.id}%00`, 'x'.repeat(5_000), '%ff', '%c3%28'),
    nastyString.filter((s) => s.length > 0).map(percentEncode),
  );

  return [
    {
      count: 300,
      arbitrary: request(ctx, 'POST', '/session', {
        body: body(
          invalidObject({ email: field(strangerEmail, notEmail, false), password: field(pw, fc.oneof(wrongType, badString), false), totp: field(pw, wrongType, true) }),
          ['email', 'password', 'totp'],
        ),
      }),
    },
    {
      count: 120,
      arbitrary: request(ctx, 'POST', '/session', {
        // Shapes that pass validation and so reach the Argon2id check, for addresses nobody has.
        body: fc.record({ email: strangerEmail, password: pw }).map((o) => Buffer.from(JSON.stringify(o))),
      }),
    },
    { count: 250, arbitrary: request(ctx, 'GET', '/session', { path: query.map((q) => `/session${q}`) }) },
    { count: 250, arbitrary: request(ctx, 'DELETE', '/session', { body: junkBody, kinds: REFUSED_KINDS }) },
    { count: 250, arbitrary: request(ctx, 'POST', '/session/end-all', { body: junkBody, kinds: REFUSED_KINDS }) },
    {
      count: 250,
      arbitrary: request(ctx, 'POST', '/password', {
        body: body(
          fc.oneof(
            invalidObject({ current: field(pw, fc.oneof(wrongType, badString), false), next: field(pw, fc.oneof(wrongType, badString), false) }),
            // Well-formed, but the current password is wrong: 403 wrong_password, nothing changes.
            fc.record({ current: pw, next: fc.constantFrom('a brand new passphrase 99', ctx.password) }),
          ),
          ['current', 'next'],
        ),
      }),
    },
    {
      count: 300,
      arbitrary: request(ctx, 'POST', '/password/set', {
        body: body(
          fc.oneof(
            invalidObject({ token: field(linkToken, fc.oneof(wrongType, badString, nastyString), false), password: field(pw, fc.oneof(wrongType, badString), false) }),
            // Well-formed, but no such link: 400 invalid_link.
            fc.record({ token: linkToken, password: fc.constant('a perfectly fine passphrase 7') }),
          ),
          ['token', 'password'],
        ),
      }),
    },
    { count: 200, arbitrary: request(ctx, 'POST', '/totp/enroll', { body: junkBody }) },
    {
      count: 250,
      arbitrary: request(ctx, 'POST', '/totp/confirm', {
        body: body(fc.oneof(invalidObject({ code: field(totpCode, fc.oneof(wrongType, badString), false) }), fc.record({ code: totpCode })), ['code']),
      }),
    },
    {
      // No pending sign-in cookie (or a forged one in the cookie header's fuzz): 401 sso_expired past validation.
      count: 200,
      arbitrary: request(ctx, 'POST', '/sso/second-factor', {
        body: body(fc.oneof(invalidObject({ code: field(totpCode, fc.oneof(wrongType, badString), false) }), fc.record({ code: totpCode })), ['code']),
      }),
    },
    { count: 250, arbitrary: request(ctx, 'GET', '/users', { path: query.map((q) => `/users${q}`) }) },
    {
      count: 400,
      arbitrary: request(ctx, 'POST', '/users', {
        body: body(
          invalidObject(
            {
              email: field(fc.constantFrom('new@example.test', 'root@example.test', 'ROOT@example.test'), notEmail, false),
              displayName: field(fc.constantFrom('New', 'x'), fc.oneof(wrongType, badString, fc.constant('   '), fc.constant('x'.repeat(101))), false),
              role: field(role, notRole, false),
              bots: field(fc.constantFrom([], ['demo']), notBots, false),
            },
            false,
          ),
          ['email', 'displayName', 'role', 'bots'],
        ),
      }),
    },
    {
      count: 400,
      arbitrary: request(ctx, 'PATCH', '/users/:id', {
        path: userId.map((id) => `/users/${id}`),
        body: body(
          invalidObject(
            {
              role: field(role, notRole, true),
              bots: field(fc.constantFrom([], ['demo']), notBots, true),
              disabled: field(fc.boolean(), fc.oneof(wrongType, fc.constantFrom('yes', 'true', 1, 0)), true),
              unlock: field(fc.constant(true), fc.oneof(wrongType, fc.constantFrom(false, 'true', 1)), true),
              revealGranted: field(fc.constant(false), fc.oneof(wrongType.filter((v) => typeof v !== 'boolean'), fc.constantFrom('true', 1, 'yes')), true),
            },
            false,
          ),
          ['role', 'bots', 'disabled', 'unlock', 'revealGranted'],
        ),
      }),
    },
    { count: 300, arbitrary: request(ctx, 'GET', '/audit', { path: query.map((q) => `/audit${q}`) }) },
    { count: 60, arbitrary: request(ctx, 'GET', '/audit/export', { path: query.map((q) => `/audit/export${q}`) }) },
    ...handoverRoutes(ctx, userId),
    ...conversationRoutes(ctx),
    ...dataProtectionRoutes(ctx),
    ...reportRoutes(ctx),
    ...webhookRoutes(ctx),
  ];
}

/** The query of GET /conversations: filters of every kind, well-formed or not, and injection shapes. */
const conversationQuery = queryOf(
  ['bot', 'from', 'to', 'locale', 'outcome', 'intent', 'before', 'limit'],
  ['demo', 'nb', 'fallback', 'handed-over', 'rated', 'book_demo', '2030-01-01T00%3A00%3A00Z', 'WzEsIngiXQ', '200', '201'],
  ['outcome[$ne]=x', 'intent[$regex]=.*', 'bot[]=demo', 'locale=en%27%20OR%201%3D1--', 'sort=name%3B%20DROP%20TABLE%20x', 'dir=desc,(select%201)', '__proto__[x]=1', 'from=yesterday'],
  4,
);

/** A report's query (common/report-wire.ts): days valid and not, bots, tables, and query tricks. */
const reportQuery = queryOf(
  ['from', 'to', 'bot', 'table'],
  ['2030-01-01', '2030-01-31', '2030-02-30', '0000-01-01', '9999-12-31', '2030-1-1', 'demo', 'shop', 'Demo', 'daily', 'intents', 'Daily', '..%2Fdemo'],
  ['from[$gt]=', 'bot[]=demo', 'from=2030-01-01&from=2030-01-02', 'table=daily&table=ratings', '__proto__[x]=1', 'to=2030-01-01T00:00:00Z', 'from=0000-01-01&to=9999-12-31'],
  4,
);

/**
 * The conversation browser's routes (common/conversations-wire.ts), aimed mostly at the held
 * handover's conversation; reveal bodies are all invalid, so nothing is revealed.
 */
function conversationRoutes(ctx: ConsoleFuzzContext): Array<{ arbitrary: fc.Arbitrary<FuzzRequest>; count: number }> {
  const conversationId = fc.oneof(
    { weight: 6, arbitrary: fc.constant(ctx.conversationId) },
    { weight: 1, arbitrary: fc.stringMatching(/^[A-Za-z0-9_-]{22}$/) },
    { weight: 2, arbitrary: fc.constantFrom('__proto__', 'filters', '%7B%22%24ne%22%3Anull%7D', '..%2F..%2Fetc', '%00', `${ctx.conversationId}%00`, 'x'.repeat(5_000), '%ff') },
    { weight: 1, arbitrary: nastyString.filter((s) => s.length > 0).map(percentEncode) },
  );
  const reason = field(fc.constant('the visitor asked for a copy'), fc.oneof(wrongType, fc.constantFrom('', 'abc', '\u0000\u0000\u0000\u0000\u0000', 'x'.repeat(501))), false);
  return [
    { count: 200, arbitrary: request(ctx, 'GET', '/conversations', { path: conversationQuery.map((q) => `/conversations${q}`) }) },
    { count: 80, arbitrary: request(ctx, 'GET', '/conversations/filters', { path: query.map((q) => `/conversations/filters${q}`) }) },
    { count: 120, arbitrary: request(ctx, 'GET', '/conversations/:id', { path: conversationId.map((id) => `/conversations/${id}`) }) },
    {
      count: 200,
      arbitrary: request(ctx, 'POST', '/conversations/:id/reveal', {
        path: conversationId.map((id) => `/conversations/${id}/reveal`),
        body: body(invalidObject({ reason }, false), ['reason']),
      }),
    },
  ];
}

/**
 * Data protection's routes (common/data-protection-wire.ts). Every settings body is refused (a bad
 * envelope, or settings with at least one field the definition's schema refuses), so no bot's
 * settings change; every subject request names nothing Parley holds (random conversation ids,
 * subs nobody signed in as), so nothing is erased: the test checks both.
 */
function dataProtectionRoutes(ctx: ConsoleFuzzContext): Array<{ arbitrary: fc.Arbitrary<FuzzRequest>; count: number }> {
  const bot = fc.oneof(fc.constantFrom('demo', 'shop', 'nope'), fc.constantFrom('Demo', '..%2Fdemo', '%00', '__proto__', 'constructor', 'x'.repeat(300), '%ff'), nastyString.filter((s) => s.length > 0).map(percentEncode));
  const duration = fc.constantFrom('30s', '12h', '90d', 86_400_000, 'forever');
  const notDuration = fc.oneof(wrongType, fc.constantFrom('soon', '-1d', '1e309', '0', 'forever ', '90 d', 1.5, -1, 0));
  // At least one field of each settings object is refused by the bot definition's schema.
  const badSettings = fc.oneof(
    fc.record({ storeConversations: fc.oneof(wrongType, fc.constantFrom('false', 0, 1)), inactiveAfter: duration }),
    fc.record({ inactiveAfter: fc.oneof(notDuration, fc.constantFrom('12h', '366d', 1)), archive: fc.boolean() }),
    fc.record({ messageTtl: notDuration, valueTtl: fc.oneof(duration, fc.constant(null)) }),
    fc.record({ archiveTtl: fc.oneof(notDuration, fc.constantFrom('never', 'Forever')) }),
    fc.record({ allowedOrigins: fc.oneof(wrongType, fc.constantFrom([], ['javascript:alert(1)'], ['https://a.example/path'], ['*'], [{ $ne: null }], ['https://ok.example', 'x'])) }),
    fc.record({ businessHours: fc.oneof(wrongType.filter((v) => v !== null), fc.constantFrom({ timeZone: 'Mars/Olympus', weekly: { monday: [['08:00', '17:00']] } }, { timeZone: 'UTC', weekly: { funday: [['08:00', '17:00']] } }, { timeZone: 'UTC', weekly: { monday: [['17:00', '08:00']] } }, { timeZone: 'UTC', weekly: {} })) }),
    extraKeys.map((extra) => ({ ...extra, messagesPerMinute: 600 })),
  );
  const version = fc.oneof(fc.constantFrom(0, 1), fc.constantFrom(-1, 1.5, 1e10, '0', null, [], {}, { $gt: 0 }));
  const settingsBody = body(
    fc.oneof(
      fc.record({ version, settings: badSettings }),
      invalidObject({ version: field(fc.constant(0), fc.constantFrom(-1, 1.5, '0', null, { $gt: 0 }), false), settings: field(badSettings, wrongType, false) }, false),
    ),
    ['version', 'settings'],
  );
  const unknownConversation = fc.stringMatching(/^[A-Za-z0-9_-]{22}$/);
  const subjectBody = body(
    fc.oneof(
      // Well-formed, and about no one: 404 nothing_found.
      fc.record({ conversationId: unknownConversation }),
      fc.record({ bot: fc.constantFrom('demo', 'shop', 'nope'), sub: fc.oneof(fc.constantFrom('nobody', '{"$ne":null}', "' OR 1=1--", '$where', '__proto__'), nastyString.filter((s) => s.length > 0 && s.length <= 256 && s.isWellFormed())) }),
      invalidObject({ conversationId: field(unknownConversation, fc.oneof(wrongType, badString, fc.constantFrom('short', 'x'.repeat(23))), true), bot: field(fc.constant('demo'), fc.oneof(wrongType, fc.constantFrom('Demo', '../demo', '')), true), sub: field(fc.constant('nobody'), fc.oneof(wrongType, fc.constantFrom('', 'x'.repeat(257), '\ud800')), true) }, false),
    ),
    ['conversationId', 'bot', 'sub'],
  );
  return [
    { count: 100, arbitrary: request(ctx, 'GET', '/bot-settings', { path: query.map((q) => `/bot-settings${q}`) }) },
    { count: 150, arbitrary: request(ctx, 'GET', '/bot-settings/:bot', { path: bot.map((b) => `/bot-settings/${b}`) }) },
    { count: 300, arbitrary: request(ctx, 'PUT', '/bot-settings/:bot', { path: bot.map((b) => `/bot-settings/${b}`), body: settingsBody }) },
    { count: 200, arbitrary: request(ctx, 'POST', '/subjects/export', { body: subjectBody }) },
    { count: 200, arbitrary: request(ctx, 'POST', '/subjects/erase', { body: subjectBody }) },
  ];
}

/**
 * The webhooks' routes (common/webhooks-wire.ts). Every create, patch and rotation body is refused
 * (a bad or missing field, an unknown key, or a target the address policy refuses), and every
 * delete names no webhook, so the webhooks stay as they were: the test checks that.
 */
function webhookRoutes(ctx: ConsoleFuzzContext): Array<{ arbitrary: fc.Arbitrary<FuzzRequest>; count: number }> {
  // Counts kept near the floor the test asks (30 tried per route at FerretDB's half share): the
  // whole run must fit its hook's time on a loaded machine.
  const id = fc.oneof(fc.constant(ctx.webhookId), fc.stringMatching(/^[A-Za-z0-9_-]{22}$/), fc.constantFrom('__proto__', '%00', '..%2F', 'x'.repeat(300), '%ff'), nastyString.filter((s) => s.length > 0).map(percentEncode));
  const unknownId = fc.oneof(fc.stringMatching(/^[A-Za-z0-9_-]{22}$/), fc.constantFrom('__proto__', 'constructor', '%00', '..%2F', '%ff'));
  const refusedUrl = fc.oneof(
    fc.constantFrom('http://127.0.0.1/x', 'http://localhost:1/x', 'http://[::1]/x', 'http://[::ffff:127.0.0.1]/x', 'http://169.254.169.254/latest', 'http://10.0.0.1/', 'http://0.0.0.0/', 'http://100.64.0.1/'),
    fc.constantFrom('ftp://hooks.example/x', 'javascript:alert(1)', 'https://user:pw@hooks.example/x', 'file:///etc/passwd', 'hooks.example', '', 'https://' + 'x'.repeat(2100) + '.example/'),
    wrongType,
    badString,
  );
  const events = fc.oneof(fc.constantFrom(['handover.requested'], ['form.submitted', 'conversation.rated']), fc.constantFrom([], ['user.deleted'], ['handover.requested', 'x'], 'form.submitted', [null], [{ $ne: null }]), wrongType);
  const goodEvents = fc.constantFrom(['handover.requested'], ['form.submitted']);
  const createBody = body(
    fc.oneof(
      fc.record({ bot: fc.constantFrom('demo', 'shop'), url: refusedUrl, events: goodEvents }),
      invalidObject(
        {
          bot: field(fc.constant('demo'), fc.oneof(wrongType, fc.constantFrom('Demo', '../demo', '', 'nope!')), false),
          url: field(fc.constant('https://hooks.example/parley'), refusedUrl, false),
          events: field(goodEvents, events.filter((e) => !Array.isArray(e) || e.length === 0 || e.some((x) => typeof x !== 'string' || !x.includes('.'))), false),
          enabled: field(fc.boolean(), fc.oneof(wrongType.filter((v) => typeof v !== 'boolean'), fc.constantFrom('true', 1)), true),
        },
        false,
      ),
    ),
    ['bot', 'url', 'events', 'enabled'],
  );
  const patchBody = body(
    fc.oneof(
      fc.record({ url: refusedUrl }),
      fc.constant({}),
      invalidObject(
        {
          url: field(fc.constant('https://hooks.example/parley'), refusedUrl, true),
          events: field(goodEvents, fc.constantFrom([], ['user.deleted'], 'form.submitted', [null]), true),
          enabled: field(fc.boolean(), fc.constantFrom('true', 1, null, [], {}), true),
        },
        false,
      ),
    ),
    ['url', 'events', 'enabled'],
  );
  const rotateBody = body(
    // An empty body is a valid rotation (the default overlap): absent counts as valid, so only a bad value or an unknown key is sent.
    invalidObject({ overlapMinutes: field(fc.constant(60), fc.oneof(wrongType.filter((v) => v !== 0), fc.constantFrom(-1, 1.5, 10_081, 1e10, '60', null)), true) }),
    ['overlapMinutes'],
    // Any JSON the body generator makes may be `{}`, a valid rotation (FUZZ_SEED=1825461999 rotated
    // the secret), and so is an empty body: the parser reads it as `{}`.
  ).filter((b) => !storable(webhookRotateRequest, b.toString('utf8').trim() === '' ? Buffer.from('{}') : b));
  return [
    { count: 60, arbitrary: request(ctx, 'GET', '/webhooks', { path: query.map((q) => `/webhooks${q}`) }) },
    { count: 150, arbitrary: request(ctx, 'POST', '/webhooks', { body: createBody }) },
    { count: 120, arbitrary: request(ctx, 'PATCH', '/webhooks/:id', { path: id.map((i) => `/webhooks/${i}`), body: patchBody }) },
    { count: 100, arbitrary: request(ctx, 'POST', '/webhooks/:id/rotate', { path: id.map((i) => `/webhooks/${i}/rotate`), body: rotateBody }) },
    { count: 60, arbitrary: request(ctx, 'DELETE', '/webhooks/:id', { path: unknownId.map((i) => `/webhooks/${i}`), body: junkBody }) },
    { count: 60, arbitrary: request(ctx, 'GET', '/webhooks/:id/attempts', { path: id.map((i) => `/webhooks/${i}/attempts`) }) },
  ];
}

/** The reports' routes: GETs, so whatever the query, nothing but the audit log may change. */
function reportRoutes(ctx: ConsoleFuzzContext): Array<{ arbitrary: fc.Arbitrary<FuzzRequest>; count: number }> {
  return [
    { count: 200, arbitrary: request(ctx, 'GET', '/reports', { path: reportQuery.map((q) => `/reports${q}`) }) },
    { count: 150, arbitrary: request(ctx, 'GET', '/reports/csv', { path: reportQuery.map((q) => `/reports/csv${q}`) }) },
  ];
}

/** Whether `bytes` is a body `schema` accepts (one the route would act on). */
function storable(schema: z.ZodType, bytes: Buffer): boolean {
  try {
    return schema.safeParse(JSON.parse(bytes.toString('utf8'))).success;
  } catch {
    return false;
  }
}

/** Strings that fail every text field of the handover routes: empty, controls, broken UTF-16, too long. */
const notText = (max: number) => fc.oneof(wrongType, fc.constantFrom('', '   ', '\u0000', 'a\u0007b', '\ud800', 'x\udc00y', 'x'.repeat(max + 1)));
const notBoolean = fc.oneof(wrongType.filter((v) => typeof v !== 'boolean'), fc.constantFrom('true', 'false', 1, 0, 'yes'));
const handoverQuery = queryOf(
  ['state', 'bot', 'limit'],
  ['waiting', 'mine', 'resolved', 'abandoned', 'demo', 'Demo', '201'],
  ['state[$ne]=null', 'bot[]=demo', 'state=waiting&state=mine', '__proto__[x]=1', 'bot=..%2Fdemo', 'limit=0', 'locale=en'],
  3,
);

/**
 * The live handover's routes (common/handover-wire.ts), aimed mostly at the one handover the
 * administrator holds, with bodies that are all invalid: no handover, message, note or presence
 * changes, which the test checks.
 */
function handoverRoutes(ctx: ConsoleFuzzContext, userId: fc.Arbitrary<string>): Array<{ arbitrary: fc.Arbitrary<FuzzRequest>; count: number }> {
  // Mostly the real one: a refusal of any other id is an audit entry, and on FerretDB audit appends
  // at the same instant queue behind each other (docs/design.md), slowing every audited route.
  const handoverId = fc.oneof(
    { weight: 12, arbitrary: fc.constant(ctx.handoverId) },
    { weight: 1, arbitrary: fc.stringMatching(/^[A-Za-z0-9_-]{22}$/) },
    { weight: 2, arbitrary: fc.constantFrom('__proto__', 'constructor', '%7B%22%24ne%22%3Anull%7D', '..%2F..%2Fetc', '%00', `${ctx.handoverId}%00`, 'x'.repeat(5_000), '%ff', '%c3%28') },
    { weight: 1, arbitrary: nastyString.filter((s) => s.length > 0).map(percentEncode) },
  );
  const on = (route: string, count: number, method: string, body?: fc.Arbitrary<Buffer | undefined>) => ({
    count,
    arbitrary: request(ctx, method, `/handovers/:id${route}`, { path: handoverId.map((id) => `/handovers/${id}${route}`), ...(body ? { body } : {}) }),
  });
  const clientId = fc.stringMatching(/^[A-Za-z0-9_-]{1,64}$/);
  const notClientId = fc.oneof(wrongType, fc.constantFrom('', 'a b', 'a.b', 'x'.repeat(65), '\u202eid'));
  const codes = fc.constantFrom('answered', 'follow-up', 'no-response', 'spam', 'other');
  const bot = fc.oneof(fc.constantFrom('demo', 'shop', 'nope'), fc.constantFrom('Demo', '..%2Fdemo', '%00', '__proto__', 'x'.repeat(300)), nastyString.filter((s) => s.length > 0).map(percentEncode));
  const socketId = fc.oneof(fc.constantFrom('1.1', '123.456'), fc.constantFrom('1.1:private-x', '1.1\n', '-1.1', 'abc', ''), wrongType);
  const channel = fc.oneof(
    fc.constantFrom('private-encrypted-console-queue-demo', 'private-encrypted-console-queue-nope', 'private-encrypted-console-conversation-AAAAAAAAAAAAAAAAAAAAAA', 'private-encrypted-chat-AAAAAAAAAAAAAAAAAAAAAA'),
    fc.constantFrom('presence-x', 'private-encrypted-console-conversation-../x', 'a:b', 'x'.repeat(200), ''),
    wrongType,
  );
  return [
    { count: 200, arbitrary: request(ctx, 'GET', '/handovers', { path: handoverQuery.map((q) => `/handovers${q}`) }) },
    on('', 100, 'GET'),
    on('/take', 150, 'POST', junkBody),
    // The user ids offered as invalid leave out the world's real staff: a reassign to the operator is
    // a valid request (FUZZ_SEED=1805970830 made one, and the held handover moved).
    on('/reassign', 200, 'POST', body(invalidObject({ operatorId: field(fc.constant(ctx.admin.id), fc.oneof(notClientId, userId.filter((id) => id !== ctx.admin.id && id !== ctx.operator.id)), false) }, false), ['operatorId'])),
    on('/resolve', 200, 'POST', body(invalidObject({ code: field(codes, fc.oneof(wrongType, fc.constantFrom('closed', 'Answered', '')), false), note: field(fc.constant('done'), notText(2000), true) }, false), ['code', 'note'])),
    on('/messages', 200, 'POST', body(invalidObject({ clientId: field(clientId, notClientId, false), text: field(fc.constant('hello'), notText(4000), false) }, false), ['clientId', 'text'])),
    // A note of "x" or of one U+202E (a raw text of inputs.ts) is a valid note: the server's own
    // schema leaves out any body it would store.
    on('/notes', 200, 'POST', body(invalidObject({ text: field(fc.constant('a note'), notText(2000), false) }, false), ['text'], ['authorId']).filter((b) => !storable(noteRequest, b))),
    on('/typing', 200, 'POST', body(invalidObject({ typing: field(fc.boolean(), notBoolean, false) }, false), ['typing'])),
    on('/reveal', 250, 'POST', body(invalidObject({ reason: field(fc.constant('the visitor asked for a copy'), fc.oneof(wrongType, fc.constantFrom('', 'abc', '\u0000\u0000\u0000\u0000\u0000', 'x'.repeat(501))), false) }, false), ['reason'])),
    { count: 150, arbitrary: request(ctx, 'GET', '/bots/:bot/canned-replies', { path: fc.tuple(bot, fc.constantFrom('', '?locale=nb', '?locale=%24ne', '?locale=en&x=1', '?locale[]=en')).map(([b, q]) => `/bots/${b}/canned-replies${q}`) }) },
    { count: 150, arbitrary: request(ctx, 'PUT', '/presence', { body: body(invalidObject({ available: field(fc.boolean(), notBoolean, false) }, false), ['available']) }) },
    { count: 60, arbitrary: request(ctx, 'GET', '/realtime', { path: query.map((q) => `/realtime${q}`) }) },
    {
      count: 200,
      arbitrary: request(ctx, 'POST', '/realtime/auth', {
        body: body(fc.record({ socket_id: socketId, channel_name: channel }, { requiredKeys: [] }).map((o) => o as Record<string, unknown>), ['socket_id', 'channel_name']),
      }),
    },
  ];
}
