// The data-protection contract on SQLite (a fresh temp file per test).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';
import { openSqliteStore } from './sqlite.ts';
import { runDataProtectionContract } from './data-protection-contract.ts';

const root = mkdtempSync(path.join(tmpdir(), 'parley-data-protection-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

let counter = 0;

runDataProtectionContract('SQLite data-protection contract', () => openSqliteStore(path.join(root, `store-${++counter}.db`)));
