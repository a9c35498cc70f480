/**
 * Echo suppression end to end on the demo: an `updateCustomer` whose write reaches HubSpot is announced once, for
 * the field written; the webhook and the poll that report our own write publish no further `customerChanged` (nor
 * flip another field's winner because the echo made HubSpot the newest source) and enqueue no write-back.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { auditLog, webhookInbox } from '../../db/schema.ts';
import { outboxRowsOf } from '../../db/writeback-store.ts';
import { collect, wsClient } from '../gateway/subscriptions/ws-test-client.ts';
import { startTestApp } from '../support/test-app.ts';
import type { TestApp } from '../support/test-app.ts';

interface Node { id: string; sources: { crm: string; recordId: string }[] }

describe('echo suppression (demo)', () => {
  let t: TestApp;
  let customer: Node;
  const clients: { dispose(): unknown }[] = [];

  beforeAll(async () => {
    t = await startTestApp({ env: { CUSTOMER_GRAPH_POLL_INTERVAL_MS: '600000' } });
    t.app.sync.poller!.pause();
    const page = await t.gql<{ customers: { edges: { node: Node }[] } }>('{ customers(first: 100) { edges { node { id sources { crm recordId } } } } }');
    customer = page.data!.customers.edges.map((e) => e.node).find((n) => n.sources.filter((s) => s.crm === 'salesforce').length === 1 && n.sources.filter((s) => s.crm === 'hubspot').length === 1)!;
    // The first round reads everything from no cursor: done before the test, so later rounds read only new changes.
    await t.app.sync.poller!.pollNow();
    await t.app.sync.inbox.drain();
    // The demo's CRMs disagree on several last-write-wins fields (name, company, street…) and Salesforce, edited
    // last, wins them. Our write to HubSpot alone makes HubSpot the newest source: an echo taken for a change would
    // flip all those winners to HubSpot's values and announce changes nobody made.
  }, 240_000);
  afterAll(async () => {
    for (const c of clients) await c.dispose();
    await t?.close();
  });

  it('our own write comes back through webhook and poll without a second change event or another write-back', async () => {
    const client = wsClient(t.app.server.url);
    clients.push(client);
    const before = t.app.server.subscriptions!.stats();
    const sub = collect(client, 'subscription($ids: [ID!]) { customerChanged(ids: $ids) { customerId changedFields } }', { ids: [customer.id] });
    const end = Date.now() + 5000;
    while (JSON.stringify(t.app.server.subscriptions!.stats()) === JSON.stringify(before) && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
    await new Promise((r) => setTimeout(r, 100));

    const snapshotBefore = (await t.app.database.db.query.goldenRecords.findFirst({ where: (g, { eq: e }) => e(g.id, customer.id) }))!.snapshot as Record<string, unknown>;
    const stage = (await t.gql<{ customer: { lifecycleStage: string | null } }>('query($id: ID!) { customer(id: $id) { lifecycleStage } }', { id: customer.id })).data!.customer.lifecycleStage === 'Customer' ? 'Lead' : 'Customer';
    // Lifecycle stage is written to HubSpot only.
    const res = await t.gql<{ updateCustomer: { enqueued: number } }>('mutation($id: ID!, $stage: String) { updateCustomer(id: $id, input: { lifecycleStage: $stage }) { enqueued } }', { id: customer.id, stage });
    expect(res.errors).toBeUndefined();
    expect(res.data!.updateCustomer.enqueued).toBe(1);
    const queued = (await outboxRowsOf(t.app.database.db, [customer.id])).length;
    for (const until = Date.now() + 20_000; ;) {
      const rows = await outboxRowsOf(t.app.database.db, [customer.id]);
      if (rows.every((r) => r.status === 'done')) break;
      if (Date.now() > until) throw new Error(`outbox not settled: ${JSON.stringify(rows.map((r) => [r.status, r.lastError]))}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    // HubSpot reports our write by webhook: the write's own change, announced once for the field written.
    const [first] = await sub.waitFor(1, 10_000);
    expect(first!.data).toEqual({ customerChanged: { customerId: customer.id, changedFields: ['lifecycleStage'] } });
    const hsId = customer.sources.find((s) => s.crm === 'hubspot')!.recordId;
    const inbox = await t.app.database.db.select().from(webhookInbox).where(eq(webhookInbox.connectorId, 'hubspot-demo'));
    expect(inbox.some((r) => (r.payload as { recordId: string }).recordId === hsId && r.processedAt !== null)).toBe(true);
    // Both CRMs report it again by polling (Salesforce has no webhooks here): nothing new.
    await t.app.sync.poller!.pollNow();
    await t.app.sync.inbox.drain();
    await new Promise((r) => setTimeout(r, 1000));
    expect(sub.results).toHaveLength(1);
    expect((await outboxRowsOf(t.app.database.db, [customer.id])).length).toBe(queued);
    // The marks the worker left (visible to admins in the audit log).
    const marks = await t.app.database.db.select().from(auditLog).where(and(eq(auditLog.action, 'writeback.sent'), eq(auditLog.entityType, 'crm-record')));
    expect(marks.filter((m) => (m.detail as { goldenId: string }).goldenId === customer.id)).toHaveLength(1);
    const snapshot = await t.app.database.db.query.goldenRecords.findFirst({ where: (g, { eq: e }) => e(g.id, customer.id) });
    expect(snapshot!.snapshot).toMatchObject({ ...snapshotBefore, lifecycleStage: stage });
    sub.unsubscribe();
  }, 60_000);
});
