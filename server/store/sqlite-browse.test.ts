// The conversation browser's query on SQLite (a fresh temp file per test).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';
import { openSqliteStore } from './sqlite.ts';
import { runBrowseContract } from './browse-contract.ts';

const root = mkdtempSync(path.join(tmpdir(), 'parley-browse-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

let counter = 0;
runBrowseContract('SQLite browse contract', () => openSqliteStore(path.join(root, `browse-${++counter}.db`)));
