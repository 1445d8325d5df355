// Free-text scrubbing for logs: masks e-mail addresses, phone numbers, card numbers and tokens
// wherever they appear in a string, and flattens line breaks so a value cannot forge a log line.
// Over-masking (a long order number that looks like a phone) is the accepted side of the trade.

const EMAIL = /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)*\.\p{L}{2,}/gu;
// A compact JWE/JWS (header starts with base64url '{"' = "eyJ") and "Bearer <anything>".
const COMPACT_JOSE = /eyJ[\w-]*(?:\.[\w-]*){2,4}/g;
const BEARER = /\b(Bearer|Basic)\s+[^\s"',;]+/gi;
// 13–19 digits, optionally grouped by single spaces or dashes. Not preceded by an id-like
// character (so the digit tail of a UUID or "conv_…" survives), but may be followed by letters:
// "4111111111111111thanks" is still a card number.
const CARD_CANDIDATE = /(?<![\w-])\d(?:[ -]?\d){12,18}(?!\d)/g;
// Optional +/00 country prefix, optional (area) group, then digits with single space or dash
// separators. Dots are not separators so IP addresses and versions survive.
const PHONE_CANDIDATE = /(?<![\w+-])(?:\+|00)?(?:\(\d{1,4}\)[ -]?)?\d(?:[ -]?\d){5,16}(?!\d)/g;
const ISO_DATE_START = /^(?:19|20)\d\d-[01]\d-[0-3]\d(?!\d)/;
// Line breaks of every kind (CR, LF, NEL, LS, PS) and other C0 controls except tab.
const LINE_BREAKS = /[ \t]*[\r\n\u0085\u2028\u2029]+[ \t]*/g;
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const OTHER_CONTROLS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g;

export function luhnValid(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

function countDigits(s: string): number {
  let n = 0;
  for (const ch of s) if (ch >= '0' && ch <= '9') n++;
  return n;
}

export function scrubText(input: string): string {
  let s = input.replace(LINE_BREAKS, ' ').replace(OTHER_CONTROLS, '');
  s = s.replace(BEARER, '$1 [token]');
  s = s.replace(COMPACT_JOSE, '[token]');
  s = s.replace(EMAIL, '[email]');
  s = s.replace(CARD_CANDIDATE, (m) => (luhnValid(m.replace(/[ -]/g, '')) ? '[card]' : m));
  s = s.replace(PHONE_CANDIDATE, (m) => {
    // ISO dates (2026-03-01, also inside timestamps) have 8 digits and dashes: keep them.
    if (ISO_DATE_START.test(m)) return m;
    const digits = countDigits(m);
    const international = m.startsWith('+') || m.startsWith('00');
    return digits >= 8 || (international && digits >= 7) ? '[phone]' : m;
  });
  return s;
}

// JSON string literals in a serialized log line (JSON strings cannot hold a raw quote).
const JSON_STRING = /"(?:[^"\\]|\\.)*"/g;

/** Scrubs every string literal of one JSON log line, keys included; numbers and structure stay. */
export function scrubJsonLine(line: string): string {
  return line.replace(JSON_STRING, (literal) => {
    let value: unknown;
    try {
      value = JSON.parse(literal);
    } catch {
      return '"[unparseable]"';
    }
    if (typeof value !== 'string') return literal;
    const scrubbed = scrubText(value);
    return scrubbed === value ? literal : JSON.stringify(scrubbed);
  });
}
