// The one home of the personal-data detectors: e-mail addresses, card numbers (Luhn-checked) and
// phone numbers in free text. The log scrubber (server/security/scrub.ts) and the transcript mask
// operators see (mask.ts) both use them, so what counts as an address or a number is decided once.
// Over-masking (a long order number that looks like a phone) is the accepted side of the trade.
//
// Linear by construction, because the text may be anything a client sent (issue 11, finding 2:
// `[…]+@…` took 0.4 s on a 16 KB path). Every quantifier is bounded, so one attempt reads a bounded
// window and n start positions cost at most n times a constant; test/security/scrub-linear.test.ts
// checks every pattern in this file (and scrub.ts) for that shape.

// Anchored at the start of a run of local-part characters (the lookbehind), so a long run without
// an '@' is read once, not once per position. A local part over 256 characters is no address.
const EMAIL = /(?<![\p{L}\p{N}._%+-])[\p{L}\p{N}._%+-]{1,256}@[\p{L}\p{N}-]{1,63}(?:\.[\p{L}\p{N}-]{1,63}){0,16}\.\p{L}{2,63}/gu;
// 13–19 digits, optionally grouped by single spaces or dashes. Not preceded by an id-like
// character (so the digit tail of a UUID or "conv_…" survives), but may be followed by letters:
// "4111111111111111thanks" is still a card number.
const CARD_CANDIDATE = /(?<![\w-])\d(?:[ -]?\d){12,18}(?!\d)/g;
// Optional +/00 country prefix, optional (area) group, then digits with single space or dash
// separators. Dots are not separators so IP addresses and versions survive.
const PHONE_CANDIDATE = /(?<![\w+-])(?:\+|00)?(?:\(\d{1,4}\)[ -]?)?\d(?:[ -]?\d){5,16}(?!\d)/g;
// ISO dates (2026-03-01, also the start of a timestamp) have 8 digits and dashes, like a phone
// number: they are set aside before phones are looked for, so a date is never masked and never
// joins the number beside it into one candidate. Not one inside a dash-grouped number
// ("+1 555-1999-12-31"): that is the number's.
const ISO_DATES = /(?<![\d-])(?:19|20)\d\d-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])(?!\d|-\d)/g;
const CARD_SEPARATORS = /[ -]/g;
/** Splits a candidate into digit groups, keeping each separator as its own part. */
const CARD_GROUPS = /([ -])/;

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

/** What a detector found, named by kind: `[email]`, `[card]`, `[phone]`. */
export type Detected = 'email' | 'card' | 'phone';

/**
 * `text` with every e-mail address, card number and phone number replaced by `replace(kind)`.
 * E-mail first (an address may hold digits), then cards (a card is also phone-shaped).
 */
export function maskDetected(text: string, replace: (kind: Detected) => string = (kind) => `[${kind}]`): string {
  const s = text.replace(EMAIL, () => replace('email'));
  return betweenDates(s, (stretch) => maskPhoneCandidates(stretch.replace(CARD_CANDIDATE, (m) => maskCard(m, replace)), replace));
}

/**
 * A candidate is a card when Luhn-valid. When it is not, a card may still be in it, beside another
 * number the same separators joined to it ("… 7 0100 0000 0000 0009", "4111 … 1111 7"): the
 * widest run of whole groups with 13–19 digits that is Luhn-valid is masked, the rest kept. A
 * candidate has at most 19 groups, so this stays a constant per candidate.
 */
function maskCard(candidate: string, replace: (kind: Detected) => string): string {
  if (luhnValid(candidate.replace(CARD_SEPARATORS, ''))) return replace('card');
  const parts = candidate.split(CARD_GROUPS); // groups at even indexes, separators between
  for (let width = parts.length - 2; width >= 1; width -= 2) {
    for (let from = 0; from + width <= parts.length; from += 2) {
      const digits = parts.slice(from, from + width).join('').replace(CARD_SEPARATORS, '');
      if (digits.length >= 13 && digits.length <= 19 && luhnValid(digits)) {
        return parts.slice(0, from).join('') + replace('card') + parts.slice(from + width).join('');
      }
    }
  }
  return candidate;
}

/**
 * Cards and phones are looked for between the ISO dates of the text, which are kept as they are
 * and never join the number beside them. One pass for the dates, one over each stretch between
 * them: linear.
 */
function betweenDates(text: string, mask: (stretch: string) => string): string {
  let out = '';
  let from = 0;
  for (const date of text.matchAll(ISO_DATES)) {
    out += mask(text.slice(from, date.index)) + date[0];
    from = date.index + date[0].length;
  }
  return out + mask(text.slice(from));
}

/** Phone numbers: at least 8 digits, or 7 after an international prefix (`+` or `00`, whose zeros are not the number's own). */
function maskPhoneCandidates(text: string, replace: (kind: Detected) => string): string {
  return text.replace(PHONE_CANDIDATE, (m) => {
    const international = m.startsWith('+') || m.startsWith('00');
    const digits = countDigits(m) - (m.startsWith('00') ? 2 : 0);
    return digits >= 8 || (international && digits >= 7) ? replace('phone') : m;
  });
}
