/** `customer-graph start`: the gateway on the embedded defaults, or on DATABASE_URL and real CRMs. */
import { loadConfig } from '../../lib/config.ts';
import { createLogger } from '../../lib/logger.ts';
import { resolveCipher } from '../secret-key.ts';
import { probeDatabase } from '../../db/probe-database.ts';
import { DATABASE_ENV, STARTUP_EXIT_CODES, parseCommandArgs, parsePortOption } from '../command-help.ts';
import { demoPortVariablesHelp } from '../demo-sandboxes.ts';
import { checkPortFree, portInUseError } from '../port-check.ts';
import type { Command } from './command.ts';
import { listenForShutdown } from '../shutdown-signal.ts';

const help = {
  usage: 'customer-graph start [--port N] [--seed DIR]',
  description: 'Starts the gateway: GraphQL API and IDE on /graphql, admin UI on /admin/, /healthz, /metrics. With no\n' +
    'configuration: the embedded database, a generated key and the demo CRM sandboxes on 4101/4102/4103.',
  options: {
    port: { type: 'string', value: 'N', default: 'PORT, else 4000', description: 'HTTP port of the gateway (0: a free port)' },
    seed: { type: 'string', value: 'DIR', description: 'seed the demo sandboxes from DIR (DIR/salesforce/Contact.json, …) instead of the demo set' },
  },
  env: [
    ['PORT', 'HTTP port (default 4000; --port wins)'],
    ['HOST', 'interface to listen on (default 0.0.0.0)'],
    ...DATABASE_ENV,
    ['CUSTOMER_GRAPH_DEMO', 'auto (default) or off: no demo sandboxes'],
    ...demoPortVariablesHelp(),
    ['(more)', 'every variable of the README configuration table'],
  ],
  exitCodes: [...STARTUP_EXIT_CODES, [75, 'the port (or a demo sandbox port) is in use (PORT_IN_USE)']],
} satisfies Command['help'];

export const startCommand: Command = {
  name: 'start',
  summary: 'Start the gateway (embedded database and demo CRMs unless configured otherwise)',
  help,
  async run(argv) {
    const { values } = parseCommandArgs('start', help, argv);
    // Before anything starts, so a signal right at the ready line shuts down cleanly (cli/shutdown-signal.ts).
    const shutdown = listenForShutdown();
    if (values.port !== undefined) parsePortOption('--port', values.port);
    const config = loadConfig({ ...process.env, ...(values.port ? { PORT: values.port } : {}) });
    // Before the key: a start that cannot listen must not leave a generated key (or anything else) behind.
    await checkPortFree(config.port, config.host);
    const logger = createLogger('customer-graph', config.logLevel);
    // Check the key first: a bad key must stop the start before a credential could be written.
    const cipher = resolveCipher(config, logger);
    // Fail fast on an unreachable database, before the gateway's heavier modules are even loaded.
    if (config.databaseUrl) await probeDatabase(config.databaseUrl);
    const { startApp } = await import('../app.ts');
    // Another process may still take the port between the check and the listen.
    const app = await startApp(config, logger, cipher, values.seed ? { seedDir: values.seed } : {}).catch((err: unknown) => {
      throw portInUseError(err, config.port, config.host) ?? err;
    });
    shutdown.started();
    console.log(`customer-graph is ready: ${app.server.url}/graphql (GraphQL API and IDE), ${app.server.url}/admin/ (admin UI), health: ${app.server.url}/healthz`);
    await shutdown.signalled;
    logger.info('shutting down');
    await app.close();
    return 0;
  },
};
