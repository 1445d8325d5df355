// Starts a throwaway redis-server on a free loopback port, with no persistence, in a temp dir.
// Tests that need Redis must fail loudly when it is not installed: a skipped shared-budget test
// would let a broken multi-instance rate limit ship unnoticed.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const REDIS_BINARY = process.env.REDIS_SERVER_BIN ?? '/usr/bin/redis-server';

export interface RedisHandle {
  url: string;
  stop(): Promise<void>;
}

/** Asks the kernel for a free port; redis-server has no "port 0" mode, so we probe first. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

async function waitUntilListening(port: number, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`redis-server exited with code ${child.exitCode} before listening:\n${output()}`);
    }
    if (await canConnect(port)) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`redis-server did not listen on 127.0.0.1:${port} within 10 s:\n${output()}`);
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
      await waitUntilListening(port, child, () => log);
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
