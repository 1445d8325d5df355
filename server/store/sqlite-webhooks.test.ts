// The webhook contract on SQLite (a fresh temp file per test).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';
import { openSqliteStore } from './sqlite.ts';
import { runWebhookContract } from './webhook-contract.ts';

const root = mkdtempSync(path.join(tmpdir(), 'parley-webhooks-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

let counter = 0;

runWebhookContract('SQLite webhook contract', () => openSqliteStore(path.join(root, `webhooks-${++counter}.db`)));
