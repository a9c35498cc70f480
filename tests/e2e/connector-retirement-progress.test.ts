/**
 * The admin API's `connectorRetirements` (subgraphs/admin/connector-retirements.ts) on a real app over the embedded
 * demo: a stored HubSpot EU connector this process does not run holds five customers of its own and one record of a
 * customer it shares with the HubSpot demo. Deleted, its retirement waits with every link left; a run stopped after
 * one pass of two links shows them retired and four left; a process holding the lease shows it running, then waiting
 * with the lease expired once that process is gone; the next check finishes it with its totals, and HubSpot failing
 * every call meanwhile is its last error. A connector deleted through `deleteConnector` is listed with its name, and
 * finished. The periodic check is off (CUSTOMER_GRAPH_RETIREMENT_CHECK_MS=0), so only the test moves a retirement.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { and, eq, sql } from 'drizzle-orm';
import { ConnectorStore } from '../../db/connector-store.ts';
import { newGoldenId } from '../../db/golden-ids.ts';
import { claimRetirement } from '../../db/retirement-store.ts';
import { connectorRetirements, goldenRecords, recordLinks } from '../../db/schema.ts';
import { createRetirementResumer } from '../../sync/retirement-resumer.ts';
import type { RetirementResumer } from '../../sync/retirement-resumer.ts';
import { startTestApp } from '../support/test-app.ts';
import type { TestApp } from '../support/test-app.ts';

const EU = 'hubspot-eu';
const APAC = 'hubspot-apac';
const OWN = 5;

interface Retirement {
  connectorId: string; crm: string; connectorName: string | null; deletedAt: string; state: string;
  linksRetired: number; linksRemaining: number; goldenDeleted: number; snapshotsRecomputed: number;
  lastProgressAt: string | null; finishedAt: string | null; leaseOwner: string | null; leaseUntil: string | null; leaseExpired: boolean;
  lastError: { message: string; at: string } | null;
}
const QUERY = `{ connectorRetirements { connectorId crm connectorName deletedAt state linksRetired linksRemaining goldenDeleted
  snapshotsRecomputed lastProgressAt finishedAt leaseOwner leaseUntil leaseExpired lastError { message at } } }`;

describe('admin connectorRetirements: progress of a deleted connector\'s link retirement', () => {
  let t: TestApp;
  const store = () => new ConnectorStore(t.app.database.db, t.app.cipher);
  const resumer = (extra: Partial<Parameters<typeof createRetirementResumer>[0]> = {}) => createRetirementResumer({
    db: t.app.database.db, getConfig: () => t.app.mappingConfig(), connectors: t.app.connectors, logger: pino({ level: 'silent' }), chunkSize: 2, intervalMs: 0, ...extra,
  });
  const retirements = async (): Promise<Retirement[]> => {
    const res = await t.gql<{ connectorRetirements: Retirement[] }>(QUERY);
    expect(res.errors).toBeUndefined();
    return res.data!.connectorRetirements;
  };
  const of = async (id: string) => (await retirements()).find((r) => r.connectorId === id);
  const faults = (rules: unknown[] | null) => fetch(`${t.hubspotUrl}/_sandbox/faults`, rules
    ? { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(rules) }
    : { method: 'DELETE' });

  /** A stored HubSpot connector with `own` customers of its own (record ids `<id>-<i>`). */
  async function connectorWithCustomers(id: string, name: string, own: number): Promise<void> {
    await store().upsert({ id, crm: 'hubspot', name, baseUrl: 'https://api.hubapi.example', credentials: { auth: { kind: 'static', accessToken: `${id}-token` } } });
    const db = t.app.database.db;
    const ids = Array.from({ length: own }, (_, i) => newGoldenId('Customer', Date.now() + i));
    await db.insert(goldenRecords).values(ids.map((gid, i) => ({ id: gid, entityType: 'Customer', snapshot: { email: `${id}-${i}@example.com` } })));
    await db.insert(recordLinks).values(ids.map((goldenId, i) => ({ goldenId, entityType: 'Customer', connectorId: id, crm: 'hubspot', objectType: 'contacts', recordId: `${id}-${i}` })));
  }

  beforeAll(async () => {
    t = await startTestApp({ env: { CUSTOMER_GRAPH_RETIREMENT_CHECK_MS: '0' } });
    await connectorWithCustomers(EU, 'HubSpot EU', OWN);
    // One EU record of a customer the HubSpot demo holds too: recomputing it needs HubSpot (failing, below).
    const db = t.app.database.db;
    const [shared] = await db.select({ goldenId: recordLinks.goldenId }).from(recordLinks)
      .where(and(eq(recordLinks.entityType, 'Customer'), eq(recordLinks.connectorId, 'hubspot-demo'), eq(recordLinks.status, 'active'))).limit(1);
    await db.insert(recordLinks).values({ goldenId: shared!.goldenId, entityType: 'Customer', connectorId: EU, crm: 'hubspot', objectType: 'contacts', recordId: `${EU}-shared` });
    await connectorWithCustomers(APAC, 'HubSpot APAC', 3);
  }, 240_000);
  afterAll(async () => {
    if (t) await faults(null);
    await t?.close();
  });

  it('shows a retirement waiting, partly done, running, stalled and finished, with its counts and last error', async () => {
    expect(await of(EU)).toBeUndefined();
    await store().remove(EU, { retireLinks: true });
    const due = await of(EU);
    expect(due).toMatchObject({
      crm: 'hubspot', connectorName: 'HubSpot EU', state: 'WAITING', linksRetired: 0, linksRemaining: OWN + 1, goldenDeleted: 0,
      lastProgressAt: null, finishedAt: null, leaseOwner: null, leaseUntil: null, leaseExpired: false, lastError: null,
    });
    expect(Number.isNaN(Date.parse(due!.deletedAt))).toBe(false);

    // The deleting process shuts down after one pass of two links.
    let stopping: Promise<void> | undefined;
    const first: RetirementResumer = resumer({ onProgress: () => { stopping ??= first.stop(); } });
    expect(await first.retire(EU)).toMatchObject({ linksRetired: 2, stopped: 'aborted' });
    await stopping;
    const cut = await of(EU);
    expect(cut).toMatchObject({ state: 'WAITING', linksRetired: 2, linksRemaining: OWN + 1 - 2, goldenDeleted: 2, snapshotsRecomputed: 0, leaseOwner: null, finishedAt: null });
    expect(cut!.lastProgressAt).not.toBeNull();

    // Another process holds it…
    expect(await claimRetirement(t.app.database.db, EU, 'worker-host-4711', 60_000)).toBe(true);
    const held = await of(EU);
    expect(held).toMatchObject({ state: 'RUNNING', leaseOwner: 'worker-host-4711', leaseExpired: false, linksRemaining: OWN + 1 - 2 });
    expect(Date.parse(held!.leaseUntil!)).toBeGreaterThan(Date.parse(held!.lastProgressAt!));

    // …and dies with it: the lease runs out, nobody works on it.
    await t.app.database.db.update(connectorRetirements).set({ leaseUntil: sql`now() - interval '1 second'` }).where(eq(connectorRetirements.connectorId, EU));
    expect(await of(EU)).toMatchObject({ state: 'WAITING', leaseOwner: 'worker-host-4711', leaseExpired: true, linksRemaining: OWN + 1 - 2 });

    // The next check finishes it, HubSpot failing every call: the shared customer keeps its snapshot, and says why.
    await faults([{ kind: 'server-error', rate: 1 }]);
    const reports = await resumer().check();
    await faults(null);
    expect(reports.map((r) => [r.connectorId, r.linksRetired, r.stopped])).toEqual([[EU, OWN + 1 - 2, null]]);
    const done = await of(EU);
    expect(done).toMatchObject({
      connectorName: 'HubSpot EU', state: 'FINISHED', linksRetired: OWN + 1, linksRemaining: 0, goldenDeleted: OWN, snapshotsRecomputed: 0,
      leaseOwner: null, leaseUntil: null, leaseExpired: false,
    });
    expect(done!.finishedAt).not.toBeNull();
    expect(done!.lastError!.message).toMatch(/^Could not read hubspot \(.+\): 1 golden record keeps its previous snapshot until a resync/);
  }, 120_000);

  it('lists a connector deleted through deleteConnector with its name, finished by the run the deletion starts', async () => {
    const res = await t.gql<{ deleteConnector: boolean }>(`mutation { deleteConnector(id: "${APAC}") }`);
    expect(res.errors).toBeUndefined();
    await expect.poll(async () => (await of(APAC))?.state, { timeout: 30_000, interval: 100 }).toBe('FINISHED');
    expect(await of(APAC)).toMatchObject({ crm: 'hubspot', connectorName: 'HubSpot APAC', linksRetired: 3, linksRemaining: 0, goldenDeleted: 3, lastError: null });
    // Newest deletion first.
    expect((await retirements()).map((r) => r.connectorId).slice(0, 2)).toEqual([APAC, EU]);

    // Added back under its id: not a deleted connector any more, so not listed.
    await store().upsert({ id: APAC, crm: 'hubspot', name: 'HubSpot APAC again', baseUrl: 'https://api.hubapi.example', credentials: { auth: { kind: 'static', accessToken: 't' } } });
    expect(await of(APAC)).toBeUndefined();
  }, 60_000);
});
