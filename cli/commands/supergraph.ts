/**
 * `customer-graph supergraph`: prints the composed supergraph SDL with an HTTP url for every subgraph, so the same
 * graph runs on Apollo Router or Hive Gateway in front of `customer-graph subgraph …` processes
 * (docs/federation-export.md).
 *
 * The supergraph depends on the mapping configuration (database) and on each CRM's metadata (describe), so the
 * composition is started for real — the database, the connectors, the demo sandboxes when no CRM is configured —
 * and closed again once the SDL is printed. Also home of the port convention and the start helper that
 * `customer-graph subgraph` shares.
 */
import { loadConfig } from '../../lib/config.ts';
import { createLogger } from '../../lib/logger.ts';
import type { Logger } from '../../lib/logger.ts';
import { ProductError } from '../../lib/product-error.ts';
import { probeDatabase } from '../../db/probe-database.ts';
import type { SubgraphSource } from '../../gateway/subgraph-source.ts';
import type { ServableSubgraph } from '../../subgraphs/native/serve-http.ts';
import type { RunningApp } from '../app.ts';
import { resolveCipher } from '../secret-key.ts';
import { DATABASE_ENV, STARTUP_EXIT_CODES, parseCommandArgs } from '../command-help.ts';
import { DEMO_SANDBOXES, portVariable, portVariablesList } from '../demo-sandboxes.ts';
import type { Command } from './command.ts';

/**
 * The one port convention for subgraphs served on their own: what `customer-graph subgraph NAME` listens on and
 * what `customer-graph supergraph` writes into the supergraph unless told otherwise with `--url NAME=URL`.
 * A new CRM gets the next port here.
 */
export const SUBGRAPH_PORTS: Readonly<Record<string, number>> = { identity: 4201, golden: 4202, salesforce: 4203, hubspot: 4204, pipedrive: 4205, dynamics: 4206, zoho: 4207 };

export const SUBGRAPH_NAMES = Object.keys(SUBGRAPH_PORTS);

export function defaultSubgraphUrl(name: string): string | undefined {
  const port = SUBGRAPH_PORTS[name];
  return port === undefined ? undefined : `http://localhost:${port}/graphql`;
}

/** A logger on stderr: `supergraph` prints the SDL on stdout, which must stay clean enough to redirect to a file. */
export function stderrLogger(level: string): Logger {
  return createLogger('customer-graph', level, 2);
}

/**
 * Starts the composition root the way `customer-graph start` does, but with its own gateway on 127.0.0.1 and a
 * free port: these commands serve subgraphs (or nothing), and must not collide with a running `start` on :4000.
 */
export async function startComposition(logger: Logger, options: { seedDir?: string; env?: NodeJS.ProcessEnv } = {}): Promise<RunningApp> {
  const env = options.env ?? process.env;
  const config = loadConfig({ ...env, PORT: '0', HOST: '127.0.0.1' });
  const cipher = resolveCipher(config, logger);
  if (config.databaseUrl) await probeDatabase(config.databaseUrl);
  const { startApp } = await import('../app.ts');
  const app = await startApp(config, logger, cipher, { env, retryUnavailable: false, ...(options.seedDir ? { seedDir: options.seedDir } : {}) });
  // A gateway starts without a CRM it cannot read (and retries it); an exported supergraph or a served subgraph
  // without it would silently lack that CRM's types, so these commands still stop, naming it.
  const [down] = app.unavailableCrms();
  if (down) {
    await app.close();
    throw new ProductError('CRM_UNAVAILABLE', `Cannot read the metadata of ${down.name} (${down.baseUrl}): ${down.message}. Check the CRM is reachable and the credentials are valid.`, { connector: down.id });
  }
  return app;
}

/** Every subgraph of a running composition by name: identity, golden and one per connected CRM. */
export function subgraphsOf(app: RunningApp): Map<string, ServableSubgraph> {
  const { identity, golden, natives } = app.subgraphs;
  return new Map<string, ServableSubgraph>([[identity.name, identity], [golden.name, golden], ...natives.map((n) => [n.name, n] as [string, ServableSubgraph])]);
}

/**
 * The supergraph of `app` with every subgraph reached over HTTP: `urls[name]`, else the port convention.
 * Composed by the same function as the in-process gateway, so only the urls differ from what it serves.
 */
export async function exportSupergraph(app: RunningApp, urls: Record<string, string> = {}): Promise<string> {
  // Loaded here, not at the top: main.ts imports every command, and composition is heavy for `start`'s fast checks.
  const { composeSupergraph } = await import('../../gateway/supergraph.ts');
  const subgraphs = subgraphsOf(app);
  for (const name of Object.keys(urls)) {
    if (!subgraphs.has(name)) throw new ProductError('BAD_USER_INPUT', `--url names "${name}", which is not a subgraph of this graph (subgraphs: ${[...subgraphs.keys()].join(', ')}).`);
  }
  const sources: SubgraphSource[] = [...subgraphs.values()].map((s) => {
    const url = urls[s.name] ?? defaultSubgraphUrl(s.name);
    if (!url) throw new ProductError('BAD_USER_INPUT', `Subgraph "${s.name}" has no default url; pass --url ${s.name}=http://HOST:PORT/graphql.`);
    if (!s.typeDefs) throw new ProductError('INTERNAL_SERVER_ERROR', `Subgraph "${s.name}" does not expose its SDL.`);
    return { name: s.name, kind: 'remote', typeDefs: () => s.typeDefs!(), url };
  });
  return composeSupergraph(sources);
}

/** `--url NAME=URL` values into a map; a malformed one is a usage error naming the value. */
export function parseUrlOverrides(values: string[]): Record<string, string> {
  const urls: Record<string, string> = {};
  for (const value of values) {
    const eq = value.indexOf('=');
    const name = value.slice(0, eq);
    const url = value.slice(eq + 1);
    if (eq <= 0 || !URL.canParse(url) || !/^https?:$/.test(new URL(url).protocol)) {
      throw new ProductError('BAD_USER_INPUT', `--url "${value}" is not NAME=URL with an http(s) url, e.g. --url golden=http://golden.internal:4202/graphql.`);
    }
    urls[name] = url;
  }
  return urls;
}

const help = {
  usage: 'customer-graph supergraph [--url NAME=URL ...] [--seed DIR]',
  description: 'Prints the composed supergraph SDL on stdout, every subgraph reached over HTTP, for Apollo Router or Hive\n' +
    `Gateway running \`customer-graph subgraph\`. Logs go to stderr. Default urls: ${SUBGRAPH_NAMES.map((n) => `${n} ${defaultSubgraphUrl(n)}`).join(', ')}.`,
  options: {
    url: { type: 'string', multiple: true, value: 'NAME=URL', default: 'http://localhost:<port of NAME>/graphql', description: 'where the router reaches subgraph NAME' },
    seed: { type: 'string', value: 'DIR', description: 'seed the demo sandboxes from DIR instead of the demo set' },
  },
  env: [
    ...DATABASE_ENV.map(([name, text]): [string, string] => [name, name === 'LOG_LEVEL' ? `${text} (default warn)` : text]),
    [portVariablesList(), 'demo sandbox ports (default: free ports)'],
  ],
  exitCodes: STARTUP_EXIT_CODES,
} satisfies Command['help'];

export const supergraphCommand: Command = {
  name: 'supergraph',
  summary: 'Print the supergraph SDL with HTTP urls, for Apollo Router or Hive Gateway',
  help,
  async run(argv) {
    const { values } = parseCommandArgs('supergraph', help, argv);
    const urls = parseUrlOverrides(values.url ?? []);
    // Quiet by default: this is a one-shot export, its output is the SDL. LOG_LEVEL still wins.
    const logger = stderrLogger(process.env.LOG_LEVEL || 'warn');
    // Only CRM metadata is needed from the demo sandboxes, so they take free ports rather than 4101-4105, which a
    // running `customer-graph start` may hold. Explicit settings still win.
    const port = (name: string) => process.env[name] || '0';
    const env = { ...process.env, ...Object.fromEntries(DEMO_SANDBOXES.map((d) => [portVariable(d), port(portVariable(d))])) };
    const app = await startComposition(logger, { env, ...(values.seed ? { seedDir: values.seed } : {}) });
    try {
      const sdl = await exportSupergraph(app, urls);
      await new Promise<void>((resolve, reject) => process.stdout.write(sdl.endsWith('\n') ? sdl : `${sdl}\n`, (err) => (err ? reject(err) : resolve())));
    } finally {
      await app.close();
    }
    return 0;
  },
};
