// The folder Parley is installed in, the one holding package.json, dist/ and public/. Found upward
// from this file because it runs from two depths: server/ under tsx, dist/server/ once built.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

function packageDirAbove(start: string): string {
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) throw new Error(`no package.json in ${start} or above it`);
  }
}

export const installDir = packageDirAbove(import.meta.dirname);
