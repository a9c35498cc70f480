/** `customer-graph start`: the gateway on the embedded defaults, or on DATABASE_URL and real CRMs. */
import { parseArgs } from 'node:util';
import { loadConfig } from '../../lib/config.ts';
import { createLogger } from '../../lib/logger.ts';
import { resolveCipher } from '../secret-key.ts';
import { probeDatabase } from '../../db/probe-database.ts';
import type { Command } from './command.ts';

export const startCommand: Command = {
  name: 'start',
  summary: 'Start the gateway (embedded database and demo CRMs unless configured otherwise)',
  usage: 'customer-graph start [--port N] [--seed DIR]',
  async run(argv) {
    const { values } = parseArgs({ args: argv, options: { port: { type: 'string' }, seed: { type: 'string' } }, strict: true });
    const config = loadConfig({ ...process.env, ...(values.port ? { PORT: values.port } : {}) });
    const logger = createLogger('customer-graph', config.logLevel);
    // Check the key first: a bad key must stop the start before a credential could be written.
    const cipher = resolveCipher(config, logger);
    // Fail fast on an unreachable database, before the gateway's heavier modules are even loaded.
    if (config.databaseUrl) await probeDatabase(config.databaseUrl);
    const { startApp } = await import('../app.ts');
    const app = await startApp(config, logger, cipher, values.seed ? { seedDir: values.seed } : {});
    console.log(`customer-graph is ready: ${app.server.url}/graphql (GraphQL API and IDE), ${app.server.url}/admin/ (admin UI), health: ${app.server.url}/healthz`);
    await waitForSignal();
    logger.info('shutting down');
    await app.close();
    return 0;
  },
};

function waitForSignal(): Promise<void> {
  return new Promise((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
}
