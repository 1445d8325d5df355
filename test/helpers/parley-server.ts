// Starts a real Parley server as a child process (`server/main.ts` under tsx, or another command
// such as `npm start` in another copy) on a loopback port with a temporary DATA_DIR, for
// integration and e2e tests. Restart on the same port and data by passing PORT and DATA_DIR back in.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { madeTempDir } from './temp-dirs.ts';

export interface ParleyProcess {
  /** The public URL (PUBLIC_URL when set, e.g. a proxy in front). */
  url: string;
  /** The port the process itself bound; differs from the URL's behind a proxy. */
  port: number;
  dataDir: string;
  proc: ChildProcess;
  /** Everything the process wrote to stdout and stderr so far. */
  output(): string;
  /** SIGTERM (graceful) by default; SIGKILL to simulate a crash. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface Launch {
  /** Program and arguments; the sources under tsx by default. */
  command: string[];
  cwd: string;
  /**
   * The command runs the server in a descendant (npm start: npm, sh, then node), and npm does not
   * pass SIGTERM on: the command gets a process group of its own and stop() signals the group, as
   * a terminal's Ctrl-C or systemd's stop does.
   */
  processGroup?: boolean;
}

export const FROM_SOURCES: Launch = { command: [process.execPath, '--import', 'tsx', 'server/main.ts'], cwd: ROOT };

export async function startParley(env: Record<string, string> = {}, launch: Launch = FROM_SOURCES): Promise<ParleyProcess> {
  const dataDir = env.DATA_DIR ?? madeTempDir('parley-');
  const [program = process.execPath, ...args] = launch.command;
  const proc = spawn(program, args, {
    cwd: launch.cwd,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, PORT: '0', LOG_LEVEL: 'warn', ...env, DATA_DIR: dataDir },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: launch.processGroup ?? false,
  });
  let output = '';
  proc.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  proc.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));

  const { url, port } = await new Promise<{ url: string; port: number }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`Parley did not start within 30 s:\n${output}`)), 30_000);
    const check = () => {
      const match = /Parley listening on (\S+) \(bound to \S*:(\d+)\)/.exec(output);
      if (match?.[1] && match[2]) {
        clearTimeout(timer);
        resolve({ url: match[1], port: Number(match[2]) });
      }
    };
    proc.stdout!.on('data', check);
    proc.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`Parley exited with ${code} before listening:\n${output}`));
    });
  });

  return {
    url,
    port,
    dataDir,
    proc,
    output: () => output,
    async stop(signal = 'SIGTERM') {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      if (launch.processGroup) process.kill(-proc.pid!, signal);
      else proc.kill(signal);
      await exited;
    },
  };
}
