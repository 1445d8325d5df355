// `npm test`'s first step: whatever the suites need besides node_modules (Chromium, redis-server,
// nginx, soketi, FerretDB; preflight-plan.mjs decides) is installed before any suite runs. As root
// it installs Debian's packages itself; as another user it stops at once, before anything else,
// with the one command to run. What needs no root (soketi, the FerretDB build) it does for anyone.
// The suites start their own servers (redis-server, nginx, soketi, FerretDB) on free ports.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { preflightPlan, stopReason } from './preflight-plan.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));

/** @returns {[number, number] | undefined} */
function goVersion() {
  const result = spawnSync('go', ['env', 'GOVERSION'], { encoding: 'utf8' });
  const match = /^go(\d+)\.(\d+)/.exec(result.stdout ?? '');
  return match ? [Number(match[1]), Number(match[2])] : undefined;
}

/** @returns {number | undefined} */
function debianVersion() {
  const release = existsSync('/etc/os-release') ? readFileSync('/etc/os-release', 'utf8') : '';
  const version = /^VERSION_ID="?(\d+)/m.exec(release)?.[1];
  return /^ID=debian$/m.test(release) && version ? Number(version) : undefined;
}

/**
 * @param {string[]} command
 * @param {string} cwd
 */
function run(command, cwd) {
  const [program = '', ...args] = command;
  const result = spawnSync(program, args, { cwd: join(root, cwd), stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  if (result.status !== 0) {
    console.error(`preflight: \`${command.join(' ')}\` failed (${result.status ?? result.signal})`);
    process.exit(1);
  }
}

const isRoot = process.getuid?.() === 0;
const plan = preflightPlan({
  env: process.env,
  exists: (path) => existsSync(path.startsWith('/') ? path : join(root, path)),
  goVersion: goVersion(),
  debianVersion: debianVersion(),
});

const stop = stopReason(plan, isRoot);
if (stop) {
  console.error(stop);
  process.exit(1);
}
if (plan.apt.length > 0) {
  console.error(`preflight: installing ${plan.apt.join(', ')} (apt-get)`);
  run(['apt-get', 'update', '-qq'], '.');
  run(['apt-get', 'install', '-y', '-qq', ...plan.apt], '.');
}
for (const step of plan.steps) {
  console.error(`preflight: ${step.what}: ${step.command.join(' ')}`);
  run(step.command, step.cwd);
}
