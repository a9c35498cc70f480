/**
 * The whole product started the way `npm start` does (composition root, real database driver, the CRM sandboxes
 * in a child process on free ports), for end-to-end tests. On Postgres each app gets a fresh database.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startApp } from '../../cli/app.ts';
import type { RunningApp } from '../../cli/app.ts';
import { loadConfig } from '../../lib/config.ts';
import { createLogger } from '../../lib/logger.ts';
import { createFreshDatabase } from './test-database.ts';

export interface TestApp {
  app: RunningApp;
  url: string;
  dataDir: string;
  salesforceUrl: string;
  hubspotUrl: string;
  gql<T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>): Promise<{ data?: T; errors?: { message: string; extensions?: Record<string, unknown>; path?: unknown[] }[] }>;
  close(): Promise<void>;
}

export async function startTestApp(opts: { demo?: boolean; config?: Record<string, string>; env?: Record<string, string>; seedDir?: string } = {}): Promise<TestApp> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cg-app-'));
  const fresh = process.env.DATABASE_URL ? await createFreshDatabase(process.env.DATABASE_URL) : undefined;
  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    CUSTOMER_GRAPH_DATA_DIR: dataDir,
    CUSTOMER_GRAPH_SECRET_KEY: crypto.randomBytes(32).toString('base64'),
    CUSTOMER_GRAPH_CACHE_TTL_MS: '0',
    CUSTOMER_GRAPH_METADATA_REFRESH_MS: '0',
    ...(fresh ? { DATABASE_URL: fresh.url } : {}),
    ...opts.config,
  });
  // Polling is off unless a test asks for it: background CRM calls would muddy the calls tests count.
  const env = opts.demo === false
    ? { CUSTOMER_GRAPH_DEMO: 'off', CUSTOMER_GRAPH_POLL_INTERVAL_MS: '0', ...opts.env }
    : { CUSTOMER_GRAPH_DEMO_SALESFORCE_PORT: '0', CUSTOMER_GRAPH_DEMO_HUBSPOT_PORT: '0', CUSTOMER_GRAPH_POLL_INTERVAL_MS: '0', ...opts.env };
  let app: RunningApp;
  try {
    app = await startApp(config, createLogger('test', process.env.TEST_LOG_LEVEL ?? 'silent'), undefined, { env, ...(opts.seedDir ? { seedDir: opts.seedDir } : {}) });
  } catch (err) {
    await fresh?.drop();
    throw err;
  }
  const url = `${app.server.url}/graphql`;
  return {
    app,
    url,
    dataDir,
    salesforceUrl: app.setup.sandboxes?.salesforceUrl ?? '',
    hubspotUrl: app.setup.sandboxes?.hubspotUrl ?? '',
    async gql(query, variables) {
      const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) });
      return res.json() as never;
    },
    async close() {
      await app.close();
      await fresh?.drop();
    },
  };
}
