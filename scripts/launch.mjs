// `npm start` (`launch.mjs main`) and `npm run parley -- …` (`launch.mjs cli …`): run the built
// server or operator CLI from dist/, building first only when dist/ is missing or was built from
// other sources than the ones beside it (build-state.mjs). Where only the runtime dependencies are
// installed (`npm ci --omit=dev`) nothing can be built: a build that is needed is one clear line.
// Deployments may skip this file and run `node dist/server/main.js` themselves (deploy/).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { buildState } from './build-state.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
/** @type {Record<string, string>} */
const ENTRIES = { main: 'dist/server/main.js', cli: 'dist/server/cli.js' };
const BUILD_TOOLS = ['vite', 'typescript', 'tsx'];

const [name = '', ...args] = process.argv.slice(2);
const entry = ENTRIES[name];
if (!entry) {
  console.error(`launch.mjs: expected one of ${Object.keys(ENTRIES).join(', ')}, got ${JSON.stringify(name)}`);
  process.exit(2);
}

const state = buildState(root);
if (state === 'missing' || state === 'stale') {
  const why = state === 'missing' ? 'dist/ holds no finished build' : 'dist/ was built from other sources than these';
  const absent = BUILD_TOOLS.filter((tool) => !existsSync(join(root, 'node_modules', tool, 'package.json')));
  if (!existsSync(join(root, 'widget/build.ts'))) {
    console.error(`parley: ${why}, and there are no sources here to build it from: ship dist/ with the release (npm run build)`);
    process.exit(1);
  }
  if (absent.length > 0) {
    console.error(`parley: ${why}, and the build tools (${absent.join(', ')}) are not installed: run npm ci && npm run build, then start again`);
    process.exit(1);
  }
  console.error(`parley: ${why}: building (npm run build)`);
  // The build's output goes to stderr: a CLI command's stdout stays its own.
  const built = spawnSync(process.execPath, [join(root, 'scripts/build.mjs')], { cwd: root, stdio: ['ignore', 2, 2] });
  if (built.status !== 0) process.exit(built.status ?? 1);
}

// The entry sees the command line it would see if node had started it (cli.ts runs its command
// only when it is process.argv[1]).
const path = join(root, entry);
process.argv.splice(1, process.argv.length - 1, path, ...args);
await import(pathToFileURL(path).href);
