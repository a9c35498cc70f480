/**
 * `customer-graph worker`: the background workers alone — write-back outbox, webhook inbox and polling — for a
 * deployment that runs them apart from the gateways. It binds no public port (its internal server listens on a
 * free loopback port), and stops cleanly on SIGINT/SIGTERM: claimed rows whose work is cut short are claimed again
 * after their lease, so nothing is lost.
 */
import { loadConfig } from '../../lib/config.ts';
import { createLogger } from '../../lib/logger.ts';
import { probeDatabase } from '../../db/probe-database.ts';
import { resolveCipher } from '../secret-key.ts';
import type { Command } from './command.ts';

export const workerCommand: Command = {
  name: 'worker',
  summary: 'Run the background workers (write-back, webhook inbox, polling) without the public API',
  usage: 'customer-graph worker',
  async run(argv) {
    if (argv.length > 0) {
      console.error(`Unexpected arguments: ${argv.join(' ')}\nUsage: customer-graph worker`);
      return 2;
    }
    const config = loadConfig({ ...process.env, PORT: '0', HOST: '127.0.0.1' });
    const logger = createLogger('customer-graph-worker', config.logLevel);
    const cipher = resolveCipher(config, logger);
    if (config.databaseUrl) await probeDatabase(config.databaseUrl);
    const { startApp } = await import('../app.ts');
    const app = await startApp(config, logger, cipher, { linkOnStart: false });
    logger.info('workers running');
    await new Promise<void>((resolve) => {
      process.once('SIGINT', () => resolve());
      process.once('SIGTERM', () => resolve());
    });
    await app.close();
    return 0;
  },
};
