// A message whose append has resolved survives a SIGKILL of the process that stored it: the store
// is reopened on the same file (WAL recovery) and every acknowledged message is there.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { openSqliteStore } from './sqlite.ts';
import { newConversationId } from './store-contract.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = mkdtempSync(path.join(tmpdir(), 'parley-crash-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Runs the child until it has acknowledged `count` appends, then kills it with SIGKILL. */
function appendThenKill(file: string, conversationId: string, count: number): Promise<number[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', path.join(here, 'fixtures', 'append-then-wait.ts'), file, conversationId, String(count)],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const acknowledged: number[] = [];
    let stderr = '';
    let buffer = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      const lines = buffer.split('\n');
      buffer = lines.pop() ?? '';
      for (const line of lines) {
        const match = /^stored (\d+)$/.exec(line);
        if (match) acknowledged.push(Number(match[1]));
      }
      if (acknowledged.length === count) child.kill('SIGKILL');
    });
    child.on('exit', (_code, signal) => {
      if (signal === 'SIGKILL' && acknowledged.length === count) resolve(acknowledged);
      else reject(new Error(`child ended early (signal ${String(signal)}): ${stderr}`));
    });
  });
}

describe('SQLite store after SIGKILL', () => {
  it('keeps every acknowledged message and continues the id sequence', async () => {
    const file = path.join(root, 'crash.db');
    const conversationId = newConversationId();
    const acknowledged = await appendThenKill(file, conversationId, 20);
    expect(acknowledged).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));

    const store = await openSqliteStore(file);
    try {
      const stored = await store.listMessages(conversationId, 0, 100);
      expect(stored.map((m) => m.id)).toEqual(acknowledged);
      expect(stored.map((m) => m.text)).toEqual(acknowledged.map((id) => `m${id - 1}`));
      const next = await store.appendMessage({ conversationId, clientId: 'after-crash', sender: 'visitor', text: 'x' });
      expect(next.message.id).toBe(21);
    } finally {
      await store.close();
    }
  });
});
