// Property tests of the personal-data detectors as the transcript mask uses them (issue 15): what a
// visitor might type — e-mail addresses, phone numbers in the ways people write them, Luhn-valid
// card numbers, in any sentence — never survives masking, and ordinary sentences (words, prices,
// dates, times, versions, addresses of machines, short numbers) come out as they went in.
// The log scrubber's own property test is in test/security/logger.test.ts; both use detectors.ts.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { luhnValid, maskDetected } from './detectors.ts';
import { MASKED_PII, maskText } from './mask.ts';

const digits = (min: number, max = min): fc.Arbitrary<string> =>
  fc.array(fc.integer({ min: 0, max: 9 }), { minLength: min, maxLength: max }).map((d) => d.join(''));

/** 13 to 19 digits with a Luhn check digit, bare or in groups of four by spaces or dashes. */
const card = fc
  .tuple(
    fc.integer({ min: 13, max: 19 }).chain((len) => digits(len - 1)),
    fc.constantFrom('', ' ', '-'),
  )
  .map(([body, sep]) => {
    const full = body + [...'0123456789'].find((c) => luhnValid(body + c))!;
    return full.replace(/(\d{4})(?=\d)/g, `$1${sep}`);
  });

/** Digits split into groups of 2 to 4 by one separator, as people write numbers. */
const grouped = (number: string, sep: string): string => {
  const groups: string[] = [];
  for (let i = 0; i < number.length; ) {
    const size = 2 + ((i * 7) % 3);
    groups.push(number.slice(i, i + size));
    i += size;
  }
  return groups.join(sep);
};

/**
 * National numbers of 8 to 12 digits, or international ones (+cc or 00cc) of 7 or more after the
 * country code, optionally with an area code in brackets, grouped by spaces, dashes or nothing.
 */
const phone = fc.oneof(
  // A national number starts with 1–9, or with one trunk 0 and then 1–9 (00 is the international prefix).
  fc.tuple(fc.constantFrom('', '0'), fc.integer({ min: 1, max: 9 }), digits(7, 10), fc.constantFrom(' ', '-', '')).map(
    ([trunk, first, n, sep]) => grouped(`${trunk}${first}${n}`, sep),
  ),
  fc
    .tuple(fc.constantFrom('+', '00'), fc.integer({ min: 1, max: 999 }), digits(7, 11), fc.constantFrom(' ', '-', ''))
    .map(([prefix, cc, n, sep]) => `${prefix}${cc}${sep === '' ? '' : ' '}${grouped(n, sep)}`),
  fc.tuple(digits(2, 3), digits(7, 8), fc.constantFrom(' ', '-')).map(([area, n, sep]) => `(${area}) ${grouped(n, sep)}`),
);

const label = fc.stringMatching(/^[a-z0-9](?:[a-z0-9-]{0,10}[a-z0-9])?$/);
/** Addresses as visitors type them: letters, digits, dots, plus tags, any case, ordinary domains. */
const email = fc
  .tuple(fc.stringMatching(/^[A-Za-z0-9](?:[A-Za-z0-9._+-]{0,20}[A-Za-z0-9])?$/), fc.array(label, { minLength: 1, maxLength: 3 }), fc.stringMatching(/^[a-z]{2,6}$/))
  .map(([local, labels, tld]) => `${local}@${labels.join('.')}.${tld}`);

const WORDS = [
  'hello', 'I', 'would', 'like', 'to', 'book', 'a', 'table', 'for', 'two', 'tomorrow', 'please', 'the', 'order',
  'arrived', 'late', 'hei', 'jeg', 'vil', 'bestille', 'time', 'på', 'mandag', 'takk', 'hola', 'quiero', 'reservar',
  'mañana', 'gracias', 'price', 'is', 'at', 'version', 'from', 'until', 'room', 'server', 'costs', 'per', 'month',
];
/** The numbers ordinary sentences hold: short counts, prices, dates, times, versions, IPs. */
const ordinaryNumber = fc.oneof(
  fc.integer({ min: 0, max: 99_999 }).map(String),
  fc.tuple(fc.integer({ min: 1, max: 9_999 }), fc.constantFrom('kr', 'NOK', '€', '$', '%')).map(([n, unit]) => `${n} ${unit}`),
  fc.date({ min: new Date('1990-01-01'), max: new Date('2099-12-31'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10)),
  fc.tuple(fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 })).map(([h, m]) => `${h}:${String(m).padStart(2, '0')}`),
  fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 3, maxLength: 4 }).map((parts) => parts.join('.')),
);
/**
 * One to four words, then maybe a number: sentences hold numbers between words. (Two numbers side
 * by side, "12345 67890", read as one phone number, which is the accepted side of over-masking.)
 */
const phrase = fc.tuple(fc.array(fc.constantFrom(...WORDS), { minLength: 1, maxLength: 4 }), fc.option(ordinaryNumber)).map(
  ([words, number]) => (number === null ? words : [...words, number]).join(' '),
);
const sentence = fc.array(phrase, { minLength: 1, maxLength: 6 }).chain((phrases) =>
  fc.constantFrom('', '.', '!', '?').map((end) => phrases.join(' ') + end),
);

const around = fc.tuple(sentence, fc.constantFrom(' ', ': ', ' (', ', '), fc.constantFrom(' ', ') ', ', ', '. '), sentence);

describe('the personal-data detectors (property tests)', () => {
  it('detectors: a generated e-mail address, phone number or Luhn-valid card number never survives the transcript mask', () => {
    fc.assert(
      fc.property(fc.oneof(email, phone, card), around, (pii, [before, open, close, after]) => {
        const masked = maskText(`${before}${open}${pii}${close}${after}`);
        return !masked.includes(pii) && masked.includes(MASKED_PII);
      }),
      { numRuns: 5_000 },
    );
  });

  it('detectors: ordinary sentences (words, prices, dates, times, versions, short numbers) are left as they are', () => {
    fc.assert(
      fc.property(sentence, (text) => maskText(text) === text && maskDetected(text) === text),
      { numRuns: 3_000 },
    );
  });

  it('detectors: a run of digits that is not Luhn-valid and too short for a phone is left alone', () => {
    fc.assert(
      fc.property(digits(1, 7), (n) => maskDetected(`order ${n} shipped`) === `order ${n} shipped`),
      { numRuns: 500 },
    );
  });

  it('detectors: the same text always masks the same way (no state carried between calls)', () => {
    fc.assert(
      fc.property(fc.oneof(email, phone, card), sentence, (pii, text) => {
        const input = `${text} ${pii}`;
        return maskText(input) === maskText(input);
      }),
      { numRuns: 500 },
    );
  });

  it('detectors: known shapes', () => {
    expect(maskText('ring 912 34 567 eller +47 22 33 44 55')).toBe(`ring ${MASKED_PII} eller ${MASKED_PII}`);
    expect(maskText('ADA.Lovelace+chat@Example.ORG wrote')).toBe(`${MASKED_PII} wrote`);
  });

  it('detectors: a card number beside another number, before or after it, is still masked and the other number kept', () => {
    // FUZZ seed -1862414102 of the property above: "… gracias 7 010000000000000009 hello" read as
    // one 19-digit candidate, which failed Luhn, so the card inside it survived.
    expect(maskDetected('mandag gracias 7 010000000000000009 hello')).toBe('mandag gracias 7 [card] hello');
    expect(maskDetected('card 4111 1111 1111 1111 7 thanks')).toBe('card [card] 7 thanks');
    expect(maskDetected('room 12 4111-1111-1111-1111')).toBe('room 12 [card]');
    expect(maskText('hei tomorrow arrived 42.198.177.165 two mandag gracias 7 010000000000000009 hello')).not.toContain('010000000000000009');
  });

  it('detectors: a phone number right after a date is masked, and the date kept', () => {
    expect(maskText('room 2005-08-18 0010 00 0000 0')).toBe(`room 2005-08-18 ${MASKED_PII}`);
    expect(maskText('on 2026-03-01 912 34 567, or 2026-03-02T10:00')).toBe(`on 2026-03-01 ${MASKED_PII}, or 2026-03-02T10:00`);
    expect(maskText('ring 91234567 2026-03-01')).toBe(`ring ${MASKED_PII} 2026-03-01`);
    // A date-shaped group inside a dash-grouped number is the number's.
    expect(maskText('call +1 00-1900-00-00 or +1 555-1999-12-31')).toBe(`call ${MASKED_PII} or ${MASKED_PII}`);
  });

  it('detectors: the 00 of an international prefix is not counted as the number\'s own digits', () => {
    expect(maskDetected('order 0012345 shipped')).toBe('order 0012345 shipped');
    expect(maskDetected('ring 0047 1234567')).toBe('ring [phone]');
  });
});
