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

  it('forgets what it kept when the conversation is erased', async () => {
    const text = await noted('conv-a', 'message.text', 'my address is 1 Main St');
    await keyring.destroy(['conv-a']);
    expect(keyring.recall('conv-a', 'message.text', text)).toBeUndefined();
  });
});
