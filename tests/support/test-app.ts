/**
 * The whole product started the way `npm start` does (composition root, real database driver, the CRM sandboxes
 * in a child process on free ports), for end-to-end tests. On Postgres each app gets a fresh database, unless it
 * `join`s another app's: then the two stand for two processes of one deployment (gateway replicas, a worker).
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
  /** Empty unless the test turned the demo's Pipedrive sandbox on (CUSTOMER_GRAPH_DEMO_PIPEDRIVE_PORT). */
  pipedriveUrl: string;
  /** Empty unless the test turned the demo's Dynamics 365 sandbox on (CUSTOMER_GRAPH_DEMO_DYNAMICS_PORT). */
  dynamicsUrl: string;
  /** Empty unless the test turned the demo's Zoho CRM sandbox on (CUSTOMER_GRAPH_DEMO_ZOHO_PORT). */
  zohoUrl: string;
  /** The Postgres database this app uses; undefined on PGlite. */
  databaseUrl: string | undefined;
  /** CUSTOMER_GRAPH_SECRET_KEY of this app (an app joining its database needs the same key to read credentials). */
  secretKey: string;
  gql<T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>): Promise<{ data?: T; errors?: { message: string; extensions?: Record<string, unknown>; path?: unknown[] }[] }>;
  close(): Promise<void>;
}

export interface StartTestAppOptions {
  demo?: boolean;
  config?: Record<string, string>;
  env?: Record<string, string>;
  seedDir?: string;
  /**
   * Use this app's Postgres database (and secret key) instead of a fresh one; it is left for that app to drop.
   * Postgres only: two PGlite instances cannot share a data folder, so joining on PGlite throws.
   */
  join?: TestApp;
  /** Link every native record before serving (default true); a joining app finds the links already made. */
  linkOnStart?: boolean;
}

export async function startTestApp(opts: StartTestAppOptions = {}): Promise<TestApp> {
  if (opts.join && !opts.join.databaseUrl) throw new Error('an app can join only a Postgres database (set DATABASE_URL): two processes cannot share a PGlite data folder');
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cg-app-'));
  const fresh = !opts.join && process.env.DATABASE_URL ? await createFreshDatabase(process.env.DATABASE_URL) : undefined;
  const databaseUrl = opts.join?.databaseUrl ?? fresh?.url;
  const secretKey = opts.join?.secretKey ?? crypto.randomBytes(32).toString('base64');
  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    CUSTOMER_GRAPH_DATA_DIR: dataDir,
    CUSTOMER_GRAPH_SECRET_KEY: secretKey,
    CUSTOMER_GRAPH_CACHE_TTL_MS: '0',
    CUSTOMER_GRAPH_METADATA_REFRESH_MS: '0',
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
    ...opts.config,
  });
  // Polling and the Salesforce change stream are off unless a test asks for them: background CRM calls would muddy the calls tests count. The demo's
  // Pipedrive, Dynamics and Zoho divisions are off too unless a test turns them on with a port: most tests were written for
  // two CRMs.
  const env = opts.demo === false
    ? { CUSTOMER_GRAPH_DEMO: 'off', CUSTOMER_GRAPH_POLL_INTERVAL_MS: '0', CUSTOMER_GRAPH_SALESFORCE_CDC: 'off', ...opts.env }
    : { CUSTOMER_GRAPH_DEMO_SALESFORCE_PORT: '0', CUSTOMER_GRAPH_DEMO_HUBSPOT_PORT: '0', CUSTOMER_GRAPH_DEMO_PIPEDRIVE_PORT: 'off', CUSTOMER_GRAPH_DEMO_DYNAMICS_PORT: 'off', CUSTOMER_GRAPH_DEMO_ZOHO_PORT: 'off', CUSTOMER_GRAPH_POLL_INTERVAL_MS: '0', CUSTOMER_GRAPH_SALESFORCE_CDC: 'off', ...opts.env };
  let app: RunningApp;
  try {
    app = await startApp(config, createLogger('test', process.env.TEST_LOG_LEVEL ?? 'silent'), undefined, {
      env, ...(opts.seedDir ? { seedDir: opts.seedDir } : {}), ...(opts.linkOnStart !== undefined ? { linkOnStart: opts.linkOnStart } : {}),
    });
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
    pipedriveUrl: app.setup.sandboxes?.pipedriveUrl ?? '',
    dynamicsUrl: app.setup.sandboxes?.dynamicsUrl ?? '',
    zohoUrl: app.setup.sandboxes?.zohoUrl ?? '',
    databaseUrl: config.databaseUrl,
    secretKey: config.secretKey ?? secretKey,
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
