// Rule: "scrubbing a log line costs time linear in its length, whatever the line holds" (issue 11,
// finding 2: the e-mail pattern took ~0.4 s on a 16 KB request path) and "what a request puts in a
// log line is capped in length".
//
// How linearity is proved without a stopwatch: a backtracking engine (V8's irregexp) tries each
// start position in turn, and what one attempt costs depends only on the characters that attempt
// may read. When every quantifier of a pattern is bounded, one attempt reads a bounded window, so
// n start positions cost at most n times a constant. The single exception allowed is a greedy `*`
// on one character class at the very end of a pattern: nothing after it can fail, so it never
// backtracks, and the next attempt starts where its match ended, so it reads each character once.
// The first test checks that construction on every regular expression in scrub.ts and in the
// personal-data detectors it uses (server/privacy/detectors.ts; found by parsing the files, so a
// pattern added later is checked too); the others feed each pattern its
// worst inputs at 100 KB and check the scrubbing is still right.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import Koa from 'koa';
import { describe, expect, it } from 'vitest';
import { scrubJsonLine, scrubText } from '../../server/security/scrub.ts';
import { createLogger } from '../../server/security/logger.ts';
import { accessLog } from '../../server/http/access-log.ts';
import { listen } from './listen.ts';

const SCRUB_SOURCES = ['../../server/security/scrub.ts', '../../server/privacy/detectors.ts'].map((file) => fileURLToPath(new URL(file, import.meta.url)));
const KB100 = 100 * 1024;

/** Every regular-expression literal in a TypeScript file, and every `new RegExp(…)` (which this check cannot read). */
function regexesIn(file: string): { literals: string[]; constructed: number } {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const literals: string[] = [];
  let constructed = 0;
  const visit = (node: ts.Node): void => {
    if (node.kind === ts.SyntaxKind.RegularExpressionLiteral) literals.push(node.getText(source));
    if (ts.isNewExpression(node) && node.expression.getText(source) === 'RegExp') constructed++;
    if (ts.isCallExpression(node) && node.expression.getText(source) === 'RegExp') constructed++;
    ts.forEachChild(node, visit);
  };
  visit(source);
  return { literals, constructed };
}

/** The quantifiers of a pattern that let one attempt read without limit (`*`, `+`, `{n,}`), but a final `[class]*`. */
function unboundedQuantifiers(literal: string): string[] {
  const body = literal.slice(1, literal.lastIndexOf('/'));
  // Escapes (\p{L}, \d, \.) and then character classes become one atom each; what remains is
  // structure and quantifiers.
  const atoms = body.replace(/\\[pP]\{[^}]*\}|\\u\{[^}]*\}|\\./g, 'a').replace(/\[[^\]]*\]/g, 'a');
  const withoutSafeTail = atoms.replace(/a\*$/, 'a');
  return withoutSafeTail.match(/[*+]|\{\d+,\}/g) ?? [];
}

function capture(): { log: ReturnType<typeof createLogger>; lines: () => Array<Record<string, unknown>> } {
  const chunks: string[] = [];
  const log = createLogger({ level: 'info', destination: { write: (s: string) => void chunks.push(s) } });
  return { log, lines: () => chunks.join('').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>) };
}

const fill = (unit: string, length = KB100): string => unit.repeat(Math.ceil(length / unit.length)).slice(0, length);

describe('log scrubbing is linear in the length of the line', () => {
  it('log scrubbing: every pattern in scrub.ts and the detectors reads a bounded window per attempt (linear by construction)', () => {
    const found = SCRUB_SOURCES.map(regexesIn);
    const literals = found.flatMap((f) => f.literals);
    const constructed = found.reduce((n, f) => n + f.constructed, 0);
    expect(literals.length).toBeGreaterThan(5);
    expect(constructed, 'a RegExp built at run time cannot be checked here').toBe(0);
    const unbounded = literals.map((l) => ({ pattern: l, unbounded: unboundedQuantifiers(l) })).filter((p) => p.unbounded.length > 0);
    expect(unbounded).toEqual([]);
  });

  it('log scrubbing: the check above catches the patterns that were quadratic', () => {
    expect(unboundedQuantifiers(String.raw`/[\p{L}\p{N}._%+-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)*\.\p{L}{2,}/gu`)).toEqual(['+', '+', '+', '*', '{2,}']);
    expect(unboundedQuantifiers(String.raw`/eyJ[\w-]*(?:\.[\w-]*){2,4}/g`)).toEqual(['*', '*']);
    expect(unboundedQuantifiers(String.raw`/[ \t]*[\r\n]+[ \t]*/g`)).toEqual(['*', '+']);
    expect(unboundedQuantifiers(String.raw`/"(?:[^"\\]|\\.)*"/g`)).toEqual(['*']);
    expect(unboundedQuantifiers(String.raw`/\d(?:[ -]?\d){12,18}(?!\d)/g`)).toEqual([]);
    expect(unboundedQuantifiers(String.raw`/\bBearer\s{1,64}[^\s"',;][^\s"',;]*/gi`)).toEqual([]);
  });

  // Worst inputs for each pattern, 100 KB each, with one real item after them that must still be masked.
  const worst: Array<[pattern: string, input: string, item: string, mask: string]> = [
    ['e-mail: local-part characters without @', fill('a'), 'ann.smith@example.com', '[email]'],
    ['e-mail: dotted local part without @', fill('a.'), 'ann.smith@example.com', '[email]'],
    ['e-mail: a@a.a.a… without a final TLD', `a@${fill('a.')}`, 'ann.smith@example.com', '[email]'],
    ['e-mail: @ after @', fill('a@'), 'ann.smith@example.com', '[email]'],
    ['e-mail: long labels, digit TLD', fill(`${'a'.repeat(60)}@${`${'b'.repeat(63)}.`.repeat(16)}1 `), 'ann.smith@example.com', '[email]'],
    ['JOSE: eyJ repeated without dots', fill('eyJ'), 'eyJhbGciOiJkaXIifQ..aXY.Y3Q.dGFn', '[token]'],
    ['JOSE: eyJ and dots', fill('eyJ.'), 'eyJhbGciOiJkaXIifQ..aXY.Y3Q.dGFn', '[token]'],
    ['JOSE: one long header segment', `eyJ${fill('a')}`, 'eyJhbGciOiJkaXIifQ..aXY.Y3Q.dGFn', '[token]'],
    ['bearer: spaces without a token', `Bearer${fill(' ')},`, 'Bearer abc.def-ghi', 'Bearer [token]'],
    ['bearer: Bearer Bearer…', fill('Bearer '), 'Basic dXNlcjpwYXNz', 'Basic [token]'],
    ['card: one long digit run', fill('4'), '4111 1111 1111 1111', '[card]'],
    ['card: digits with single separators', fill('4 '), 'x 4111-1111-1111-1111', '[card]'],
    ['phone: +digit groups', fill('+1 '), 'call +47 912 34 567', '[phone]'],
    ['phone: (area) groups', fill('(1) '), 'call (555) 123-4567', '[phone]'],
    ['phone: 00 prefixes', fill('00'), 'call 0047 91 23 45 67', '[phone]'],
    ['line breaks: blanks without a break', `${fill(' \t')}x`, 'ann.smith@example.com', '[email]'],
    ['line breaks: breaks and blanks', fill(' \r\n\t\u2028'), 'ann.smith@example.com', '[email]'],
  ];

  it.each(worst)('log scrubbing: 100 KB worst case for the %s pattern, and a real item after it is still masked', (_name, input, item, mask) => {
    expect(input.length).toBeGreaterThanOrEqual(KB100);
    const out = scrubText(`${input} ${item}`);
    expect(out).not.toContain(item);
    expect(out).toContain(mask);
    expect(out).not.toMatch(/[\r\n\u2028]/);
  });

  it('log scrubbing: 100 KB worst cases for the JSON string-literal scan (escaped quotes and backslashes, unterminated)', () => {
    const escaped = `{"level":30,"v":"${fill('\\"')} ann.smith@example.com","w":"${fill('\\\\')}"}\n`;
    const out = scrubJsonLine(escaped);
    expect(out).not.toContain('ann.smith@example.com');
    expect(() => JSON.parse(out)).not.toThrow();
    // Not JSON at all: a literal that never closes is replaced whole, never scanned again from inside.
    expect(scrubJsonLine(`{"v":"${fill('\\"')}`)).toBe('{"v":"[unparseable]"');
    expect(scrubJsonLine(`{"v":"${fill('\\"')}\\`)).toBe('{"v":"[unparseable]"');
    const { log, lines } = capture();
    log.info({ v: `${fill('"\\')} ann.smith@example.com` }, fill('"'));
    const [line] = lines();
    expect(JSON.stringify(line)).not.toContain('ann.smith@example.com');
  });
});

describe('what a request puts in a log line is capped', () => {
  // 15 KB: about the longest path Node's 16 KB header limit lets through to the app.
  it('log cap: a 15 KB request path is logged cut to a few hundred characters', async () => {
    const { log, lines } = capture();
    const app = new Koa();
    app.use(accessLog(log));
    app.use((ctx) => void (ctx.body = 'ok'));
    const server = await listen(app);
    try {
      const res = await fetch(`${server.url}/${'a'.repeat(15 * 1024)}`);
      expect(res.status).toBe(200);
    } finally {
      await server.close();
    }
    const [line] = lines();
    expect(line).toMatchObject({ msg: 'request', status: 200 });
    expect(String(line?.path).startsWith('/aaaa')).toBe(true);
    expect(String(line?.path).length).toBeLessThanOrEqual(300);
  });

  it('log cap: no string in a log line is longer than a few KB, whatever the caller logs', () => {
    const { log, lines } = capture();
    log.info({ userAgent: fill('Mozilla/5.0 '), nested: { deeper: fill('x') } }, fill('m'));
    const [line] = lines() as Array<{ userAgent: string; nested: { deeper: string }; msg: string }>;
    for (const value of [line!.userAgent, line!.nested.deeper, line!.msg]) expect(value.length).toBeLessThanOrEqual(10_000);
    expect(line!.userAgent.startsWith('Mozilla/5.0 Mozilla/5.0')).toBe(true);
  });
});
