/**
 * Process entry point: configuration → hub → listen; SIGTERM/SIGINT → graceful stop.
 * A second signal while stopping exits at once.
 */
// First: with tracing on, the instrumentations must patch pg and undici before they load.
import './observability/tracing/register';
import 'reflect-metadata';
import { ConfigError, loadConfig, type Config } from './config';
import { isDataDirError } from './db/data-dir-errors';
import { createLogger } from './observability/logger';
import { shutdownTracing } from './observability/tracing';
import { Hub } from './server';

async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig(process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`samverkan-hub: ${err.message}\n`);
      process.exit(78); // EX_CONFIG
    }
    throw err;
  }
  const logger = createLogger(config.logLevel);
  const hub = new Hub(config, { logger });

  let signalled = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (signalled) {
      logger.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    signalled = true;
    logger.info({ signal }, 'signal received');
    // The spans still buffered are exported before the exit.
    hub.stop().then(
      () => shutdownTracing().then(() => process.exit(0)),
      (err: unknown) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);

  try {
    await hub.start();
  } catch (err) {
    if (isDataDirError(err)) {
      // The embedded database's directory is in use (75) or will not open (65): a person
      // reads this on the terminal, a supervisor sees the distinct exit code.
      logger.fatal({ code: err.code, dataDir: err.dataDir }, 'start failed');
      process.stderr.write(`samverkan-hub: ${err.message}\n`);
    } else {
      logger.fatal({ err }, 'start failed');
    }
    await hub.stop().catch(() => undefined);
    process.exit(isDataDirError(err) ? err.exitCode : 1);
  }
}

void main();
