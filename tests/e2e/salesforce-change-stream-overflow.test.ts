/**
 * A Salesforce overflow (GAP_OVERFLOW: over 100,000 changes in one transaction, no record named), end to end with
 * polling off: the sandbox swallows a contact's phone change into an overflow event (no change event for it), the
 * stream asks for a catch-up read of Contact since the overflow's commit, and the golden Customer shows the new phone
 * within seconds. The catch-up is gone from the stored stream state once done.
 */
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSalesforceConnector } from '../../connectors/salesforce/index.ts';
import type { SalesforceConnector } from '../../connectors/salesforce/index.ts';
import { RateBudgetRegistry } from '../../connectors/runtime/index.ts';
import { goldenRecords, webhookInbox } from '../../db/schema.ts';
import { generateDemoSeed } from '../../sandboxes/demo/index.ts';
import { DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, startSalesforceSandbox } from '../../sandboxes/salesforce/index.ts';
import type { SalesforceSandbox } from '../../sandboxes/salesforce/index.ts';
import { storedCatchUps } from '../../sync/change-stream.ts';
import { startTestApp } from '../support/test-app.ts';
import type { TestApp } from '../support/test-app.ts';

const CONNECTOR_ID = 'salesforce';

interface Node { id: string; phone: string | null; sources: { crm: string; objectType: string; recordId: string }[] }

describe('a Salesforce overflow event with polling off', () => {
  let sb: SalesforceSandbox;
  let t: TestApp;
  let rest: SalesforceConnector;

  const customers = async () => (await t.gql<{ customers: { edges: { node: Node }[] } }>(
    '{ customers(first: 500) { edges { node { id phone sources { crm objectType recordId } } } } }')).data!.customers.edges.map((e) => e.node);
  const customerWith = async (recordId: string) => (await customers()).find((n) => n.sources.some((s) => s.recordId === recordId));
  /** The golden record's stored phone (its snapshot): only applying a read change updates it (GraphQL reads the CRM live). */
  const storedPhone = async (id: string) => {
    const [row] = await t.app.database.db.select({ snapshot: goldenRecords.snapshot }).from(goldenRecords).where(eq(goldenRecords.id, id));
    return row?.snapshot?.phone;
  };
  const sandboxPost = async (path: string, body: unknown) => {
    const res = await fetch(`${sb.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect(res.status).toBe(200);
    return res.json() as Promise<Record<string, unknown>>;
  };

  beforeAll(async () => {
    sb = await startSalesforceSandbox({ port: 0, demoSeed: generateDemoSeed({ customers: 10 }).salesforce, connectHoldMs: 1000 });
    rest = createSalesforceConnector({
      connectorId: 'test-rest', loginUrl: sb.url, auth: { kind: 'client-credentials', clientId: DEFAULT_CLIENT_ID, clientSecret: DEFAULT_CLIENT_SECRET }, registry: new RateBudgetRegistry(),
    });
    t = await startTestApp({ demo: false, env: {
      SALESFORCE_LOGIN_URL: sb.url, SALESFORCE_CLIENT_ID: DEFAULT_CLIENT_ID, SALESFORCE_CLIENT_SECRET: DEFAULT_CLIENT_SECRET,
      CUSTOMER_GRAPH_SALESFORCE_CDC: 'on', CUSTOMER_GRAPH_POLL_INTERVAL_MS: '0',
    } });
    const deadline = Date.now() + 10_000;
    while (!t.app.sync.changeStreams.open().includes('salesforce')) {
      if (Date.now() > deadline) throw new Error('the Salesforce change stream did not open');
      await new Promise((r) => setTimeout(r, 20));
    }
  }, 240_000);
  afterAll(async () => {
    await t?.close();
    await sb?.close();
  });

  it('a contact phone change told of only by an overflow reaches the golden record by a catch-up read', async () => {
    expect(t.app.sync.poller).toBeUndefined();
    const contact = (await customers()).find((n) => n.sources.some((s) => s.crm === 'salesforce' && s.objectType === 'Contact'))!;
    const contactId = contact.sources.find((s) => s.crm === 'salesforce' && s.objectType === 'Contact')!.recordId;
    expect(await sandboxPost('/_sandbox/salesforce/streaming/overflow', { object: 'Contact', count: 1 })).toEqual({ object: 'Contact', overflow: 1 });
    const [result] = await rest.updateMany('Contact', [{ id: contactId, fields: { Phone: '+14155550193' } }]);
    expect(result?.ok).toBe(true);
    await expect.poll(async () => (await customerWith(contactId))?.phone, { timeout: 10_000, interval: 50 }).toBe('+14155550193');
    await expect.poll(() => storedPhone(contact.id), { timeout: 10_000, interval: 50 }).toBe('+14155550193');
    // Not by an event: the change was swallowed by the overflow, and nothing else was streamed for the contact.
    const rows = await t.app.database.db.select().from(webhookInbox).where(and(eq(webhookInbox.connectorId, CONNECTOR_ID)));
    expect(rows.filter((r) => (r.payload as { recordId?: string }).recordId === contactId)).toEqual([]);
    await expect.poll(() => storedCatchUps(t.app.database.db, CONNECTOR_ID), { timeout: 5000, interval: 50 }).toEqual({});
  });
});
