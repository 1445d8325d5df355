// `npm run dev`: the fast path while working on Parley. The server runs from its sources under tsx
// and restarts when one of them changes (tsx watch); Vite rebuilds the loader, the frame and the
// console into dist/ when theirs change (reload the page). Nothing is compiled for the server, and
// the next `npm start` sees that dist/ holds no finished build and builds it whole.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const tsx = createRequire(import.meta.url).resolve('tsx/cli');
const run = (/** @type {string[]} */ args) => spawn(process.execPath, [tsx, ...args], { cwd: root, stdio: 'inherit' });

const children = [run(['widget/build.ts', '--watch']), run(['watch', '--clear-screen=false', 'server/main.ts'])];
// When one ends (a broken build, a port in use), end the other: a half-running dev setup misleads.
for (const child of children) {
  child.once('exit', (code) => {
    process.exitCode ??= code ?? 1;
    for (const other of children) if (other.exitCode === null && other.signalCode === null) other.kill('SIGTERM');
  });
}
// Ctrl-C reaches the children from the terminal; a SIGTERM sent to this process alone is passed on.
process.on('SIGINT', () => {});
process.on('SIGTERM', () => children.forEach((child) => child.kill('SIGTERM')));
