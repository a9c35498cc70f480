/**
 * A CRM saved through one process joins every process on the database (connector_saved), but only the process that
 * runs change capture reads its records: two gateways on one Postgres database, a Pipedrive connector saved through
 * the one that does not lead, and the Pipedrive sandbox sees the persons read once — as many calls as one link run
 * makes — while both gateways serve the joined records. Postgres only: two processes cannot share a PGlite folder.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDemoSeed } from '../../sandboxes/demo/index.ts';
import { PIPEDRIVE_SANDBOX_DEFAULTS, startPipedriveSandbox } from '../../sandboxes/pipedrive/index.ts';
import type { RunningPipedriveSandbox } from '../../sandboxes/pipedrive/index.ts';
import { DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, startSalesforceSandbox } from '../../sandboxes/salesforce/index.ts';
import type { SalesforceSandbox } from '../../sandboxes/salesforce/index.ts';
import { startTestApp } from '../support/test-app.ts';
import type { TestApp } from '../support/test-app.ts';
import { onPostgres } from '../support/test-database.ts';

const SAVE = `mutation($input: SaveConnectorInput!) { saveConnector(input: $input) { applied connector { id running } } }`;
const SOURCES = '{ customers(first: 200) { edges { node { id sources { crm recordId } } } } }';

describe.skipIf(!onPostgres)('a CRM saved through a replica is read once, by the process running change capture', () => {
  let salesforce: SalesforceSandbox;
  let pipedrive: RunningPipedriveSandbox;
  let leader: TestApp;
  let follower: TestApp;
  const emails: string[] = [];

  beforeAll(async () => {
    const seed = generateDemoSeed({ customers: 20 });
    const contacts = seed.salesforce.Contact.filter((c) => c.Email).slice(0, 4);
    emails.push(...contacts.map((c) => c.Email!));
    salesforce = await startSalesforceSandbox({ port: 0, demoSeed: seed.salesforce });
    pipedrive = await startPipedriveSandbox({ port: 0, seed: {
      persons: contacts.map((c, i) => ({
        id: 601 + i, name: `${c.FirstName ?? ''} ${c.LastName}`.trim(), first_name: c.FirstName, last_name: c.LastName,
        emails: [{ value: c.Email, primary: true, label: 'work' }], add_time: '2026-11-20T09:00:00Z', update_time: '2026-11-20T09:00:00Z',
      })),
    } });
    const env = {
      SALESFORCE_LOGIN_URL: salesforce.url, SALESFORCE_CLIENT_ID: DEFAULT_CLIENT_ID, SALESFORCE_CLIENT_SECRET: DEFAULT_CLIENT_SECRET,
      // Polling on but far apart: no poll round reads Pipedrive during the test, only the join's link run.
      CUSTOMER_GRAPH_POLL_INTERVAL_MS: '600000', CUSTOMER_GRAPH_PUBLIC_URL: 'http://127.0.0.1:9',
    };
    leader = await startTestApp({ demo: false, env });
    follower = await startTestApp({ demo: false, env, join: leader, linkOnStart: false });
  }, 240_000);
  afterAll(async () => {
    await follower?.close();
    await leader?.close();
    await Promise.allSettled([salesforce?.close(), pipedrive?.close()]);
  });

  const personReads = async (): Promise<number> => {
    const stats = (await (await fetch(`${pipedrive.url}/_sandbox/stats`)).json()) as { routes: Record<string, number> };
    return Object.entries(stats.routes).filter(([route]) => /^GET \S*\/persons$/.test(route)).reduce((n, [, c]) => n + c, 0);
  };
  const resetStats = () => fetch(`${pipedrive.url}/_sandbox/stats/reset`, { method: 'POST' });
  const pipedriveLinked = async (app: TestApp): Promise<number> => {
    const res = await app.gql<{ customers: { edges: { node: { sources: { crm: string }[] } }[] } }>(SOURCES);
    return res.data!.customers.edges.filter((e) => e.node.sources.some((s) => s.crm === 'pipedrive')).length;
  };

  it('joins both gateways, and the persons are read as often as one link run reads them', async () => {
    expect(leader.app.sync.leadership.isLeader()).toBe(true);
    expect(follower.app.sync.leadership.isLeader()).toBe(false);
    await resetStats();
    const saved = await follower.gql<{ saveConnector: { applied: boolean } }>(SAVE, { input: {
      id: 'pipedrive-emea', crm: 'pipedrive', name: 'Pipedrive (EMEA)', baseUrl: pipedrive.url, authKind: 'api-token',
      credentials: [{ name: 'apiToken', value: PIPEDRIVE_SANDBOX_DEFAULTS.apiToken }, { name: 'webhookUser', value: 'cg' }, { name: 'webhookPassword', value: 'hooks-secret' }],
    } });
    expect(saved.errors).toBeUndefined();
    expect(saved.data!.saveConnector.applied).toBe(true);
    // Both serve the joined records (one database); the leader linked them.
    await expect.poll(() => pipedriveLinked(follower), { timeout: 30_000, interval: 200 }).toBe(emails.length);
    await expect.poll(() => pipedriveLinked(leader), { timeout: 30_000, interval: 200 }).toBe(emails.length);
    expect(leader.app.connectors.has('pipedrive')).toBe(true);
    expect(follower.app.connectors.has('pipedrive')).toBe(true);
    // Let a second reader, if any, finish its reads before counting.
    await new Promise((r) => setTimeout(r, 1500));
    const joinReads = await personReads();
    expect(joinReads).toBeGreaterThan(0);
    // One link run, for comparison: what a single reader costs.
    await resetStats();
    await leader.app.link();
    expect(await personReads()).toBe(joinReads);
  }, 120_000);
});
