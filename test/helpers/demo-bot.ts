// A bots directory holding the shipped demo bot with a test's changes (a policy, `enabled`…), for
// servers, CLIs and benchmarks that need the real bot with one setting different.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { madeTempDir } from './temp-dirs.ts';

export interface BotFile {
  policy: Record<string, unknown>;
  [field: string]: unknown;
}

const DEMO = new URL('../../bots/demo.json', import.meta.url);

/** A new temp directory with the demo bot, changed by `patch`, saved as `<id>.json`. */
export function demoBotsDir(patch: (bot: BotFile) => void = () => {}, id = 'demo'): string {
  const dir = madeTempDir('parley-bots-');
  const bot = JSON.parse(readFileSync(DEMO, 'utf8')) as BotFile;
  patch(bot);
  writeFileSync(join(dir, `${id}.json`), JSON.stringify(bot));
  return dir;
}
