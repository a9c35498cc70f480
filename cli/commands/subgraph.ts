/**
 * `customer-graph subgraph NAME…`: serves subgraphs of the composition over HTTP (POST /graphql, GET /healthz)
 * until SIGINT/SIGTERM, for Apollo Router or Hive Gateway running the output of `customer-graph supergraph`.
 *
 * Several names may be served by one process, each on its port from the convention. That is the way to run the
 * embedded defaults behind a router: the embedded database (PGlite) and the demo sandboxes belong to one process,
 * so identity and golden cannot be split across processes unless DATABASE_URL and real CRMs are configured.
 */
import { loadConfig } from '../../lib/config.ts';
import { createLogger } from '../../lib/logger.ts';
import { ProductError } from '../../lib/product-error.ts';
import { serveSubgraphHttp } from '../../subgraphs/native/serve-http.ts';
import type { ServedSubgraph } from '../../subgraphs/native/serve-http.ts';
import { DATABASE_ENV, STARTUP_EXIT_CODES, parseCommandArgs, parsePortOption } from '../command-help.ts';
import type { Command } from './command.ts';
import { SUBGRAPH_NAMES, SUBGRAPH_PORTS, startComposition, subgraphsOf } from './supergraph.ts';
import { listenForShutdown } from '../shutdown-signal.ts';

const USAGE = `customer-graph subgraph <${SUBGRAPH_NAMES.join('|')}>… [--port N] [--host 127.0.0.1] [--seed DIR]`;

const help = {
  usage: USAGE,
  description: 'Serves subgraphs of the composition over HTTP (POST /graphql, GET /healthz) until SIGINT/SIGTERM, for Apollo\n' +
    'Router or Hive Gateway running the output of `customer-graph supergraph`. Several names share one process.',
  positionals: SUBGRAPH_NAMES.map((n): [string, string] => [n, `serve the ${n} subgraph (default port ${SUBGRAPH_PORTS[n]})`]),
  options: {
    port: { type: 'string', value: 'N', default: 'the subgraph\'s port above', description: 'port, for a single subgraph (0: a free port)' },
    host: { type: 'string', value: 'HOST', default: '127.0.0.1', description: 'interface to listen on (identity and golden answer without authentication)' },
    seed: { type: 'string', value: 'DIR', description: 'seed the demo sandboxes from DIR instead of the demo set' },
  },
  env: [...DATABASE_ENV, ['CUSTOMER_GRAPH_DEMO_SALESFORCE_PORT / _HUBSPOT_PORT / _PIPEDRIVE_PORT', 'demo sandbox ports (default 4101 / 4102 / 4103)']],
  exitCodes: [...STARTUP_EXIT_CODES, [75, 'a subgraph port is in use (PORT_IN_USE)']],
} satisfies Command['help'];

export const subgraphCommand: Command = {
  name: 'subgraph',
  summary: `Serve subgraphs over HTTP (${SUBGRAPH_NAMES.join(', ')}) for Apollo Router or Hive Gateway`,
  help,
  async run(argv) {
    const { values, positionals } = parseCommandArgs('subgraph', help, argv);
    // Checked before anything starts: a typo must not cost a database open and a sandbox start.
    const unknown = positionals.filter((n) => !SUBGRAPH_NAMES.includes(n));
    if (positionals.length === 0 || unknown.length > 0) {
      const what = positionals.length === 0 ? 'No subgraph named' : `Unknown subgraph ${unknown.map((n) => `"${n}"`).join(', ')}`;
      throw new ProductError('BAD_USER_INPUT', `${what}. Subgraphs: ${SUBGRAPH_NAMES.join(', ')}.\nUsage: ${USAGE}`);
    }
    const names = [...new Set(positionals)];
    if (values.port !== undefined && names.length > 1) throw new ProductError('BAD_USER_INPUT', '--port applies to one subgraph; several are served on their conventional ports.');
    const explicitPort = values.port === undefined ? undefined : parsePortOption('--port', values.port);
    // Loopback by default: identity and golden answer without authentication, so exposing them is a decision
    // (`--host 0.0.0.0` in a container next to the router).
    const host = values.host ?? '127.0.0.1';

    const logger = createLogger('customer-graph', loadConfig().logLevel);
    // Before anything starts, so a signal right at a ready line shuts down cleanly (cli/shutdown-signal.ts).
    const shutdown = listenForShutdown();
    const app = await startComposition(logger, values.seed ? { seedDir: values.seed } : {});
    const served: ServedSubgraph[] = [];
    try {
      const available = subgraphsOf(app);
      const missing = names.filter((n) => !available.has(n));
      if (missing.length > 0) {
        throw new ProductError('BAD_USER_INPUT', `Subgraph ${missing.join(', ')} is not part of this graph (no such CRM connected). Subgraphs here: ${[...available.keys()].join(', ')}.`);
      }
      shutdown.started();
      for (const name of names) {
        const port = explicitPort ?? SUBGRAPH_PORTS[name]!;
        const s = await serveSubgraphHttp(available.get(name)!, { port, host, logger: apolloLogger(logger) }).catch((err: NodeJS.ErrnoException) => {
          if (err.code !== 'EADDRINUSE') throw err;
          throw new ProductError('PORT_IN_USE', `Port ${port} on ${host} is in use; stop what holds it or pass --port N for ${name}.`, { port, host });
        });
        served.push(s);
        console.log(`${name} subgraph is ready: ${s.url} (health: ${s.url.replace(/\/graphql$/, '/healthz')})`);
      }
      await shutdown.signalled;
      logger.info('shutting down');
    } finally {
      for (const s of served) await s.close().catch((err) => logger.warn({ err }, 'closing a subgraph server failed'));
      await app.close();
    }
    return 0;
  },
};

/** Apollo Server logs plain strings; pino wants an object or a message. */
function apolloLogger(logger: ReturnType<typeof createLogger>) {
  const child = logger.child({ component: 'subgraph-http' });
  return { debug: (m: string) => child.debug(m), info: (m: string) => child.info(m), warn: (m: string) => child.warn(m), error: (m: string) => child.error(m) };
}
