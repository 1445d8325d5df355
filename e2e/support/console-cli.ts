// `npm run parley -- create-admin <email>` against a running server's own data, for the console
// specs: the one-time link it prints.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect } from '@playwright/test';
import type { ParleyProcess } from '../../test/helpers/parley-server.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export function createAdmin(parley: ParleyProcess, email: string): string {
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'server/cli.ts', 'create-admin', email], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, PUBLIC_URL: parley.url, DATA_DIR: parley.dataDir, LOG_LEVEL: 'warn' },
    encoding: 'utf8',
    timeout: 60_000,
  });
  expect(run.status, run.stderr).toBe(0);
  return linkIn(run.stdout);
}

export function linkIn(text: string): string {
  const link = /(http\S+\/console\/#set-password=\S+)/.exec(text)?.[1];
  if (!link) throw new Error(`no set-password link in:\n${text}`);
  return link;
}
