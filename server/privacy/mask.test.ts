// The transcript operators see: PII-tagged form values hidden wherever they were echoed, and what
// the detectors find (e-mail, phone, card) hidden in any text, whoever wrote it.
import { describe, expect, it } from 'vitest';
import type { ChatMessage } from '../../common/wire.ts';
import { MASKED_PII, maskText, maskTranscript, personalMatcher } from './mask.ts';

const message = (id: number, sender: ChatMessage['sender'], text: string): ChatMessage => ({
  id,
  conversationId: 'c'.repeat(22),
  clientId: null,
  sender,
  text,
  createdAt: '2026-01-01T00:00:00.000Z',
});

describe('transcript masking', () => {
  it('mask: a PII-tagged form value is hidden wherever it appears, also in the bot’s echo of it', () => {
    const values = [
      { key: 'name', value: 'Ingrid Bergman', pii: 'identity' as const },
      { key: 'size', value: 'large', pii: 'none' as const },
    ];
    const [visitor, bot] = maskTranscript(
      [message(1, 'visitor', 'I am Ingrid Bergman'), message(2, 'bot', 'Thanks Ingrid Bergman, one large table')],
      values,
    );
    expect(visitor!.text).toBe(`I am ${MASKED_PII}`);
    expect(bot!.text).toBe(`Thanks ${MASKED_PII}, one large table`);
  });

  it('mask: e-mail addresses, phone and card numbers in free text are hidden; dates, times and short numbers stay', () => {
    const text = 'mail ann.smith@example.com or call +47 912 34 567, card 4111 1111 1111 1111, on 2026-03-01 at 14:30 for 2';
    expect(maskText(text)).toBe(`mail ${MASKED_PII} or call ${MASKED_PII}, card ${MASKED_PII}, on 2026-03-01 at 14:30 for 2`);
  });

  it('mask: values shorter than three characters and untagged values are not hunted down in text', () => {
    const personal = personalMatcher([
      { value: 'no', pii: 'contact' },
      { value: 'blue', pii: 'none' },
      { value: '  Bergen  ', pii: 'sensitive' },
    ]);
    expect(maskText('no, the blue house in Bergen', personal)).toBe(`no, the blue house in ${MASKED_PII}`);
    expect(personalMatcher([{ value: 'no', pii: 'contact' }, { value: 'blue', pii: 'none' }])).toBeNull();
  });

  it('mask: a value holding another is hidden whole, and a message without anything personal is the same object', () => {
    const personal = personalMatcher([{ value: 'Oslo', pii: 'contact' }, { value: 'Oslo Centre', pii: 'contact' }]);
    expect(maskText('at Oslo Centre', personal)).toBe(`at ${MASKED_PII}`);
    const plain = message(3, 'visitor', 'hello there');
    expect(maskTranscript([plain], [{ value: 'Oslo', pii: 'identity' }])[0]).toBe(plain);
  });

  it('mask: a collected value is hidden in any letter case, and a collected name word by word wherever one of its words stands alone', () => {
    const values = [
      { key: 'name', value: 'Ada Lovelace', pii: 'identity' as const },
      { key: 'email', value: 'Ada.L@Example.com', pii: 'contact' as const },
    ];
    const [echo, later, alone, other] = maskTranscript(
      [
        message(1, 'bot', 'Thanks, ADA LOVELACE!'),
        message(2, 'visitor', 'write to ada.l@example.com please'),
        message(3, 'visitor', 'this is Ada again, and lovelace is my family name'),
        message(4, 'visitor', 'Adam reads Lovelaces and adapts'),
      ],
      values,
    );
    expect(echo!.text).toBe(`Thanks, ${MASKED_PII}!`);
    expect(later!.text).toBe(`write to ${MASKED_PII} please`);
    expect(alone!.text).toBe(`this is ${MASKED_PII} again, and ${MASKED_PII} is my family name`);
    // Whole words only: a longer word that starts with a name is someone else's.
    expect(other!.text).toBe('Adam reads Lovelaces and adapts');
  });
});
