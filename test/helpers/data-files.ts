// Looking at a data directory the way an operator (or an attacker with a copy of the disk) would.
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';

/** Permission bits of `dir` itself (as `.`) and of every entry in it. */
export function modesIn(dir: string): Record<string, number> {
  const modes: Record<string, number> = { '.': statSync(dir).mode & 0o777 };
  for (const name of readdirSync(dir)) modes[name] = statSync(path.join(dir, name)).mode & 0o777;
  return modes;
}
