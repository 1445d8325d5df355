// `npm start` and `npm run parley` as a checkout and a deployment use them, in a copy of the
// working tree in a temp dir (this tree's dist/ and node_modules are left alone), one step after
// the other:
// 1. with the build tools (this checkout's node_modules): the first run builds dist/, the next one
//    does not, a changed source makes the one after build again; build output never reaches the
//    CLI's stdout;
// 2. then what a deployment does: `npm ci --omit=dev` (no Vite, TypeScript or tsx), `npm start`:
//    the built server answers a chat over HTTP and stops whole on SIGTERM.
import { spawnSync } from 'node:child_process';
import { appendFileSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startParley, type ParleyProcess } from '../helpers/parley-server.ts';
import { pollUntil } from '../helpers/poll.ts';
import { openSession, send, waitForHistory } from '../helpers/visitor-api.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** Dev dependencies the built server must not need; none of them may be installed by --omit=dev. */
const BUILD_ONLY = ['vite', 'typescript', 'tsx', 'vitest', 'preact', 'pusher-js'];
const ADDON = 'node_modules/better-sqlite3/build/Release/better_sqlite3.node';
const BUILDING = 'building (npm run build)';

function run(command: string, args: string[], cwd: string) {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', env: { ...process.env, npm_config_update_notifier: 'false' }, timeout: 180_000 });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (${result.status}):\n${result.stdout}\n${result.stderr}`);
  return result;
}

/** The files a clone of the working tree would have: tracked, plus new ones not ignored. */
function copyOfWorkingTree(to: string): void {
  const listed = spawnSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: ROOT, encoding: 'utf8' });
  if (listed.status !== 0) throw new Error(`git ls-files failed: ${listed.stderr}`);
  for (const file of listed.stdout.split('\0').filter(Boolean)) {
    if (!existsSync(join(ROOT, file))) continue; // deleted in the working tree, not yet in git
    mkdirSync(dirname(join(to, file)), { recursive: true });
    copyFileSync(join(ROOT, file), join(to, file));
  }
}

const versionOf = (root: string, name: string) => (JSON.parse(readFileSync(join(root, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;

describe('npm start and npm run parley, in a checkout and after npm ci --omit=dev', { timeout: 240_000 }, () => {
  let dir: string;
  let app: string;
  let parley: ParleyProcess | undefined;
  const usage = () => run('npm', ['run', '--silent', 'parley', '--', 'help'], app);

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'parley-release-'));
    app = join(dir, 'app');
    copyOfWorkingTree(app);
    symlinkSync(join(ROOT, 'node_modules'), join(app, 'node_modules'));
  });

  afterAll(async () => {
    await parley?.stop('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('builds dist/ on the first run, into stderr: stdout is the command\'s own', () => {
    expect(existsSync(join(app, 'dist'))).toBe(false);
    const first = usage();
    expect(first.stderr).toContain(`dist/ holds no finished build: ${BUILDING}`);
    expect(first.stdout).toMatch(/^usage: npm run parley/);
    expect(existsSync(join(app, 'dist/server/main.js'))).toBe(true);
  });

  it('runs the build as it is when nothing changed', () => {
    const again = usage();
    expect(again.stderr).toBe('');
    expect(again.stdout).toMatch(/^usage: npm run parley/);
  });

  it('builds again when a source changed', () => {
    appendFileSync(join(app, 'common/wire.ts'), '// changed\n');
    expect(usage().stderr).toContain(`dist/ was built from other sources than these: ${BUILDING}`);
    expect(usage().stderr).toBe('');
  });

  it('installs with npm ci --omit=dev without any build tool', () => {
    unlinkSync(join(app, 'node_modules'));
    // From npm's cache when it has the packages (the registry otherwise). --ignore-scripts and the
    // copied addon: better-sqlite3 is the one runtime package with an install step, a two-minute
    // native compile that says nothing about which packages are installed; the lock file pins the
    // checkout's version (asserted), so its binary is the one that compile would make.
    run('npm', ['ci', '--omit=dev', '--ignore-scripts', '--prefer-offline', '--no-audit', '--no-fund'], app);
    mkdirSync(dirname(join(app, ADDON)), { recursive: true });
    copyFileSync(join(ROOT, ADDON), join(app, ADDON));
    expect(BUILD_ONLY.filter((name) => existsSync(join(app, 'node_modules', name)))).toEqual([]);
    expect(versionOf(app, 'better-sqlite3')).toBe(versionOf(ROOT, 'better-sqlite3'));
  });

  it('starts with npm start, answers a chat over HTTP, and stops whole on SIGTERM', async () => {
    parley = await startParley({ DATA_DIR: join(dir, 'data') }, { command: ['npm', 'start', '--silent'], cwd: app, processGroup: true });
    expect(parley.output()).not.toContain(BUILDING);
    const session = await openSession(parley.url);
    expect((await send(parley.url, session.token, 'c1', 'hello')).status).toBe(202);
    const messages = await waitForHistory(parley.url, session.token, (m) => m.some((message) => message.sender === 'bot'));
    expect(messages.find((message) => message.sender === 'bot')?.text).toBeTruthy();
    await parley.stop('SIGTERM');
    // npm exits at once; its shell and the server must follow once the server has drained.
    const groupAlive = async () => {
      try {
        return process.kill(-parley!.proc.pid!, 0);
      } catch {
        return false;
      }
    };
    await pollUntil(groupAlive, (alive) => !alive, 'npm start process group', 15_000);
  });

  it('says in one line what to do when a source changed and the build tools are not there', () => {
    appendFileSync(join(app, 'common/wire.ts'), '// changed again\n');
    const result = spawnSync('npm', ['start', '--silent'], { cwd: app, encoding: 'utf8', env: { ...process.env, PORT: '0', DATA_DIR: join(dir, 'data') } });
    expect(result.status).toBe(1);
    expect(result.stderr.trim()).toBe(
      'parley: dist/ was built from other sources than these, and the build tools (vite, typescript, tsx) are not installed: run npm ci && npm run build, then start again',
    );
  });
});
