// The handover's sealed fields (handover.ts): what the store keeps of a resolution note, a rating
// comment and an internal note, and that none of them opens in another field or conversation. Real
// AES-256-GCM; the store methods are held to the handover contract in sealed-contract.test.ts.
import { createSecretKey, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Handover, HandoverNote } from '../handover-store.ts';
import { open, seal, type DataKey } from './cipher.ts';
import { sealingErrorCode } from './errors.ts';
import type { Transform } from './fields.ts';
import { transformHandover, transformNote } from './handover.ts';

const keyOf = (conversationId: string): DataKey => ({ conversationId, generation: 1, key: createSecretKey(randomBytes(32)) });
const sealer = (key: DataKey): Transform => (field, value) => seal(key, field, value);
const opener = (key: DataKey): Transform => (field, value) => open(key, field, value);

const handover: Handover = {
  id: 'h'.repeat(22),
  conversationId: 'conv-a',
  botId: 'demo',
  state: 'resolved',
  source: 'intent',
  origin: 'https://shop.example',
  startedAt: new Date(0),
  assigneeId: 'u1',
  assignedAt: new Date(1),
  firstResponseAt: new Date(2),
  endedAt: new Date(3),
  resolution: 'answered',
  resolutionNote: 'refund issued to card ending 4242',
  rating: 2,
  ratingComment: 'the agent called me Mr. Jensen, I am Ms.',
  version: 4,
};

describe('handover fields sealed', () => {
  it('seals the resolution note, the rating comment and notes; opens them back; leaves everything else and nulls as they are', () => {
    const key = keyOf('conv-a');
    const sealed = transformHandover(handover, sealer(key));
    expect(JSON.stringify(sealed)).not.toMatch(/4242|Jensen/);
    expect({ ...sealed, resolutionNote: null, ratingComment: null }).toEqual({ ...handover, resolutionNote: null, ratingComment: null });
    expect(transformHandover(sealed, opener(key))).toEqual(handover);
    expect(transformHandover({ ...handover, resolutionNote: null, ratingComment: null }, sealer(key))).toMatchObject({ resolutionNote: null, ratingComment: null });

    const note: HandoverNote = { id: 'n1', handoverId: handover.id, authorId: 'u1', text: 'visitor is Ms. Jensen, VIP', createdAt: new Date(5) };
    const sealedNote = transformNote(note, sealer(key));
    expect(sealedNote.text).not.toContain('Jensen');
    expect(transformNote(sealedNote, opener(key))).toEqual(note);
  });

  it('a note moved into the resolution note, or a comment into another conversation, fails authentication', () => {
    const a = keyOf('conv-a');
    const sealed = transformHandover(handover, sealer(a));
    const note = transformNote({ id: 'n1', handoverId: handover.id, authorId: 'u1', text: 'internal only', createdAt: new Date(5) }, sealer(a));
    const failure = (work: () => unknown) => {
      try {
        work();
        return 'opened';
      } catch (err) {
        return sealingErrorCode(err);
      }
    };
    expect(failure(() => transformHandover({ ...sealed, resolutionNote: note.text }, opener(a)))).toBe('tampered');
    expect(failure(() => transformHandover({ ...sealed, resolutionNote: sealed.ratingComment }, opener(a)))).toBe('tampered');
    expect(failure(() => transformHandover(sealed, opener({ ...a, conversationId: 'conv-b' })))).toBe('tampered');
  });
});
