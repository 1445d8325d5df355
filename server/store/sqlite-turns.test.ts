// Durable turns on SQLite: the shared turn contract, plus what only the file shows.
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openSqliteStore } from './sqlite.ts';
import { runTurnContract } from './turns-contract.ts';
import { newConversationId } from './store-contract.ts';

const root = mkdtempSync(path.join(tmpdir(), 'parley-turns-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

let counter = 0;
const freshFile = () => path.join(root, `turns-${++counter}.db`);

runTurnContract('SQLite turn contract', () => openSqliteStore(freshFile()));

describe('SQLite turns on disk', () => {
  it('a pending turn survives a reopen; the lease of the run before does not', async () => {
    const file = freshFile();
    const id = newConversationId();
    const first = await openSqliteStore(file);
    await first.createConversation({ id, botId: 'demo', visitorId: 'v', origin: 'https://site.example' });
    const { message } = await first.appendVisitorMessage({
      conversationId: id, clientId: 'c', sender: 'visitor', text: 'hi', turn: { input: { text: 'hi' }, locale: 'en', access: 'public' },
    });
    expect(await first.lease(`turns:${id}`, 'killed-instance', Date.now(), Date.now() + 3_600_000)).toBe(true);
    await first.close(); // as good as a crash for the file: the lease row stays behind

    const second = await openSqliteStore(file);
    expect((await second.nextTurn(id))?.messageId).toBe(message.id);
    expect(await second.lease(`turns:${id}`, 'new-instance', Date.now(), Date.now() + 1000)).toBe(true);
    await second.close();
  });

  it('keeps a form answer as typed only until its turn is done', async () => {
    const dir = mkdtempSync(path.join(root, 'pii-'));
    const store = await openSqliteStore(path.join(dir, 'parley.db'));
    const id = newConversationId();
    await store.createConversation({ id, botId: 'demo', visitorId: 'v', origin: 'https://site.example' });
    const secret = 'turn-input-7f3a@example.com';
    const { message } = await store.appendVisitorMessage({
      conversationId: id, clientId: 'c', sender: 'visitor', text: '••••••', turn: { input: { text: secret }, locale: 'en', access: 'public' },
    });
    await store.completeTurn(id, message.id, { replies: [{ sender: 'bot', text: 'thanks' }], values: [], state: {} });
    await store.close(); // checkpoints the WAL into the file
    for (const name of readdirSync(dir)) {
      expect(readFileSync(path.join(dir, name)).includes(secret), name).toBe(false);
    }
  });
});
