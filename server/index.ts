/**
 * Process entry point: lifecycle only. Configuration errors and a worker that
 * cannot start end the process with a clear message; signals shut it down
 * gracefully.
 */
import { ConfigError, loadConfig, redactConfig } from './config.js';
import { createLogger } from './logger.js';
import { MediationServer } from './MediationServer.js';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  const logger = createLogger(config.logLevel);
  logger.debug({ config: redactConfig(config) }, 'configuration');

  let server: MediationServer;
  try {
    server = await MediationServer.create(config, logger);
  } catch (error) {
    logger.fatal({ err: error }, 'cannot start the mediation server');
    process.exit(1);
  }

  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'signal received');
    const force = setTimeout(() => {
      logger.error('shutdown took too long; exiting');
      process.exit(1);
    }, 10_000);
    force.unref();
    void server.close().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  process.on('unhandledRejection', (reason) =>
    logger.error({ err: reason }, 'unhandled rejection'),
  );
}

void main();
