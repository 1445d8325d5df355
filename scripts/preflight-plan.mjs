// What `npm test` needs besides node_modules, and how each missing piece is had: Debian's packages
// (root only), a step any user can run, or a problem only the operator can solve. Decides only;
// preflight.mjs looks at the machine and acts.

/**
 * @typedef {object} Machine
 * @property {Record<string, string | undefined>} env
 * @property {(path: string) => boolean} exists
 * @property {[number, number] | undefined} goVersion  major and minor of `go` on PATH, if any
 * @property {number | undefined} debianVersion  from /etc/os-release, on Debian
 *
 * @typedef {object} Step
 * @property {string} what
 * @property {string[]} command
 * @property {string} cwd  relative to the repository
 *
 * @typedef {object} Plan
 * @property {string[]} apt  Debian packages to install (as root)
 * @property {Step[]} steps  what any user can run, after the packages are in
 * @property {string[]} problems  what neither can fix; each names what to do
 */

/** A Debian package for each program the tests run at its Debian path, unless a variable names another. */
const PROGRAMS = [
  // Playwright drives it.
  { variable: 'CHROMIUM_PATH', path: '/usr/bin/chromium', apt: 'chromium' },
  { variable: 'REDIS_SERVER_BIN', path: '/usr/bin/redis-server', apt: 'redis-server' },
  // The scale-out tests' reverse proxy.
  { variable: 'NGINX_BIN', path: '/usr/sbin/nginx', apt: 'nginx' },
  // Makes the certificate of the deploy config's `nginx -t` check (test/deploy/).
  { variable: undefined, path: '/usr/bin/openssl', apt: 'openssl' },
];
export const SOKETI = 'e2e/peers/soketi/node_modules/@soketi/soketi/bin/server.js';
export const FERRETDB = 'e2e/peers/ferretdb/bin/ferretdb';
/** Go 1.21 and later fetch the newer toolchain FerretDB's go.mod asks for (1.24) by themselves. */
const GO_SWITCHES_TOOLCHAIN = /** @type {[number, number]} */ ([1, 21]);
/** Debian 13 packages Go 1.24; Debian 12 only 1.19. */
const DEBIAN_WITH_GO_124 = 13;

/**
 * @param {[number, number] | undefined} version
 * @param {[number, number]} least
 */
const atLeast = (version, least) => version !== undefined && (version[0] > least[0] || (version[0] === least[0] && version[1] >= least[1]));

/**
 * @param {Machine} machine
 * @returns {Plan}
 */
export function preflightPlan(machine) {
  const { env, exists } = machine;
  /** @type {Plan} */
  const plan = { apt: [], steps: [], problems: [] };

  for (const program of PROGRAMS) {
    const configured = program.variable === undefined ? undefined : env[program.variable];
    if (configured !== undefined) {
      if (!exists(configured)) plan.problems.push(`${program.variable}=${configured}: no such file (unset it to use Debian's ${program.apt} at ${program.path})`);
    } else if (!exists(program.path)) {
      plan.apt.push(program.apt);
    }
  }

  if (!exists(SOKETI)) {
    // `npm install`, not `npm ci`: npm 11 reports soketi's platform-specific optional dependencies
    // (msgpackr-extract) as missing from any lock file it writes itself.
    plan.steps.push({ what: 'soketi (the realtime peer of the conformance suite)', command: ['npm', 'install', '--no-audit', '--no-fund'], cwd: 'e2e/peers/soketi' });
  }

  // The MongoDB store tests run against MONGODB_URI when it is set, else against FerretDB.
  const ferretdb = env.FERRETDB_BIN;
  if (env.MONGODB_URI === undefined) {
    if (ferretdb !== undefined) {
      if (!exists(ferretdb)) plan.problems.push(`FERRETDB_BIN=${ferretdb}: no such file (unset it to build FerretDB into ${FERRETDB})`);
    } else if (!exists(FERRETDB)) {
      const build = { what: 'FerretDB (the MongoDB-protocol server of the MongoDB store tests)', command: ['bash', 'e2e/peers/ferretdb/build.sh'], cwd: '.' };
      if (atLeast(machine.goVersion, GO_SWITCHES_TOOLCHAIN)) {
        plan.steps.push(build);
      } else if ((machine.debianVersion ?? 0) >= DEBIAN_WITH_GO_124) {
        plan.apt.push('golang-go');
        plan.steps.push(build);
      } else {
        plan.problems.push(
          `FerretDB is built from source (bash e2e/peers/ferretdb/build.sh) with Go 1.24 or later, and ${machine.goVersion ? `Go ${machine.goVersion.join('.')} is too old` : 'Go is not installed'}` +
            ' (Debian 12 packages Go 1.19 only): install Go from https://go.dev/dl/ (as root: tar -C /usr/local -xzf go1.24.*.linux-amd64.tar.gz; then PATH=$PATH:/usr/local/go/bin),' +
            ' or set FERRETDB_BIN to a built ferretdb, or MONGODB_URI to a MongoDB server; then run npm test again',
        );
      }
    }
  }
  return plan;
}

/**
 * Why `npm test` cannot go on, with what to do, or undefined when the plan can be carried out
 * (as another user than root, Debian's packages are one command to run).
 * @param {Plan} plan
 * @param {boolean} isRoot
 * @returns {string | undefined}
 */
export function stopReason(plan, isRoot) {
  const problems = [...plan.problems];
  if (plan.apt.length > 0 && !isRoot) problems.unshift(`Debian packages missing; install them with:\n  sudo apt-get install -y ${plan.apt.join(' ')}`);
  return problems.length > 0 ? `npm test cannot run yet:\n${problems.map((problem) => `- ${problem}`).join('\n')}` : undefined;
}
