// Rule: "logs never contain message text or PII; secrets are redacted; a value cannot forge a log
// line". Everything is logged into a captured stream and the raw output is grepped.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createLogger } from '../../server/security/logger.ts';
import { scrubText } from '../../server/security/scrub.ts';
import { luhnValid } from '../../server/privacy/detectors.ts';

function capture(level = 'trace'): { log: ReturnType<typeof createLogger>; output: () => string; lines: () => unknown[] } {
  const chunks: string[] = [];
  const log = createLogger({ level, destination: { write: (s: string) => void chunks.push(s) } });
  const output = (): string => chunks.join('');
  const lines = (): unknown[] =>
    output()
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as unknown);
  return { log, output, lines };
}

const SECRETS = {
  token: 'eyJhbGciOiJkaXIiLCJlbmMiOiJBMjU2R0NNIiwia2lkIjoiazEifQ..c2VjcmV0aXY.Y2lwaGVydGV4dA.dGFnZ2Fn',
  pusherSecret: 'pusher-secret-7f3a9c1e5b',
  sharedSecret: 'c2hhcmVkLXNlY3JldC1rZXktbWF0ZXJpYWw=',
  cookie: 'sid=session-cookie-value-42',
  messageText: 'my private question about the invoice',
  formValue: 'Kari Nordmann',
  resume: 'resume-token-value-99',
};
const PII = {
  emails: ['ann.smith+chat@example.com', 'bob_99@mail.example.co.uk', 'ÆØÅ.nord@eksempel.no'],
  phones: ['+47 912 34 567', '+1 (202) 555-0123', '(555) 123-4567', '555-123-4567', '91234567', '0047 91 23 45 67', '+442071838750'],
  cards: ['4111 1111 1111 1111', '4111-1111-1111-1111', '5500005555555559', '378282246310005', '6011 0009 9013 9424'],
};

describe('PII and secrets never reach the logs', () => {
  it('log redaction: secrets and message text in fields are censored at any of the first three levels', () => {
    const { log, output } = capture();
    log.info({
      req: { method: 'POST', url: '/api/v1/messages', headers: { authorization: `Bearer ${SECRETS.token}`, cookie: SECRETS.cookie } },
      token: SECRETS.token,
      text: SECRETS.messageText,
      value: SECRETS.formValue,
      resume: SECRETS.resume,
      pusher: { secret: SECRETS.pusherSecret },
      auth: { shared_secret: SECRETS.sharedSecret },
      form: { values: [{ key: 'name', value: SECRETS.formValue }] },
      visitor: { email: 'not-an-email-but-still-redacted', phone: 'x', identity: 'passport 123' },
    }, 'request');
    log.warn({ res: { headers: { 'set-cookie': SECRETS.cookie } } }, 'response');
    const out = output();
    for (const secret of Object.values(SECRETS)) expect(out).not.toContain(secret);
    expect(out).not.toContain('not-an-email-but-still-redacted');
    expect(out).not.toContain('passport 123');
    expect(out).toContain('[Redacted]');
    // What is not sensitive survives, so the logs stay useful.
    expect(out).toContain('/api/v1/messages');
    expect(out).toContain('"method":"POST"');
  });

  it('log redaction: e-mails, phones, card numbers and tokens in free text are masked in messages, fields, errors and bindings', () => {
    const { log, output, lines } = capture();
    const all = [...PII.emails, ...PII.phones, ...PII.cards];
    for (const item of all) {
      log.info(`visitor wrote ${item} in the chat`);
      log.info({ note: `contact: ${item}.`, nested: { deeper: [`(${item})`] } }, 'object');
      log.error(new Error(`lookup failed for ${item}`));
      log.child({ context: `${item}` }).debug('child binding');
      log.info('interpolated %s and %j', item, { v: item });
    }
    log.info(`Authorization: Bearer ${SECRETS.token}`);
    log.info(`token in free text ${SECRETS.token} here`);
    const out = output();
    for (const item of [...all, SECRETS.token]) expect(out, item).not.toContain(item);
    for (const card of PII.cards) expect(out, card).not.toContain(card.replace(/\D/g, ''));
    expect(out).toContain('[email]');
    expect(out).toContain('[phone]');
    expect(out).toContain('[card]');
    expect(out).toContain('[token]');
    expect(lines().length).toBe(all.length * 5 + 2);
  });

  it('log redaction: CR/LF in any value cannot forge a log line', () => {
    const { log, output, lines } = capture();
    const forged = 'ok\r\n{"level":50,"msg":"admin logged in"}\n\u2028{"level":60}';
    log.info(forged);
    log.info({ userAgent: forged, list: [forged] }, forged);
    log.child({ origin: forged }).info('bound');
    log.error(new Error(forged));
    const parsed = lines();
    expect(parsed.length).toBe(4);
    expect(output().split('\n').filter(Boolean).length).toBe(4);
    for (const line of parsed) {
      expect(JSON.stringify(line)).not.toMatch(/\\[rn]|\\u2028/);
      expect((line as { level: number }).level).not.toBe(60);
    }
  });

  it('log redaction: ordinary operational values are kept (ids, IPs, dates, levels, numbers)', () => {
    const { log, lines } = capture();
    log.info(
      { conversationId: '123e4567-e89b-12d3-a456-426614174000', ip: '203.0.113.7', at: '2026-03-01T12:00:00.000Z', status: 429, port: 3000, socketId: '123.456' },
      'rate limited v1.2.3 after 15 messages',
    );
    const [line] = lines() as Array<Record<string, unknown>>;
    expect(line).toMatchObject({
      conversationId: '123e4567-e89b-12d3-a456-426614174000',
      ip: '203.0.113.7',
      at: '2026-03-01T12:00:00.000Z',
      status: 429,
      port: 3000,
      socketId: '123.456',
      msg: 'rate limited v1.2.3 after 15 messages',
    });
    expect(typeof line?.time).toBe('string');
  });

  it('log redaction: generated e-mails, phones and Luhn-valid cards never survive (property test)', () => {
    const digits = (n: number): fc.Arbitrary<string> => fc.array(fc.integer({ min: 0, max: 9 }), { minLength: n, maxLength: n }).map((d) => d.join(''));
    const card = fc.integer({ min: 13, max: 19 }).chain((len) =>
      digits(len - 1).map((body) => {
        const check = [...'0123456789'].find((c) => luhnValid(body + c))!;
        return body + check;
      }),
    );
    const grouped = fc.tuple(card, fc.constantFrom('', ' ', '-')).map(([c, sep]) => c.replace(/(\d{4})(?=\d)/g, `$1${sep}`));
    const phone = fc.tuple(fc.integer({ min: 1, max: 999 }), digits(8), fc.constantFrom(' ', '-', '')).map(
      ([cc, rest, sep]) => `+${cc}${sep}${rest.slice(0, 3)}${sep}${rest.slice(3)}`,
    );
    const email = fc.emailAddress().filter((e) => /^[\w.+-]+@/.test(e));
    const filler = fc.constantFrom('', 'hi ', 'call me: ', 'mail\t', '(', '"', 'x, ');
    fc.assert(
      fc.property(fc.oneof(grouped, phone, email), filler, filler, (pii, before, after) => {
        const { log, output } = capture();
        log.info({ free: `${before}${pii}${after}` }, `${before}${pii}${after}`);
        const out = output();
        return !out.includes(pii) && !out.toLowerCase().includes(pii.toLowerCase());
      }),
      { numRuns: 2_000 },
    );
  });

  it('log redaction: scrubText leaves non-Luhn digit runs that cannot be phones alone', () => {
    expect(scrubText('order 1234')).toBe('order 1234');
    expect(scrubText('id 4111111111111112 x')).not.toContain('[card]');
  });
});
