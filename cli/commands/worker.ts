/**
 * `customer-graph worker`: the background workers alone — write-back outbox, webhook inbox and polling — for a
 * deployment that runs them apart from the gateways. Its internal server listens on a free loopback port unless
 * CUSTOMER_GRAPH_WORKER_PORT (and CUSTOMER_GRAPH_WORKER_HOST, default 127.0.0.1) names one: then orchestrators and
 * Prometheus reach its `/healthz` and `/metrics` (outbox, inbox, poll ages and failures, CRM rate budgets as this
 * worker sees them). It stops cleanly on SIGINT/SIGTERM: claimed rows whose work is cut short are claimed again after
 * their lease, so nothing is lost.
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
    const config = loadConfig({
      ...process.env,
      PORT: process.env.CUSTOMER_GRAPH_WORKER_PORT || '0',
      HOST: process.env.CUSTOMER_GRAPH_WORKER_HOST || '127.0.0.1',
    });
    const logger = createLogger('customer-graph-worker', config.logLevel);
    const cipher = resolveCipher(config, logger);
    if (config.databaseUrl) await probeDatabase(config.databaseUrl);
    const { startApp } = await import('../app.ts');
    const app = await startApp(config, logger, cipher, { linkOnStart: false });
    logger.info(process.env.CUSTOMER_GRAPH_WORKER_PORT ? { healthz: `${app.server.url}/healthz`, metrics: `${app.server.url}/metrics` } : {}, 'workers running');
    await new Promise<void>((resolve) => {
      process.once('SIGINT', () => resolve());
      process.once('SIGTERM', () => resolve());
    });
    await app.close();
    return 0;
  },
};
