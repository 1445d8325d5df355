// What the keyring keeps as plain text (note/recall): only the very envelope, under the very field
// and conversation it was sealed for, and only the last few; erasure forgets it with the keys.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { seal } from './cipher.ts';
import { createKeyring, type Keyring } from './keyring.ts';
import { openSqliteKeyStore } from './sqlite-key-store.ts';

let dir: string;
let keyring: Keyring;

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'parley-keyring-'));
  keyring = createKeyring(openSqliteKeyStore(path.join(dir, 'keys.db')), [{ kid: 'k1', key: randomBytes(32) }]);
});

afterEach(async () => {
  await keyring.keyStore.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Seals `plain` for the conversation and notes it, as the sealed store does for what it reads back. */
async function noted(conversationId: string, field: string, plain: string): Promise<string> {
  const stored = seal(await keyring.current(conversationId), field, plain);
  keyring.note(conversationId, field, stored, plain);
  return stored;
}

describe('values kept opened', () => {
  it('recalls an envelope only under its own field and conversation', async () => {
    const text = await noted('conv-a', 'message.text', 'call me on 555-0100');
    await keyring.current('conv-b');
    expect(keyring.recall('conv-a', 'message.text', text)).toBe('call me on 555-0100');
    // The same ciphertext moved into the dialog state, or into another conversation, is opened
    // (and fails authentication there), never answered from memory.
    expect(keyring.recall('conv-a', 'conversation.state', text)).toBeUndefined();
    expect(keyring.recall('conv-b', 'message.text', text)).toBeUndefined();
    // Another envelope of the same words is not this one.
    expect(keyring.recall('conv-a', 'message.text', seal(await keyring.current('conv-a'), 'message.text', 'call me on 555-0100'))).toBeUndefined();
  });

  it('keeps the last four values of a conversation, the oldest going first', async () => {
    const stored = [];
    for (let i = 0; i < 6; i++) stored.push(await noted('conv-a', 'conversation.state', `{"step":${i}}`));
    expect(stored.map((s) => keyring.recall('conv-a', 'conversation.state', s))).toEqual([
      undefined,
      undefined,
      '{"step":2}',
      '{"step":3}',
      '{"step":4}',
      '{"step":5}',
    ]);
  });

  it('keeps no long value, and no more over the whole cache than its budget; erasure gives back what it kept', async () => {
    expect(keyring.recall('conv-a', 'message.text', await noted('conv-a', 'message.text', 'x'.repeat(600)))).toBeUndefined();
    await keyring.keyStore.close();
    // The envelope of 10 characters is 61 long: two such values (142 characters) fit a budget of
    // 150, a third does not.
    keyring = createKeyring(openSqliteKeyStore(path.join(dir, 'budget-keys.db')), [{ kid: 'k1', key: randomBytes(32) }], { recentBudgetChars: 150 });
    const first = await noted('conv-a', 'message.text', 'ten chars!');
    const second = await noted('conv-b', 'message.text', 'ten chars!');
    const third = await noted('conv-c', 'message.text', 'ten chars!');
    expect([first, second, third].map((s, i) => keyring.recall(`conv-${'abc'[i]}`, 'message.text', s))).toEqual(['ten chars!', 'ten chars!', undefined]);
    await keyring.destroy(['conv-a']);
    const fourth = await noted('conv-c', 'message.text', 'ten chars!');
    expect(keyring.recall('conv-c', 'message.text', fourth)).toBe('ten chars!');
  });

  it('forgets what it kept when the conversation is erased', async () => {
    const text = await noted('conv-a', 'message.text', 'my address is 1 Main St');
    await keyring.destroy(['conv-a']);
    expect(keyring.recall('conv-a', 'message.text', text)).toBeUndefined();
  });
});
