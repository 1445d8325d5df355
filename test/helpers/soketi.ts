// Launches soketi (installed on its own under e2e/peers/soketi, see its package.json) as a child
// process on free loopback ports, for the realtime conformance suite, the benchmark and e2e runs
// that need a real third-party Pusher-protocol server.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { request } from 'node:http';
import { fileURLToPath } from 'node:url';
import { deploymentSecrets } from './deployment-secrets.ts';
import { stopChild } from './stop-child.ts';
import { freePort } from './free-port.ts';

export interface SoketiApp {
  appId: string;
  key: string;
  secret: string;
}

export interface RunningSoketi {
  host: string;
  port: number;
  /** The child's pid, so a benchmark can read its resident memory. */
  pid: number;
  stop(): Promise<void>;
}

const soketiBin = fileURLToPath(
  new URL('../../e2e/peers/soketi/node_modules/@soketi/soketi/bin/server.js', import.meta.url),
);
const HOST = '127.0.0.1';
const READY_TIMEOUT_MS = 20_000;

/** soketi answers `GET /` with `OK` once its uWS app is listening. */
function answersOk(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request({ host: HOST, port, path: '/', method: 'GET', timeout: 1000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve(res.statusCode === 200 && body.trim() === 'OK'));
    });
    req.on('error', () => resolve(false));
    req.on('timeout', () => req.destroy());
    req.end();
  });
}

async function launchOnce(app: SoketiApp): Promise<RunningSoketi | undefined> {
  const [port, metricsPort] = [await freePort(), await freePort()];
  const child = spawn(process.execPath, [soketiBin, 'start'], {
    env: {
      PATH: process.env.PATH ?? '',
      SOKETI_HOST: HOST,
      SOKETI_PORT: String(port),
      SOKETI_DEFAULT_APP_ID: app.appId,
      SOKETI_DEFAULT_APP_KEY: app.key,
      SOKETI_DEFAULT_APP_SECRET: app.secret,
      SOKETI_METRICS_ENABLED: 'false',
      // The metrics server listens even when metrics are off (it serves /usage); keep it on a free
      // loopback port so parallel runs do not collide on the default 9601.
      SOKETI_METRICS_HOST: HOST,
      SOKETI_METRICS_SERVER_PORT: String(metricsPort),
      SOKETI_SHUTDOWN_GRACE_PERIOD: '100',
      // Pusher's documented event data limit is 10 KB; soketi's default is 100 KB.
      SOKETI_EVENT_MAX_SIZE_IN_KB: '10',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-4000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);

  const announced = await upAndRunning(child, () => output);
  if (announced === 'exited') throw new Error(`soketi exited before it was ready (code ${child.exitCode}):\n${output}`);
  // soketi announces itself even when uWS could not bind (it does not check listen's result), so
  // one request confirms it is soketi that answers on the port.
  if (announced === 'announced' && (await answersOk(port))) {
    return { host: HOST, port, pid: child.pid ?? 0, stop: () => stopChild(child) };
  }
  // Most likely a port taken between our probe and soketi's listen: the caller retries.
  // (SIGTERM makes soketi send 4200 to its sockets and exit after its shortened grace period.)
  await stopChild(child);
  return undefined;
}

/** Waits for soketi's "Server is up and running!", which it logs from uWS's listen callback. */
function upAndRunning(child: ChildProcess, output: () => string): Promise<'announced' | 'exited' | 'silent'> {
  return new Promise((resolve) => {
    const done = (result: 'announced' | 'exited' | 'silent'): void => {
      clearTimeout(timer);
      child.stdout?.off('data', check);
      child.off('exit', exitedFirst);
      resolve(result);
    };
    const check = (): void => {
      if (output().includes('Server is up and running')) done('announced');
    };
    const exitedFirst = (): void => done('exited');
    const timer = setTimeout(() => done('silent'), READY_TIMEOUT_MS);
    child.stdout?.on('data', check);
    child.once('exit', exitedFirst);
    check();
  });
}

/** Starts soketi with one app and resolves once it accepts connections. */
export async function startSoketi(app: SoketiApp): Promise<RunningSoketi> {
  if (!existsSync(soketiBin)) {
    throw new Error('soketi is not installed: run `(cd e2e/peers/soketi && npm ci)`');
  }
  for (let attempt = 0; attempt < 3; attempt++) {
    const running = await launchOnce(app);
    if (running) return running;
  }
  throw new Error(`soketi did not become ready within ${READY_TIMEOUT_MS} ms (3 attempts)`);
}

/**
 * The environment that points a Parley server at this soketi (REALTIME=pusher), with the secrets
 * such a deployment must set (derived from the app, so a restarted server keeps them).
 */
export function parleyEnvFor(app: SoketiApp, soketi: Pick<RunningSoketi, 'host' | 'port'>): Record<string, string> {
  return {
    ...deploymentSecrets(app.secret),
    REALTIME: 'pusher',
    PUSHER_APP_ID: app.appId,
    PUSHER_KEY: app.key,
    PUSHER_SECRET: app.secret,
    PUSHER_HOST: soketi.host,
    PUSHER_PORT: String(soketi.port),
    PUSHER_USE_TLS: 'false',
  };
}
