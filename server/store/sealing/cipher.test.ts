// Sealed values: what opens and what fails authentication. Real AES-256-GCM from node:crypto.
import { createSecretKey, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { generationOf, open, seal, type DataKey } from './cipher.ts';
import { sealingErrorCode } from './errors.ts';
import { unwrapDataKey, wrapDataKey } from './key-wrap.ts';

const keyOf = (conversationId: string, generation = 1): DataKey => ({ conversationId, generation, key: createSecretKey(randomBytes(32)) });
const failure = (work: () => unknown) => {
  try {
    work();
    return 'opened';
  } catch (err) {
    return sealingErrorCode(err) ?? String(err);
  }
};

describe('sealed values', () => {
  it('opens under its own conversation, field and key; the envelope names its generation', () => {
    const key = keyOf('conv-a', 3);
    const sealed = seal(key, 'message.text', 'my card is 4111 1111 1111 1111 ✓');
    expect(sealed).toMatch(/^sealed1:3:[A-Za-z0-9_-]+$/);
    expect(sealed).not.toContain('4111');
    expect(generationOf(sealed)).toBe(3);
    expect(generationOf('plain text')).toBeNull();
    expect(open(key, 'message.text', sealed)).toBe('my card is 4111 1111 1111 1111 ✓');
    expect(open(key, 'message.text', seal(key, 'message.text', ''))).toBe('');
  });

  it('a fresh nonce per value: the same text sealed 100,000 times never repeats a nonce', () => {
    const key = keyOf('conv-a');
    const nonces = new Set<string>();
    for (let i = 0; i < 100_000; i++) nonces.add(Buffer.from(seal(key, 'f', 'same').split(':')[2]!, 'base64url').subarray(0, 12).toString('hex'));
    expect(nonces.size).toBe(100_000);
  });

  it('a ciphertext moved to another conversation, another field or another generation fails authentication', () => {
    const a = keyOf('conv-a');
    const sealed = seal(a, 'message.text', 'secret');
    // Another conversation with the same key bytes: only the associated data differs.
    expect(failure(() => open({ ...a, conversationId: 'conv-b' }, 'message.text', sealed))).toBe('tampered');
    expect(failure(() => open(a, 'message.quickReply.action', sealed))).toBe('tampered');
    expect(failure(() => open(a, 'value:email', seal(a, 'value:phone', '+47 22 33 44 55')))).toBe('tampered');
    expect(failure(() => open({ ...a, generation: 2 }, 'message.text', sealed))).toBe('tampered');
    expect(failure(() => open(keyOf('conv-a'), 'message.text', sealed))).toBe('tampered');
  });

  it('a flipped bit, a cut-off tag, a forged generation or garbage fails authentication, never a crash', () => {
    const a = keyOf('conv-a');
    const sealed = seal(a, 'f', 'secret');
    const body = Buffer.from(sealed.split(':')[2]!, 'base64url');
    for (const i of [0, 12, body.length - 1]) {
      const flipped = Buffer.from(body);
      flipped[i]! ^= 1;
      expect(failure(() => open(a, 'f', `sealed1:1:${flipped.toString('base64url')}`))).toBe('tampered');
    }
    expect(failure(() => open(a, 'f', `sealed1:1:${body.subarray(0, body.length - 4).toString('base64url')}`))).toBe('tampered');
    for (const junk of ['sealed1:', 'sealed1:1:', 'sealed1:1:!!', 'sealed1:x:abc', 'sealed1:01:abc', `sealed1:1:${'A'.repeat(10)}`]) {
      expect(failure(() => open(a, 'f', junk))).toBe('tampered');
    }
    expect(generationOf('sealed1:nonsense')).toBe(0);
  });
});

describe('wrapped data keys', () => {
  it('unwrap with the key that wrapped them, for the conversation and generation they were made for, and nothing else', () => {
    const k1 = { kid: 'k1', key: randomBytes(32) };
    const dataKey = randomBytes(32);
    const wrapped = wrapDataKey(k1, 'conv-a', 1, dataKey);
    expect(wrapped.wrapped.includes(dataKey)).toBe(false);
    expect(unwrapDataKey([k1], wrapped)).toEqual(dataKey);
    expect(unwrapDataKey([{ kid: 'k2', key: k1.key }], wrapped)).toBe('unknown kid');
    expect(unwrapDataKey([{ kid: 'k1', key: randomBytes(32) }], wrapped)).toBe('wrong key');
    expect(unwrapDataKey([k1], { ...wrapped, conversationId: 'conv-b' })).toBe('wrong key');
    expect(unwrapDataKey([k1], { ...wrapped, generation: 2 })).toBe('wrong key');
    expect(unwrapDataKey([k1], { ...wrapped, wrapped: wrapped.wrapped.subarray(1) })).toBe('wrong key');
  });
});
