// `npm start`: read the environment, start Parley, print where it listens, stop cleanly on
// SIGINT/SIGTERM. A bad configuration is one clear message and exit code 2, never a stack trace.
import { ConfigError, loadConfig } from './config/index.ts';
import { startParley } from './start.ts';
import { createLogger } from './security/logger.ts';

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const logger = createLogger({ level: config.logLevel });
  for (const warning of config.warnings) logger.warn(warning);
  const parley = await startParley(config, logger);
  // The public URL and the bound address differ behind a proxy; operators (and tests) need both.
  console.log(`Parley listening on ${parley.url} (bound to ${config.host}:${parley.port})`);
  logger.info({ url: parley.url, realtime: config.realtime.mode }, 'listening');

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    await parley.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((err: unknown) => {
  // Configuration, bot-definition and listen errors carry a message written for the operator;
  // the stack is of no use to them.
  console.error(`parley: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(err instanceof ConfigError ? 2 : 1);
});
