// `npm run build`: everything that runs, into dist/. First the loader, the frame and the console
// (Vite, widget/build.ts: it empties dist/), then the server as JavaScript (tsc -p
// tsconfig.server.json: dist/server/, dist/common/), then dist/build-info.json, written last so a
// build that stopped half-way is never taken for a finished one. The fingerprint is taken before
// building: a source edited during the build makes the next `npm start` build again.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { inputsFingerprint, writeStamp } from './build-state.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const resolve = createRequire(import.meta.url).resolve;

/**
 * Runs one build step with this Node; a failed step ends the build with its exit code.
 * @param {string[]} args
 */
function step(args) {
  const result = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

const fingerprint = inputsFingerprint(root);
step(['--import', 'tsx', 'widget/build.ts']);
step([resolve('typescript/bin/tsc'), '-p', 'tsconfig.server.json']);
writeStamp(root, fingerprint);
console.warn(`Parley server built into ${root}dist/server`);
