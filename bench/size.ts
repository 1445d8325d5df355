// Size budget of what visitors download: the host-page loader and the chat frame's own JS, gzip.
// Run after `npm run build`. Prints both figures and exits non-zero when either is over budget.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const dist = new URL('../dist/', import.meta.url).pathname;
const LOADER_BUDGET = 4 * 1024;
const FRAME_BUDGET = 45 * 1024;

function gzipSize(file: string): number {
  return gzipSync(readFileSync(file), { level: 9 }).length;
}

function report(name: string, bytes: number, budget: number): boolean {
  const ok = bytes <= budget;
  console.log(`${name.padEnd(22)} ${(bytes / 1024).toFixed(2).padStart(7)} KB gzip  budget ${(budget / 1024).toFixed(0)} KB  ${ok ? 'ok' : 'OVER'}`);
  return ok;
}

let files: string[];
try {
  files = readdirSync(join(dist, 'assets'));
} catch {
  console.error('dist/ not found: run `npm run build` first');
  process.exit(2);
}
const frameJs = files.filter((f) => f.endsWith('.js')).reduce((sum, f) => sum + gzipSize(join(dist, 'assets', f)), 0);
const frameCss = files.filter((f) => f.endsWith('.css')).reduce((sum, f) => sum + gzipSize(join(dist, 'assets', f)), 0);
const loaderOk = report('widget.js (loader)', gzipSize(join(dist, 'widget.js')), LOADER_BUDGET);
const frameOk = report('frame JS (all chunks)', frameJs, FRAME_BUDGET);
console.log(`${'frame CSS'.padEnd(22)} ${(frameCss / 1024).toFixed(2).padStart(7)} KB gzip  (no budget)`);
process.exit(loaderOk && frameOk ? 0 : 1);
