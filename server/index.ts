/**
 * Process entry point: lifecycle only. Configuration errors and a worker that
 * cannot start end the process with a clear message; signals shut it down
 * gracefully.
 */
import { ConfigError, loadConfig, redactConfig } from './config.js';
import { createLogger } from './logger.js';
import { MediationServer } from './MediationServer.js';

async function main(): Promise<void> {
  // Everything the service and its child processes (FFmpeg) create is private to its user.
  process.umask(0o077);
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

  // Signal handlers go in before anything starts: a SIGTERM that arrived between the
  // "listening" line and their installation killed the process with the default action.
  let server: MediationServer | undefined;
  let stopping = false;
  const shutDown = (running: MediationServer): void => {
    void running.close().then(() => process.exit(0));
  };
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'signal received');
    const force = setTimeout(() => {
      logger.error('shutdown took too long; exiting');
      process.exit(1);
    }, 10_000);
    force.unref();
    // Still starting: it is closed as soon as it has started.
    if (server) shutDown(server);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);

  try {
    server = await MediationServer.create(config, logger);
  } catch (error) {
    logger.fatal({ err: error }, 'cannot start the mediation server');
    process.exit(1);
  }
  if (stopping) shutDown(server);
  process.on('unhandledRejection', (reason) =>
    logger.error({ err: reason }, 'unhandled rejection'),
  );
}

void main();
