/**
 * CUSTOMER_GRAPH_SALESFORCE_BULK_THRESHOLD reaches the Salesforce connector the app builds: with 2,500 contacts in the
 * sandbox, a start whose threshold is 2,100 reads Contact through one Bulk API 2.0 query job, a start on the default
 * (10,000) pages REST, and both link the same customers; a malformed value (or job wait) is refused at start with CONFIG_INVALID.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, startSalesforceSandbox } from '../../sandboxes/salesforce/index.ts';
import type { SalesforceSandbox } from '../../sandboxes/salesforce/index.ts';
import { startTestApp } from '../support/test-app.ts';
import type { TestApp } from '../support/test-app.ts';

const CONTACTS = 2500;
const JOB_CREATE = 'POST /services/data/vXX.X/jobs/query';
const QUERY_MORE = 'GET /services/data/vXX.X/query/:locator';

describe('Salesforce Bulk API threshold setting', () => {
  let sb: SalesforceSandbox | undefined;
  let app: TestApp | undefined;
  afterEach(async () => {
    await app?.close();
    await sb?.close();
    app = undefined;
    sb = undefined;
  });

  const seeded = () => startSalesforceSandbox({
    port: 0,
    demoSeed: { Contact: Array.from({ length: CONTACTS }, (_, i) => ({ FirstName: `Bulk${i}`, LastName: `Reader${i}`, Email: `bulk.reader${i}@example.test` })) },
  });
  const env = (extra: Record<string, string>) => ({
    SALESFORCE_LOGIN_URL: sb!.url, SALESFORCE_CLIENT_ID: DEFAULT_CLIENT_ID, SALESFORCE_CLIENT_SECRET: DEFAULT_CLIENT_SECRET, ...extra,
  });
  const routes = async () => ((await (await fetch(`${sb!.url}/_sandbox/stats`)).json()) as { routes: Record<string, number> }).routes;
  const customers = async () => (await app!.gql<{ customers: { totalCount: number } }>('{ customers(first: 1) { totalCount } }')).data!.customers.totalCount;

  it('a threshold under the object size reads it by a Bulk job; the default pages REST; the same customers either way', async () => {
    sb = await seeded();
    app = await startTestApp({ demo: false, env: env({ CUSTOMER_GRAPH_SALESFORCE_BULK_THRESHOLD: '2100' }) });
    const bulk = await routes();
    expect(bulk[JOB_CREATE]).toBe(1);
    expect(bulk[QUERY_MORE]).toBeUndefined();
    const linked = await customers();
    expect(linked).toBe(CONTACTS);
    await app.close();
    app = undefined;
    await sb.close();

    sb = await seeded();
    app = await startTestApp({ demo: false, env: env({}) });
    const rest = await routes();
    expect(rest[JOB_CREATE]).toBeUndefined();
    expect(rest[QUERY_MORE]).toBeGreaterThanOrEqual(1);
    expect(await customers()).toBe(linked);
  }, 180_000);

  it('a malformed threshold or job wait is refused at start with CONFIG_INVALID', async () => {
    sb = await startSalesforceSandbox({ port: 0, empty: true });
    await expect(startTestApp({ demo: false, env: env({ CUSTOMER_GRAPH_SALESFORCE_BULK_THRESHOLD: 'lots' }) }))
      .rejects.toMatchObject({ code: 'CONFIG_INVALID', message: expect.stringContaining('CUSTOMER_GRAPH_SALESFORCE_BULK_THRESHOLD must be a whole number of records') });
    await expect(startTestApp({ demo: false, env: env({ CUSTOMER_GRAPH_SALESFORCE_BULK_MAX_WAIT_MS: '30m' }) }))
      .rejects.toMatchObject({ code: 'CONFIG_INVALID', message: expect.stringContaining('CUSTOMER_GRAPH_SALESFORCE_BULK_MAX_WAIT_MS must be a whole number of milliseconds') });
  }, 60_000);
});
