// The operator CLI (`npm run parley -- …`) as tests run it: a real child process through tsx, with
// only the environment given (plus PATH and HOME), or in-process (runCli, no start-up to pay); the
// store that environment opens; and temp dirs removed after the file's tests.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';
import { runCli } from '../../server/cli.ts';
import { loadConfig } from '../../server/config/index.ts';
import { openStore, type Store } from '../../server/store/index.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const TSX = path.join(ROOT, 'node_modules/.bin/tsx');

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `server/cli.ts` with `args`; each run pays tsx start-up (seconds on a loaded machine). */
export function parleyProcess(args: string[], env: Record<string, string>): CliRun {
  const result = spawnSync(TSX, [path.join(ROOT, 'server/cli.ts'), ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** A maker of temp dirs (a DATA_DIR each), all removed once the calling file's tests are done. */
export function tempDirs(prefix: string): () => string {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));
  return () => {
    dirs.push(mkdtempSync(path.join(tmpdir(), prefix)));
    return dirs.at(-1)!;
  };
}

/** Runs the CLI's `runCli` in this process with `env`, its lines collected. */
export async function parleyInProcess(args: string[], env: Record<string, string>): Promise<CliRun> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(args, env, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, stdout: out.join('\n'), stderr: err.join('\n') };
}

/** The store `env` configures, as the server and the CLI open it (sealed), for the length of `work`. */
export async function withStoreOf<T>(env: Record<string, string>, work: (store: Store) => Promise<T>): Promise<T> {
  const store = await openStore(loadConfig(env));
  try {
    return await work(store);
  } finally {
    await store.close();
  }
}
