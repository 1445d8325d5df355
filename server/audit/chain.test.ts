// The hash chain on its own: canonical JSON, sealing, and which entry verification names for each
// kind of tampering.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { AuditEntry } from '../store/console-store.ts';
import { GENESIS_HASH, canonicalJson, sealEntry, verifyChain } from './chain.ts';

const T0 = new Date('2030-01-01T00:00:00.000Z');

function chainOf(n: number): AuditEntry[] {
  const entries: AuditEntry[] = [];
  for (let i = 0; i < n; i++) {
    entries.push(
      sealEntry(entries.at(-1) ?? null, {
        at: new Date(T0.getTime() + i * 1000),
        actor: i % 2 === 0 ? 'ann' : null,
        action: i === 0 ? 'user.create' : 'login',
        target: null,
        outcome: 'ok',
        ip: '192.0.2.1',
        details: { n: i },
      }),
    );
  }
  return entries;
}

describe('canonicalJson', () => {
  it('sorts keys at every depth, prints dates as ISO strings and has no whitespace', () => {
    expect(canonicalJson({ b: 1, a: { d: [true, null], c: 'x' }, at: T0 })).toBe(
      '{"a":{"c":"x","d":[true,null]},"at":"2030-01-01T00:00:00.000Z","b":1}',
    );
    expect(canonicalJson({ z: 1, a: 2 })).toBe(canonicalJson({ a: 2, z: 1 }));
  });

  it('refuses what JSON cannot say exactly', () => {
    for (const bad of [Number.NaN, Infinity, new Date(Number.NaN), undefined, () => 1, 10n]) {
      expect(() => canonicalJson({ bad }), String(bad)).toThrow(TypeError);
    }
  });
});

describe('sealEntry', () => {
  it('links the first entry to 64 zeros and hashes prevHash + the canonical JSON of the other fields', () => {
    const [first] = chainOf(1);
    expect(first).toMatchObject({ seq: 1, prevHash: GENESIS_HASH });
    expect(GENESIS_HASH).toMatch(/^0{64}$/);
    const body = '{"action":"user.create","actor":"ann","at":"2030-01-01T00:00:00.000Z","details":{"n":0},"ip":"192.0.2.1","outcome":"ok","seq":1,"target":null}';
    expect(first!.hash).toBe(createHash('sha256').update(GENESIS_HASH + body).digest('hex'));
  });

  it('numbers and links each entry on the one before it', () => {
    const entries = chainOf(3);
    expect(entries.map((e) => e.seq)).toEqual([1, 2, 3]);
    expect(entries[1]!.prevHash).toBe(entries[0]!.hash);
    expect(entries[2]!.prevHash).toBe(entries[1]!.hash);
  });

  it('seals only the documented fields: a stray key does not change the hash', () => {
    const [plain] = chainOf(1);
    const { seq: _seq, prevHash: _p, hash: _h, ...fields } = plain!;
    expect(sealEntry(null, { ...fields, extra: 'x' } as typeof fields).hash).toBe(plain!.hash);
  });
});

describe('verifyChain', () => {
  it('accepts an intact chain, whole or page by page', () => {
    const entries = chainOf(6);
    expect(verifyChain(entries)).toBeNull();
    expect(verifyChain(entries.slice(3), entries[2])).toBeNull();
    expect(verifyChain([])).toBeNull();
  });

  it('names the altered entry when a field changes', () => {
    const entries = chainOf(5);
    for (const change of [{ outcome: 'denied' as const }, { actor: 'mallory' }, { details: { n: 99 } }, { at: new Date(0) }, { target: 'x' }]) {
      const tampered = entries.map((e) => (e.seq === 3 ? { ...e, ...change } : e));
      expect(verifyChain(tampered), JSON.stringify(change)).toBe(3);
    }
  });

  it('names the next entry when the altered one was re-sealed to look intact', () => {
    const entries = chainOf(5);
    const resealed = sealEntry(entries[1]!, { ...entries[2]!, outcome: 'denied' });
    expect(verifyChain(entries.map((e) => (e.seq === 3 ? resealed : e)))).toBe(4);
  });

  it('names the entry after a removed one, and the first entry of a chain that does not start at 1', () => {
    const entries = chainOf(5);
    expect(verifyChain(entries.filter((e) => e.seq !== 3))).toBe(4);
    expect(verifyChain(entries.slice(1))).toBe(2);
  });

  it('names the first entry out of place when two are swapped', () => {
    const entries = chainOf(5);
    expect(verifyChain([entries[0]!, entries[2]!, entries[1]!, entries[3]!, entries[4]!])).toBe(3);
  });

  it('names an entry whose stored date cannot be read, instead of throwing', () => {
    const entries = chainOf(3);
    expect(verifyChain(entries.map((e) => (e.seq === 2 ? { ...e, at: new Date(Number.NaN) } : e)))).toBe(2);
  });
});
