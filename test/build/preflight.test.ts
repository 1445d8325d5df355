// `npm test`'s preflight (scripts/preflight.mjs): what a fresh machine lacks is installed, or the
// run stops at once saying what to do. The plan is decided from what the machine has; the script
// itself runs here as a real process on this machine, where everything is installed.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { FERRETDB, preflightPlan, SOKETI, stopReason } from '../../scripts/preflight-plan.mjs';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const DEBIAN_PATHS = ['/usr/bin/chromium', '/usr/bin/redis-server', '/usr/sbin/nginx', '/usr/bin/openssl'];
const EVERYTHING = [...DEBIAN_PATHS, SOKETI, FERRETDB];

function planFor(has: string[], more: { env?: Record<string, string>; goVersion?: [number, number]; debianVersion?: number } = {}) {
  return preflightPlan({ env: more.env ?? {}, exists: (path) => has.includes(path), goVersion: more.goVersion, debianVersion: more.debianVersion ?? 12 });
}

describe('preflight plan', () => {
  it('asks for nothing when everything is there', () => {
    expect(planFor(EVERYTHING)).toEqual({ apt: [], steps: [], problems: [] });
  });

  it('asks Debian for the programs missing at their Debian paths', () => {
    expect(planFor([SOKETI, FERRETDB]).apt).toEqual(['chromium', 'redis-server', 'nginx', 'openssl']);
  });

  it('names a variable that points at nothing instead of installing a package it would not use', () => {
    const plan = planFor(EVERYTHING, { env: { NGINX_BIN: '/opt/nginx/sbin/nginx' } });
    expect(plan.apt).toEqual([]);
    expect(plan.problems).toEqual(["NGINX_BIN=/opt/nginx/sbin/nginx: no such file (unset it to use Debian's nginx at /usr/sbin/nginx)"]);
  });

  it('installs soketi into its own folder', () => {
    expect(planFor(EVERYTHING.filter((path) => path !== SOKETI)).steps).toEqual([
      { what: 'soketi (the realtime peer of the conformance suite)', command: ['npm', 'install', '--no-audit', '--no-fund'], cwd: 'e2e/peers/soketi' },
    ]);
  });

  describe('FerretDB', () => {
    const withoutFerretDb = EVERYTHING.filter((path) => path !== FERRETDB);
    const build = { what: 'FerretDB (the MongoDB-protocol server of the MongoDB store tests)', command: ['bash', 'e2e/peers/ferretdb/build.sh'], cwd: '.' };

    it('is built with the Go that is there when it can fetch the toolchain FerretDB asks for (1.21+)', () => {
      expect(planFor(withoutFerretDb, { goVersion: [1, 21] })).toEqual({ apt: [], steps: [build], problems: [] });
    });

    it('gets Go from Debian 13, which packages 1.24', () => {
      expect(planFor(withoutFerretDb, { debianVersion: 13 })).toEqual({ apt: ['golang-go'], steps: [build], problems: [] });
    });

    it('says exactly what to install on Debian 12, without Go or with its Go 1.19', () => {
      for (const goVersion of [undefined, [1, 19] as [number, number]]) {
        const plan = planFor(withoutFerretDb, { goVersion });
        expect(plan.steps).toEqual([]);
        expect(plan.problems).toHaveLength(1);
        expect(plan.problems[0]).toContain(goVersion ? 'Go 1.19 is too old' : 'Go is not installed');
        expect(plan.problems[0]).toContain('install Go from https://go.dev/dl/');
        expect(plan.problems[0]).toContain('FERRETDB_BIN');
      }
    });

    it('is not needed when the MongoDB tests run against MONGODB_URI', () => {
      expect(planFor(withoutFerretDb, { env: { MONGODB_URI: 'mongodb://db.internal:27017/' } })).toEqual({ apt: [], steps: [], problems: [] });
    });
  });
});

describe('preflight stop', () => {
  const missing = planFor([SOKETI, FERRETDB]);

  it('gives another user than root the one command that installs the packages', () => {
    expect(stopReason(missing, false)).toBe('npm test cannot run yet:\n- Debian packages missing; install them with:\n  sudo apt-get install -y chromium redis-server nginx openssl');
  });

  it('lets root go on to install them', () => {
    expect(stopReason(missing, true)).toBeUndefined();
  });
});

describe('preflight script', () => {
  const preflight = (env: Record<string, string>) =>
    spawnSync(process.execPath, ['scripts/preflight.mjs'], { cwd: ROOT, encoding: 'utf8', env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env }, timeout: 30_000 });

  it('passes quietly on a machine that has everything', () => {
    // npm test ran the preflight before this suite; were anything missing, this run would install it.
    expect(EVERYTHING.filter((path) => !existsSync(path.startsWith('/') ? path : join(ROOT, path)))).toEqual([]);
    const result = preflight({});
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });

  it('stops at once, naming every problem, before installing anything', () => {
    const result = preflight({ REDIS_SERVER_BIN: '/nonexistent/redis-server', FERRETDB_BIN: '/nonexistent/ferretdb' });
    expect(result.status).toBe(1);
    expect(result.stderr).toBe(
      [
        'npm test cannot run yet:',
        "- REDIS_SERVER_BIN=/nonexistent/redis-server: no such file (unset it to use Debian's redis-server at /usr/bin/redis-server)",
        `- FERRETDB_BIN=/nonexistent/ferretdb: no such file (unset it to build FerretDB into ${FERRETDB})`,
        '',
      ].join('\n'),
    );
  });
});
