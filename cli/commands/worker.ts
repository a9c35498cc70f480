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
import { DATABASE_ENV, STARTUP_EXIT_CODES, parseCommandArgs, parsePortOption } from '../command-help.ts';
import { checkPortFree, portInUseError } from '../port-check.ts';
import type { Command } from './command.ts';
import { listenForShutdown } from '../shutdown-signal.ts';

const help = {
  usage: 'customer-graph worker',
  description: 'Runs the background workers alone (write-back outbox, webhook inbox, and change capture while it holds the\n' +
    'database\'s change-capture lease), for deployments that run them apart from the gateways; `start` runs them too.\n' +
    'Stops cleanly on SIGINT/SIGTERM.',
  options: {},
  env: [
    ['CUSTOMER_GRAPH_WORKER_PORT', 'port of its /healthz and /metrics (default: a free loopback port)'],
    ['CUSTOMER_GRAPH_WORKER_HOST', 'interface of that port (default 127.0.0.1)'],
    ...DATABASE_ENV,
    ['(more)', 'every variable of the README configuration table'],
  ],
  exitCodes: [...STARTUP_EXIT_CODES, [75, 'CUSTOMER_GRAPH_WORKER_PORT is in use (PORT_IN_USE)']],
} satisfies Command['help'];

export const workerCommand: Command = {
  name: 'worker',
  summary: 'Run the background workers (write-back, webhook inbox, polling) without the public API',
  help,
  async run(argv) {
    parseCommandArgs('worker', help, argv);
    // Before anything starts, so a signal right after the start shuts down cleanly (cli/shutdown-signal.ts).
    const shutdown = listenForShutdown();
    if (process.env.CUSTOMER_GRAPH_WORKER_PORT) parsePortOption('CUSTOMER_GRAPH_WORKER_PORT', process.env.CUSTOMER_GRAPH_WORKER_PORT);
    const config = loadConfig({
      ...process.env,
      PORT: process.env.CUSTOMER_GRAPH_WORKER_PORT || '0',
      HOST: process.env.CUSTOMER_GRAPH_WORKER_HOST || '127.0.0.1',
    });
    const hint = `CUSTOMER_GRAPH_WORKER_PORT ${config.port} on ${config.host} is already in use. Stop what holds it, or pick another port with CUSTOMER_GRAPH_WORKER_PORT=N (unset: a free loopback port).`;
    await checkPortFree(config.port, config.host, hint);
    const logger = createLogger('customer-graph-worker', config.logLevel);
    const cipher = resolveCipher(config, logger);
    if (config.databaseUrl) await probeDatabase(config.databaseUrl);
    const { startApp } = await import('../app.ts');
    const app = await startApp(config, logger, cipher, { linkOnStart: false }).catch((err: unknown) => {
      throw portInUseError(err, config.port, config.host, hint) ?? err;
    });
    shutdown.started();
    logger.info(process.env.CUSTOMER_GRAPH_WORKER_PORT ? { healthz: `${app.server.url}/healthz`, metrics: `${app.server.url}/metrics` } : {}, 'workers running');
    await shutdown.signalled;
    await app.close();
    return 0;
  },
};
