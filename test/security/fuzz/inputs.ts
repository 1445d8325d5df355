// Building blocks of malformed input for the fuzz suite: strings that break naive code, values
// shaped like query operators, prototype keys, nesting and sizes past every limit.
import fc from 'fast-check';

/** Strings chosen to break parsers, validators, logs and renderers. */
export const NASTY_STRINGS = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\u202eevil\u202c',
  '\u2066isolate\u2069',
  '\u200b\u200c\u200d\ufeff',
  '\ud800',
  'x\udc00y',
  'e' + '\u0301'.repeat(10_000),
  '\r\nSet-Cookie: injected=1',
  '%0d%0aX-Injected: 1',
  "' OR 1=1--",
  '1; DROP TABLE messages',
  '<script>alert(1)</script>',
  '{{constructor.constructor("alert(1)")()}}',
  '../../../../etc/passwd',
  '%2e%2e%2f%2e%2e%2f',
  'private-chat-other:private-chat-mine',
  '1.1:private-chat-x',
  '1.1\n',
  '-1.1',
  '__proto__',
  'constructor',
  'prototype',
  'NaN',
  '1e309',
  '🦄'.repeat(1000),
  'A'.repeat(5_000),
  'B'.repeat(70_000),
] as const;

export const OPERATOR_VALUES: unknown[] = [
  { $gt: '' },
  { $ne: null },
  { $regex: '^a' },
  { $regex: '.*' },
  { $where: 'sleep(1000)' },
  { $nor: [{ token: { $ne: 'x' } }] },
  { $in: ['a', 'b'] },
  { $exists: true },
  { 'a.b': 1 },
];

/** Raw JSON texts JSON.stringify cannot produce: prototype keys, bad numbers, broken syntax. */
export const RAW_JSON_TEXTS = [
  '{"__proto__":{"admin":true},"clientId":"x","text":"hi"}',
  '{"constructor":{"prototype":{"polluted":1}}}',
  '{"clientId":"x","text":"hi","__proto__":{"role":"admin"}}',
  '{"clientId":1e309,"text":"x"}',
  '{"bot":-0}',
  '{"bot":"demo",}',
  '{"bot":"demo"',
  "{'bot':'demo'}",
  '{"bot":"demo"}{"bot":"x"}',
  'NaN',
  'null',
  'true',
  '""',
  '[]',
  '{}',
  '{"a":"\\ud800"}',
  '{"a":"\\u0000"}',
  '{"text":"\\u202e"}',
  ' ',
  '',
];

export function deepNesting(depth: number, kind: 'array' | 'object'): string {
  return kind === 'array' ? '['.repeat(depth) + ']'.repeat(depth) : '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
}

/** Bytes that are not valid UTF-8 (overlong, lone continuation, surrogate half, truncated). */
export const INVALID_UTF8 = [
  Buffer.from([0xff, 0xfe]),
  Buffer.from([0xc3, 0x28]),
  Buffer.from([0xed, 0xa0, 0x80]),
  Buffer.from([0xc0, 0xaf]),
  Buffer.from([0xe2, 0x82]),
  Buffer.from([0x80]),
];

export const nastyString: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(...NASTY_STRINGS),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.tuple(fc.string({ maxLength: 10 }), fc.constantFrom(...NASTY_STRINGS)).map(([a, b]) => a + b),
);

/** Any JSON-able value, weighted towards the shapes that break servers. */
export const nastyValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: nastyString },
  { weight: 2, arbitrary: fc.constantFrom(...OPERATOR_VALUES) },
  { weight: 1, arbitrary: fc.oneof(fc.integer(), fc.double(), fc.boolean(), fc.constant(null)) },
  { weight: 1, arbitrary: fc.array(nastyString, { maxLength: 3 }) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
);

/** A JSON body as bytes: an object of given field arbitraries, raw texts, nesting, sizes, bad bytes. */
export function jsonBodyBytes(fields: fc.Arbitrary<Record<string, unknown>>): fc.Arbitrary<Buffer> {
  return fc.oneof(
    { weight: 6, arbitrary: fields.map((o) => Buffer.from(JSON.stringify(o))) },
    { weight: 2, arbitrary: fc.constantFrom(...RAW_JSON_TEXTS).map((t) => Buffer.from(t)) },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 4 }).map((v) => Buffer.from(JSON.stringify(v) ?? 'null')) },
    {
      weight: 1,
      arbitrary: fc
        .tuple(fc.constantFrom(100, 5_000, 100_000), fc.constantFrom('array' as const, 'object' as const))
        .map(([depth, kind]) => Buffer.from(deepNesting(depth, kind))),
    },
    {
      weight: 1,
      arbitrary: fc.constantFrom(33 * 1024, 1024 * 1024 + 1).map((n) => Buffer.from(JSON.stringify({ text: 'x'.repeat(n) }))),
    },
    {
      weight: 1,
      arbitrary: fc.constantFrom(...INVALID_UTF8).map((bad) =>
        Buffer.concat([Buffer.from('{"bot":"demo","text":"'), bad, Buffer.from('"}')]),
      ),
    },
  );
}

export const CONTENT_TYPES = [
  'application/json',
  'application/json; charset=utf-8',
  'application/json; charset=utf-16',
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/xml',
  'application/json, text/html',
  '',
];

export const contentType: fc.Arbitrary<string> = fc.oneof(
  { weight: 5, arbitrary: fc.constant('application/json') },
  { weight: 2, arbitrary: fc.constantFrom(...CONTENT_TYPES) },
);
