// The report contract on SQLite (a fresh temp file per test).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';
import { openSqliteStore } from './sqlite.ts';
import { runReportContract } from './report-contract.ts';

const root = mkdtempSync(path.join(tmpdir(), 'parley-reports-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

let counter = 0;

runReportContract('SQLite report contract', () => openSqliteStore(path.join(root, `reports-${++counter}.db`)));
