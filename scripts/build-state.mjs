// Whether dist/ holds a build of the sources beside it. `npm run build` records a fingerprint of
// what it read in dist/build-info.json, written last; `npm start` compares it with the sources as
// they are now. The fingerprint is a SHA-256 over every input's path and content (about 200 files,
// 0.7 MB: a few milliseconds), not over modification times, so a checkout, a copy or an archive
// that keeps or resets mtimes can neither hide a change nor force a needless build. Plain
// JavaScript: `npm start` runs it where only the runtime dependencies are installed.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** What the build reads: the folders it compiles or bundles, and the files that steer it. */
const INPUT_DIRS = ['server', 'common', 'widget', 'console'];
const INPUT_FILES = ['package-lock.json', 'tsconfig.json', 'tsconfig.server.json'];
/** Tests sit beside the sources but never reach the build. */
const TEST_FILE = /\.test\.tsx?$/;
export const STAMP = 'dist/build-info.json';

/**
 * Input paths under `dir` (relative to `root`, `/`-separated), sorted.
 * @param {string} root
 * @param {string} dir
 * @returns {string[]}
 */
function inputsUnder(root, dir) {
  return readdirSync(join(root, dir), { withFileTypes: true })
    .flatMap((entry) => {
      const path = `${dir}/${entry.name}`;
      if (entry.isDirectory()) return inputsUnder(root, path);
      return entry.isFile() && !TEST_FILE.test(entry.name) ? [path] : [];
    })
    .sort();
}

/**
 * The fingerprint of the build's inputs in `root`, or undefined where there are no sources (a
 * deployment that ships dist/ alone).
 * @param {string} root
 * @returns {string | undefined}
 */
export function inputsFingerprint(root) {
  const dirs = INPUT_DIRS.filter((dir) => existsSync(join(root, dir)));
  if (dirs.length === 0) return undefined;
  const files = [...dirs.flatMap((dir) => inputsUnder(root, dir)), ...INPUT_FILES.filter((file) => existsSync(join(root, file)))];
  const hash = createHash('sha256');
  // Length-prefixed, so no path and content can run into the next one's.
  for (const file of files) {
    const content = readFileSync(join(root, file));
    hash.update(`${file.length}:${file}${content.length}:`).update(content);
  }
  return hash.digest('hex');
}

/**
 * Records that dist/ was built from inputs with this fingerprint.
 * @param {string} root
 * @param {string | undefined} fingerprint
 */
export function writeStamp(root, fingerprint) {
  writeFileSync(join(root, STAMP), `${JSON.stringify({ inputs: fingerprint ?? null, builtAt: new Date().toISOString() }, null, 2)}\n`);
}

/**
 * - `fresh`: dist/ was built from the sources as they are;
 * - `stale`: a source changed (or was added or removed) since;
 * - `missing`: no finished build (none yet, or one that stopped half-way);
 * - `prebuilt`: a finished build and no sources beside it, so nothing to compare with.
 * @param {string} root
 * @returns {'fresh' | 'stale' | 'missing' | 'prebuilt'}
 */
export function buildState(root) {
  if (!existsSync(join(root, STAMP))) return 'missing';
  const current = inputsFingerprint(root);
  if (current === undefined) return 'prebuilt';
  return recordedFingerprint(root) === current ? 'fresh' : 'stale';
}

/**
 * @param {string} root
 * @returns {unknown} the stamp's fingerprint; undefined for a stamp that does not parse (taken as stale)
 */
function recordedFingerprint(root) {
  try {
    return JSON.parse(readFileSync(join(root, STAMP), 'utf8')).inputs;
  } catch {
    return undefined;
  }
}
