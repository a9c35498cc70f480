/**
 * Deleting a connector retires its links (sync/connector-retirement.ts), in the background: a stored HubSpot EU
 * connector that never ran here (its CRM is not running) holds three customers of its own and one record of each of
 * two demo customers. After `deleteConnector` its links are marked deleted (rows kept), its own customers are deleted
 * (null to `customer(id)`, a `customer_changed` event naming each), and the shared customers stay with sources
 * without it: recomputed from Salesforce, or — the one whose other source is HubSpot, failing every call meanwhile —
 * keeping its previous snapshot.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq, inArray } from 'drizzle-orm';
import type { CustomerChangedEvent } from '../../db/change-events.ts';
import { listenCustomerChanged } from '../../db/change-events.ts';
import { ConnectorStore } from '../../db/connector-store.ts';
import { newGoldenId } from '../../db/golden-ids.ts';
import { goldenRecords, recordLinks } from '../../db/schema.ts';
import { startTestApp } from '../support/test-app.ts';
import type { TestApp } from '../support/test-app.ts';

const EU = 'hubspot-eu';
const PLANTED = 'Planted by the EU connector';
type Sources = { customer: { id: string; sources: { crm: string; recordId: string }[] } | null };
const SOURCES = 'query($id: ID!) { customer(id: $id) { id sources { crm recordId } } }';

describe('deleting a connector retires its links', () => {
  let t: TestApp;
  const orphans: string[] = [];
  let salesforceOnly = '';
  let withHubSpot = '';
  const events: CustomerChangedEvent[] = [];
  let unlisten: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    t = await startTestApp();
    const db = t.app.database.db;
    await new ConnectorStore(db, t.app.cipher).upsert({ id: EU, crm: 'hubspot', name: 'HubSpot EU', baseUrl: 'https://api.hubapi.example', credentials: { auth: { kind: 'static', accessToken: 'eu-token' } } });
    const links = await db.select({ goldenId: recordLinks.goldenId, connectorId: recordLinks.connectorId }).from(recordLinks)
      .where(and(eq(recordLinks.entityType, 'Customer'), eq(recordLinks.status, 'active')));
    const byGolden = new Map<string, Set<string>>();
    for (const l of links) byGolden.set(l.goldenId, (byGolden.get(l.goldenId) ?? new Set()).add(l.connectorId));
    const only = (want: string[]) => [...byGolden].find(([, c]) => c.size === want.length && want.every((w) => c.has(w)))![0];
    salesforceOnly = only(['salesforce-demo']);
    withHubSpot = only(['salesforce-demo', 'hubspot-demo']);
    for (let i = 0; i < 3; i++) orphans.push(newGoldenId('Customer', Date.now() + i));
    await db.insert(goldenRecords).values(orphans.map((id, i) => ({ id, entityType: 'Customer', snapshot: { email: `dup-${i}@eu.example`, title: PLANTED } })));
    await db.insert(recordLinks).values([
      ...orphans.map((goldenId, i) => ({ goldenId, entityType: 'Customer', connectorId: EU, crm: 'hubspot', objectType: 'contacts', recordId: `eu-${i}` })),
      { goldenId: salesforceOnly, entityType: 'Customer', connectorId: EU, crm: 'hubspot', objectType: 'contacts', recordId: 'eu-shared-1' },
      { goldenId: withHubSpot, entityType: 'Customer', connectorId: EU, crm: 'hubspot', objectType: 'contacts', recordId: 'eu-shared-2' },
    ]);
    // As if the EU records had won the title: the retirement must recompute it away where it can.
    for (const id of [salesforceOnly, withHubSpot]) {
      const [row] = await db.select({ snapshot: goldenRecords.snapshot }).from(goldenRecords).where(eq(goldenRecords.id, id));
      await db.update(goldenRecords).set({ snapshot: { ...row!.snapshot, title: PLANTED }, snapshotHash: null }).where(eq(goldenRecords.id, id));
    }
    unlisten = await listenCustomerChanged(t.app.database, (e) => void events.push(e));
  }, 240_000);
  afterAll(async () => {
    await unlisten?.();
    if (t) await faults(null);
    await t?.close();
  });

  const faults = (rules: unknown[] | null) => fetch(`${t.hubspotUrl}/_sandbox/faults`, rules
    ? { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(rules) }
    : { method: 'DELETE' });
  const snapshotOf = async (id: string) => (await t.app.database.db.select().from(goldenRecords).where(eq(goldenRecords.id, id)))[0]!;

  it('marks every link deleted, deletes its own customers and recomputes the shared ones', async () => {
    // HubSpot answers 500 to everything: the customer it shares with EU must keep its snapshot, not fail the rest.
    await faults([{ kind: 'server-error', rate: 1 }]);
    const before = await t.gql<Sources>(SOURCES, { id: salesforceOnly });
    expect(before.data!.customer!.sources.map((s) => s.recordId)).toContain('eu-shared-1');

    const res = await t.gql<{ deleteConnector: boolean }>(`mutation { deleteConnector(id: "${EU}") }`);
    expect(res.errors).toBeUndefined();
    expect(res.data!.deleteConnector).toBe(true);

    const db = t.app.database.db;
    const euLinks = () => db.select().from(recordLinks).where(eq(recordLinks.connectorId, EU));
    await expect.poll(async () => (await euLinks()).filter((l) => l.status === 'active').length, { timeout: 30_000, interval: 100 }).toBe(0);
    await faults(null);
    // History kept: the rows are all there, each marked deleted with its time.
    const rows = await euLinks();
    expect(rows.length).toBe(5);
    for (const row of rows) {
      expect(row.status).toBe('deleted');
      expect(row.deletedAt).toBeInstanceOf(Date);
    }

    const states = await db.select({ id: goldenRecords.id, status: goldenRecords.status }).from(goldenRecords).where(inArray(goldenRecords.id, orphans));
    expect(states.map((s) => s.status)).toEqual(['deleted', 'deleted', 'deleted']);
    for (const id of orphans) {
      const gone = await t.gql<Sources>(SOURCES, { id });
      expect(gone.errors).toBeUndefined();
      expect(gone.data!.customer).toBeNull();
    }

    // Salesforce answered: recomputed without the EU record.
    const sf = await snapshotOf(salesforceOnly);
    expect(sf.status).toBe('active');
    expect(sf.snapshot!.title).not.toBe(PLANTED);
    const after = await t.gql<Sources>(SOURCES, { id: salesforceOnly });
    expect(after.data!.customer!.sources.map((s) => s.recordId)).not.toContain('eu-shared-1');
    expect(after.data!.customer!.sources.length).toBeGreaterThan(0);

    // HubSpot could not be read: still active, without the EU source, keeping its previous snapshot until a resync.
    const kept = await snapshotOf(withHubSpot);
    expect(kept.status).toBe('active');
    expect(kept.snapshot!.title).toBe(PLANTED);
    const keptSources = await t.gql<Sources>(SOURCES, { id: withHubSpot });
    expect(keptSources.data!.customer!.sources.map((s) => s.recordId)).not.toContain('eu-shared-2');
    expect(keptSources.data!.customer!.sources.map((s) => s.crm).sort()).toEqual(['hubspot', 'salesforce']);

    // One ids-only event per deleted customer, and the recomputed one names its changed title.
    await expect.poll(() => orphans.every((id) => events.some((e) => e.customerId === id)), { timeout: 10_000 }).toBe(true);
    for (const id of orphans) expect(events.find((e) => e.customerId === id)!.changedFields).toBeUndefined();
    await expect.poll(() => events.find((e) => e.customerId === salesforceOnly)?.changedFields ?? [], { timeout: 10_000 }).toContain('title');
    expect(events.some((e) => e.customerId === withHubSpot)).toBe(false);
  }, 60_000);

  it('leaves nothing for a second pass: the deleted connector is gone and its links stay retired', async () => {
    const again = await t.gql(`mutation { deleteConnector(id: "${EU}") }`);
    expect(again.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const active = await t.app.database.db.select().from(recordLinks).where(and(eq(recordLinks.connectorId, EU), eq(recordLinks.status, 'active')));
    expect(active).toEqual([]);
  });
});
