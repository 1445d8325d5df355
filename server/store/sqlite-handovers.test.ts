// The handover contract on SQLite (a fresh temp file per test).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';
import { defaultArchiveFile, openSqliteStore } from './sqlite.ts';
import { runHandoverContract } from './handover-contract.ts';
import { readSqliteArchivedHandovers } from '../../test/helpers/data-files.ts';

const root = mkdtempSync(path.join(tmpdir(), 'parley-handovers-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

let counter = 0;

runHandoverContract('SQLite handover contract', async () => {
  const file = path.join(root, `handovers-${++counter}.db`);
  return { store: await openSqliteStore(file), readArchivedHandovers: readSqliteArchivedHandovers(defaultArchiveFile(file)) };
});
