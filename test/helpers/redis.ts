// Starts a throwaway redis-server on a free loopback port, with no persistence, in a temp dir.
// Tests that need Redis must fail loudly when it is not installed: a skipped shared-budget test
// would let a broken multi-instance rate limit ship unnoticed.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { freePort } from './free-port.ts';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const REDIS_BINARY = process.env.REDIS_SERVER_BIN ?? '/usr/bin/redis-server';

export interface RedisHandle {
  url: string;
  stop(): Promise<void>;
}

/**
 * Resolves when redis-server logs that it accepts connections (it logs that only once its port is
 * bound), rejects when it exits first (a port taken between our probe and its bind) or is silent
 * for 10 s.
 */
function untilReady(child: ChildProcess, output: () => string): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = (error?: Error): void => {
      clearTimeout(timer);
      child.stdout?.off('data', check);
      child.off('exit', exited);
      if (error) reject(error);
      else resolve();
    };
    const check = (): void => {
      if (/Ready to accept connections/.test(output())) done();
    };
    const exited = (code: number | null): void => done(new Error(`redis-server exited with code ${code} before listening:\n${output()}`));
    const timer = setTimeout(() => done(new Error(`redis-server was not ready within 10 s:\n${output()}`)), 10_000);
    child.stdout?.on('data', check);
    child.once('exit', exited);
    check();
  });
}

export async function startRedis(): Promise<RedisHandle> {
  if (!existsSync(REDIS_BINARY)) {
    throw new Error(
      `redis-server not found at ${REDIS_BINARY}: install it (apt-get install redis-server) or set REDIS_SERVER_BIN. ` +
        'The shared rate-limit tests need a real Redis and do not skip.',
    );
  }
  const dir = mkdtempSync(join(tmpdir(), 'parley-redis-'));
  // A port can be taken between the probe and redis binding it; retry a few times.
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = await freePort();
    let log = '';
    const child = spawn(
      REDIS_BINARY,
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--protected-mode', 'yes'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    child.stdout?.on('data', (chunk: Buffer) => (log += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (log += chunk.toString()));
    try {
      await untilReady(child, () => log);
    } catch (error) {
      child.kill('SIGKILL');
      if (/Address already in use/i.test(log) && attempt < 4) continue;
      rmSync(dir, { recursive: true, force: true });
      throw error;
    }
    const stop = async (): Promise<void> => {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    };
    return { url: `redis://127.0.0.1:${port}`, stop };
  }
  throw new Error('could not start redis-server on a free port after 5 attempts');
}
