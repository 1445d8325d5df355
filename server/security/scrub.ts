// Free-text scrubbing for logs: masks e-mail addresses, phone numbers, card numbers (the detectors
// of server/privacy/detectors.ts) and tokens wherever they appear in a string, and flattens line
// breaks so a value cannot forge a log line.
//
// Linear by construction, because a log line may hold anything a client sent (issue 11, finding
// 2: `[…]+@…` took 0.4 s on a 16 KB path). V8's regex engine tries each start position in turn;
// one attempt costs what it may read. So every quantifier below is bounded, and one attempt reads
// a bounded window: n start positions cost at most n times a constant. The one exception is a
// greedy `*` on a single character class at the very end of a pattern: nothing after it can fail,
// so it never backtracks, and the next attempt starts where its match ended. The bounds are
// generous for what they stand for (RFC 5321 local parts are at most 64 characters, DNS labels
// 63); test/security/scrub-linear.test.ts checks every pattern in this file for that shape.
import { maskDetected } from '../privacy/detectors.ts';

// A compact JWE/JWS: a protected header (base64url of '{"' = "eyJ") and a dot, then the rest of
// the token, however long. Starts only where a base64url run starts, as the e-mail detector starts where its run starts.
const COMPACT_JOSE = /(?<![\w-])eyJ[\w-]{2,4096}\.[\w.-]*/g;
// "Bearer <anything>" / "Basic <anything>": the credential up to whitespace or a delimiter.
const BEARER = /\b(Bearer|Basic)\s{1,64}[^\s"',;][^\s"',;]*/gi;
// Line breaks of every kind (CR, LF, NEL, LS, PS) with the blanks after them, and up to 64 blanks
// before them (a longer run before a break keeps its extra blanks; it still loses the break).
const LINE_BREAKS = /[ \t]{0,64}[\r\n\u0085\u2028\u2029][ \t\r\n\u0085\u2028\u2029]*/g;
// Other C0 controls except tab.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const OTHER_CONTROLS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g;

/** The longest string a log line carries; longer ones are cut (a path, a user agent, a message). */
export const MAX_LOGGED_STRING = 4096;

/** `text` cut to `max` characters, saying how much was left out. */
export function capLength(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}…[${text.length - max} more]`;
}

export function scrubText(input: string): string {
  let s = input.replace(LINE_BREAKS, ' ').replace(OTHER_CONTROLS, '');
  s = s.replace(BEARER, '$1 [token]');
  s = s.replace(COMPACT_JOSE, '[token]');
  return maskDetected(s);
}

function scrubLiteral(literal: string): string {
  let value: unknown;
  try {
    value = JSON.parse(literal);
  } catch {
    return '"[unparseable]"';
  }
  if (typeof value !== 'string') return literal;
  const scrubbed = capLength(scrubText(value), MAX_LOGGED_STRING);
  return scrubbed === value ? literal : JSON.stringify(scrubbed);
}

/**
 * Scrubs and caps every string literal of one JSON log line, keys included; numbers and structure
 * stay. A scan, not a pattern: one index walks forward, so even a line that is not JSON costs
 * linear time (a literal that never closes is replaced whole instead of being rescanned).
 */
export function scrubJsonLine(line: string): string {
  const parts: string[] = [];
  let from = 0;
  for (let open = line.indexOf('"'); open !== -1; open = line.indexOf('"', from)) {
    let close = open + 1;
    while (close < line.length && line[close] !== '"') close += line[close] === '\\' ? 2 : 1;
    parts.push(line.slice(from, open), scrubLiteral(line.slice(open, close + 1)));
    from = close + 1;
  }
  parts.push(line.slice(from));
  return parts.join('');
}
