// A real Parley server inside the test process (real HTTP, real WebSockets, real SQLite file in a
// temp DATA_DIR), for tests that do not need to kill the process.
import pino from 'pino';
import { loadConfig, type Config } from '../../server/config/index.ts';
import { startParley, type RunningParley, type StartOptions } from '../../server/start.ts';
import { madeTempDir } from './temp-dirs.ts';

export async function startInProcess(env: Record<string, string> = {}, options: StartOptions = {}): Promise<RunningParley & { config: Config }> {
  const dataDir = env.DATA_DIR ?? madeTempDir('parley-it-');
  const config = loadConfig({ PORT: '0', LOG_LEVEL: 'silent', RATE_SESSIONS_PER_IP: '10000', ...env, DATA_DIR: dataDir });
  const running = await startParley(config, pino({ level: 'silent' }), options);
  return { ...running, config };
}
