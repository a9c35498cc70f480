/**
 * Salesforce Change Data Capture end to end, with polling off so a change can only arrive through the stream: a phone
 * changed in the Salesforce sandbox through its REST API reaches a graphql-ws subscriber; the same events streamed by
 * a second stream on the same database are stored once; on Postgres a second gateway joining the database opens no
 * stream of its own (one process per database streams: sync/leadership.ts) and still serves the change; after the app closes and changes are made
 * meanwhile, a new app on the same database (PGlite: the same data folder; Postgres: the same database) resumes from
 * the stored position and receives them. The sandbox runs apart from the apps, so it outlives the first one.
 */
import { and, eq, like } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSalesforceConnector } from '../../connectors/salesforce/index.ts';
import type { SalesforceConnector } from '../../connectors/salesforce/index.ts';
import { RateBudgetRegistry } from '../../connectors/runtime/index.ts';
import { webhookInbox } from '../../db/schema.ts';
import { createLogger } from '../../lib/logger.ts';
import { generateDemoSeed } from '../../sandboxes/demo/index.ts';
import { DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, startSalesforceSandbox } from '../../sandboxes/salesforce/index.ts';
import type { SalesforceSandbox } from '../../sandboxes/salesforce/index.ts';
import { startChangeStreams, storedStreamPosition } from '../../sync/change-stream.ts';
import { collect, wsClient } from '../gateway/subscriptions/ws-test-client.ts';
import { startTestApp } from '../support/test-app.ts';
import type { TestApp } from '../support/test-app.ts';

const PHONE_SUBSCRIPTION = 'subscription($ids: [ID!]) { customerChanged(ids: $ids, fields: ["phone"]) { customerId changedFields customer { phone } } }';
const CONNECTOR_ID = 'salesforce';

interface Node { id: string; phone: string | null; sources: { crm: string; recordId: string }[] }

describe('Salesforce changes through Change Data Capture', () => {
  let sb: SalesforceSandbox;
  let t: TestApp;
  /** The first app, closed by the restart test; its database is dropped (Postgres) at the end. */
  let first: TestApp | undefined;
  let customer: Node;
  let recordId: string;
  let rest: SalesforceConnector;
  const env = () => ({
    SALESFORCE_LOGIN_URL: sb.url, SALESFORCE_CLIENT_ID: DEFAULT_CLIENT_ID, SALESFORCE_CLIENT_SECRET: DEFAULT_CLIENT_SECRET,
    CUSTOMER_GRAPH_SALESFORCE_CDC: 'on', CUSTOMER_GRAPH_POLL_INTERVAL_MS: '0',
  });

  const inbox = (app: TestApp) => app.app.database.db.select().from(webhookInbox)
    .where(and(eq(webhookInbox.connectorId, CONNECTOR_ID), like(webhookInbox.eventId, 'cdc:%')));
  /** Resolves once the app's Salesforce stream is open (usable in beforeAll, unlike expect.poll). */
  const streamOpen = async (app: TestApp) => {
    const deadline = Date.now() + 10_000;
    while (!app.app.sync.changeStreams.open().includes('salesforce')) {
      if (Date.now() > deadline) throw new Error('the Salesforce change stream did not open');
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  const setPhone = async (phone: string) => {
    const [result] = await rest.updateMany('Contact', [{ id: recordId, fields: { Phone: phone } }]);
    expect(result?.ok).toBe(true);
  };
  const phoneOf = async (app: TestApp) => (await app.gql<{ customer: { phone: string | null } }>('query($id: ID!) { customer(id: $id) { phone } }', { id: customer.id })).data?.customer.phone;

  beforeAll(async () => {
    sb = await startSalesforceSandbox({ port: 0, demoSeed: generateDemoSeed({ customers: 10 }).salesforce, connectHoldMs: 1000 });
    rest = createSalesforceConnector({
      connectorId: 'test-rest', loginUrl: sb.url, auth: { kind: 'client-credentials', clientId: DEFAULT_CLIENT_ID, clientSecret: DEFAULT_CLIENT_SECRET }, registry: new RateBudgetRegistry(),
    });
    t = await startTestApp({ demo: false, env: env() });
    first = t;
    const page = await t.gql<{ customers: { edges: { node: Node }[] } }>('{ customers(first: 100) { edges { node { id phone sources { crm recordId } } } } }');
    customer = page.data!.customers.edges.map((e) => e.node).find((n) => n.sources.some((s) => s.crm === 'salesforce'))!;
    recordId = customer.sources.find((s) => s.crm === 'salesforce')!.recordId;
    await streamOpen(t);
  }, 240_000);
  afterAll(async () => {
    if (t !== first) await t?.close();
    await first?.close();
    await sb?.close();
  });

  it('a phone changed in Salesforce reaches a graphql-ws subscriber through the stream', async () => {
    expect(t.app.sync.poller).toBeUndefined();
    const client = wsClient(t.app.server.url);
    try {
      const sub = collect(client, PHONE_SUBSCRIPTION, { ids: [customer.id] });
      await expect.poll(() => t.app.server.subscriptions!.stats().subscribers, { timeout: 5000, interval: 20 }).toBe(1);
      await setPhone('+14155550111');
      const [result] = await sub.waitFor(1, 10_000);
      expect(result?.data).toMatchObject({ customerChanged: { customerId: customer.id, changedFields: ['phone'], customer: { phone: '+14155550111' } } });
      const rows = await inbox(t);
      expect(rows.map((r) => r.payload)).toContainEqual(expect.objectContaining({ crm: 'salesforce', objectType: 'Contact', recordId, kind: 'updated' }));
      expect(await storedStreamPosition(t.app.database.db, CONNECTOR_ID)).toMatch(/ContactChangeEvent/);
      sub.unsubscribe();
    } finally {
      await client.dispose();
    }
  });

  it('the same events streamed by a second gateway on the same database are stored once', async () => {
    // A second gateway's change streams, on this app's database, with a connector of its own.
    const second = createSalesforceConnector({
      connectorId: CONNECTOR_ID, loginUrl: sb.url, auth: { kind: 'client-credentials', clientId: DEFAULT_CLIENT_ID, clientSecret: DEFAULT_CLIENT_SECRET }, registry: new RateBudgetRegistry(),
    });
    const streams = startChangeStreams(() => ({
      db: t.app.database.db, config: t.app.mappingConfig(), connectors: new Map([['salesforce', second]]), connectorIds: new Map([['salesforce', CONNECTOR_ID]]),
    }), { logger: createLogger('test', 'silent') });
    try {
      await expect.poll(() => streams.open(), { timeout: 10_000, interval: 20 }).toEqual(['salesforce']);
      const before = (await inbox(t)).length;
      await setPhone('+14155550112');
      await setPhone('+14155550113');
      await expect.poll(async () => (await inbox(t)).length, { timeout: 10_000, interval: 50 }).toBe(before + 2);
      // Both streams have had time to store both events; the inbox still holds each once.
      await new Promise((r) => setTimeout(r, 500));
      const rows = await inbox(t);
      expect(rows).toHaveLength(before + 2);
      expect(new Set(rows.map((r) => r.eventId)).size).toBe(rows.length);
      await expect.poll(() => phoneOf(t), { timeout: 10_000, interval: 50 }).toBe('+14155550113');
    } finally {
      await streams.stop();
    }
  });

  // Two processes share a database only on Postgres (a PGlite folder has one owner).
  it.runIf(process.env.DATABASE_URL)('two gateways on one database: only the change-capture leader streams; each change is stored and applied once and reaches both', async () => {
    const other = await startTestApp({ demo: false, env: env(), join: t, linkOnStart: false });
    try {
      // One CometD client per database: the first gateway leads change capture, the second leaves the stream to it.
      expect(t.app.sync.leadership.isLeader()).toBe(true);
      expect(other.app.sync.leadership.isLeader()).toBe(false);
      expect(other.app.sync.changeStreams.open()).toEqual([]);
      const before = (await inbox(t)).length;
      await setPhone('+14155550116');
      await expect.poll(async () => (await inbox(t)).length, { timeout: 10_000, interval: 50 }).toBe(before + 1);
      await new Promise((r) => setTimeout(r, 500));
      const rows = await inbox(t);
      expect(rows).toHaveLength(before + 1);
      expect(rows.filter((r) => r.processedAt !== null && (r.payload as { recordId: string }).recordId === recordId).length).toBeGreaterThan(0);
      await expect.poll(() => phoneOf(other), { timeout: 10_000, interval: 50 }).toBe('+14155550116');
    } finally {
      await other.close();
    }
  });

  it('a new app on the same database resumes from the stored position with the changes made while none ran', async () => {
    const position = await storedStreamPosition(t.app.database.db, CONNECTOR_ID);
    expect(position).not.toBeNull();
    const before = (await inbox(t)).map((r) => r.eventId);
    // The app closes (its database stays: Postgres is dropped with `first` at the end).
    await t.app.close();
    await setPhone('+14155550114');
    await setPhone('+14155550115');
    t = first!.databaseUrl
      ? await startTestApp({ demo: false, env: env(), join: first!, linkOnStart: false })
      : await startTestApp({ demo: false, env: env(), linkOnStart: false, config: { CUSTOMER_GRAPH_DATA_DIR: first!.dataDir, CUSTOMER_GRAPH_SECRET_KEY: first!.secretKey } });
    await streamOpen(t);
    await expect.poll(async () => (await inbox(t)).length, { timeout: 10_000, interval: 50 }).toBe(before.length + 2);
    const added = (await inbox(t)).filter((r) => !before.includes(r.eventId));
    expect(added.map((r) => (r.payload as { recordId: string }).recordId)).toEqual([recordId, recordId]);
    await expect.poll(() => phoneOf(t), { timeout: 10_000, interval: 50 }).toBe('+14155550115');
  });
});
