// Temp directories the test helpers make (a server's DATA_DIR, a bots directory), removed after each
// test file (test/setup/temp-dirs.ts) and when a process exits on its own (Playwright's workers,
// the benches), never sooner: a test may restart a server on its DATA_DIR. Without it every run of
// the suites left some hundreds behind (a developer's machine had 19,775, ~6 GB).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const made = new Set<string>();

/** A new directory under the system's temp dir, its name starting with `prefix`. */
export function madeTempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.add(dir);
  return dir;
}

export function removeMadeTempDirs(): void {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
  made.clear();
}

process.once('exit', removeMadeTempDirs);
