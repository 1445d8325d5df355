// The webhook contract on SQLite (a fresh temp file per test).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';
import { openSqliteStore } from './sqlite.ts';
import { runWebhookContract } from './webhook-contract.ts';
import { runWebhookCauseContract } from './webhook-cause-contract.ts';

const root = mkdtempSync(path.join(tmpdir(), 'parley-webhooks-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

let counter = 0;

runWebhookContract('SQLite webhook contract', () => openSqliteStore(path.join(root, `webhooks-${++counter}.db`)));
runWebhookCauseContract('SQLite webhook events with their cause', () => openSqliteStore(path.join(root, `webhooks-${++counter}.db`)));
