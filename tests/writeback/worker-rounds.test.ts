/**
 * The write-back worker across rounds: a claim takes every pending row of the records it claims (coalescing is
 * complete per record), a full claim hands its trailing partial batch back so the next round fills it (a burst
 * costs ceil(records / batch) calls whatever the claim limit), and optimistic concurrency does not take the worker's
 * own earlier write of a field for someone else's change; a round that outlasts its lease keeps renewing it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import type { Connector } from '../../connectors/contract/index.ts';
import { claimOutbox, completeOutbox, enqueueOutbox } from '../../db/outbox-store.ts';
import { recordLinks, writebackOutbox } from '../../db/schema.ts';
import { DEMO_SALESFORCE_ID } from '../../cli/connector-setup.ts';
import { WriteBackWorker } from '../../sync/writeback/worker.ts';
import { openTestDatabase } from '../support/test-database.ts';
import type { TestDatabase } from '../support/test-database.ts';
import { startTestApp } from '../support/test-app.ts';
import type { TestApp } from '../support/test-app.ts';

interface LedgerEntry { seq: number; recordId: string; operation: string; fields: Record<string, unknown> }

describe('outbox claims take whole records', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await openTestDatabase();
  });
  afterAll(async () => t?.close());

  it('a claim of 5 rows brings every other pending row of those 5 records, and no row of another record', async () => {
    const wave = (n: number) => Array.from({ length: 10 }, (_, i) => ({ connectorId: 'sf', objectType: 'Contact', recordId: `r${i}`, fields: { Title: `t${i}.${n}` }, idempotencyKey: `whole-${n}-${i}` }));
    await enqueueOutbox(t.db, wave(1));
    await enqueueOutbox(t.db, [{ connectorId: 'hs', objectType: 'contacts', recordId: 'r0', fields: { jobtitle: 'x' }, idempotencyKey: 'whole-other-crm' }]);
    await enqueueOutbox(t.db, wave(2));
    const claimed = await claimOutbox(t.db, { workerId: 'w', limit: 5 });
    expect(claimed.filter((r) => r.connectorId === 'sf').map((r) => r.recordId).sort()).toEqual(['r0', 'r0', 'r1', 'r1', 'r2', 'r2', 'r3', 'r3', 'r4', 'r4']);
    expect(claimed.some((r) => r.connectorId === 'hs')).toBe(false);
    await completeOutbox(t.db, claimed.map((r) => r.id));
  });
});

describe('write-back rounds against the demo sandboxes', () => {
  let t: TestApp;
  let connectors: Map<string, Connector>;
  const ledger = async (base: string) => ((await (await fetch(`${base}/_sandbox/ledger`)).json()) as { entries: LedgerEntry[] }).entries;
  const routes = async (base: string) => ((await (await fetch(`${base}/_sandbox/stats`)).json()) as { routes: Record<string, number> }).routes;
  const calls = (r: Record<string, number>, re: RegExp) => Object.entries(r).filter(([k]) => re.test(k)).reduce((n, [, v]) => n + v, 0);
  const reset = () => Promise.all([t.salesforceUrl, t.hubspotUrl].flatMap((u) => [fetch(`${u}/_sandbox/ledger`, { method: 'DELETE' }), fetch(`${u}/_sandbox/stats/reset`, { method: 'POST' })]));

  beforeAll(async () => {
    t = await startTestApp();
    await t.app.writebackWorker.stop();
    const links = await t.app.database.db.select().from(recordLinks).where(eq(recordLinks.entityType, 'Customer'));
    connectors = new Map(links.map((l) => [l.connectorId, t.app.connectors.get(l.crm)!]));
  }, 240_000);
  afterAll(async () => t?.close());

  it('a burst of two rows per record, claimed 300 rows at a time, costs ceil(records/200) and ceil(records/100) calls and writes each record once', async () => {
    const links = (await t.app.database.db.select().from(recordLinks).where(eq(recordLinks.entityType, 'Customer'))).filter((l) => l.objectType === 'Contact' || l.objectType === 'contacts');
    const sf = links.filter((l) => l.crm === 'salesforce');
    const hs = links.filter((l) => l.crm === 'hubspot');
    expect(sf.length).toBeGreaterThan(200);
    expect(hs.length).toBeGreaterThan(100);
    const title = (crm: string) => (crm === 'salesforce' ? 'Title' : 'jobtitle');
    const city = (crm: string) => (crm === 'salesforce' ? 'MailingCity' : 'city');
    for (const [n, field] of [[1, title], [2, city]] as const) {
      await enqueueOutbox(t.app.database.db, links.map((l) => ({
        connectorId: l.connectorId, objectType: l.objectType, recordId: l.recordId, goldenId: l.goldenId,
        fields: { [field(l.crm)]: `Rounds ${n} ${l.recordId}` }, idempotencyKey: `rounds-${n}-${l.id}`,
      })));
    }
    await reset();
    const worker = new WriteBackWorker({ db: t.app.database.db, connectors, claimLimit: 300 });
    const total = await worker.drain();
    expect(total).toMatchObject({ dead: 0, stale: 0, retried: 0 });
    expect(total.released).toBeGreaterThan(0);
    expect(calls(await routes(t.salesforceUrl), /^PATCH .*composite\/sobjects/)).toBe(Math.ceil(sf.length / 200));
    expect(calls(await routes(t.hubspotUrl), /^POST .*\/batch\/update/)).toBe(Math.ceil(hs.length / 100));
    for (const [base, group] of [[t.salesforceUrl, sf], [t.hubspotUrl, hs]] as const) {
      const entries = await ledger(base);
      expect(entries).toHaveLength(group.length); // each record once, both fields in one write
      const byRecord = new Map(entries.map((e) => [e.recordId, e.fields]));
      for (const l of group) expect(byRecord.get(l.recordId)).toEqual({ [title(l.crm)]: `Rounds 1 ${l.recordId}`, [city(l.crm)]: `Rounds 2 ${l.recordId}` });
    }
    const left = await t.app.database.db.select().from(writebackOutbox).where(eq(writebackOutbox.status, 'pending'));
    expect(left).toHaveLength(0);
  }, 120_000);

  it('a round slower than the lease keeps its rows: no other worker takes them while it runs', async () => {
    const [link] = await t.app.database.db.select().from(recordLinks).where(eq(recordLinks.objectType, 'Contact')).limit(1);
    await enqueueOutbox(t.app.database.db, [{ connectorId: link!.connectorId, objectType: 'Contact', recordId: link!.recordId, goldenId: link!.goldenId, fields: { Title: 'Lease Held' }, idempotencyKey: `lease-held-${link!.id}` }]);
    const latency = (spec: object) => fetch(`${t.salesforceUrl}/_sandbox/latency`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(spec) });
    await latency({ fixedMs: 5000 }); // the CRM answers long after the 1.5 s lease
    try {
      const worker = new WriteBackWorker({ db: t.app.database.db, connectors, leaseMs: 1500 });
      const round = worker.runOnce();
      await new Promise((r) => setTimeout(r, 3000));
      const taken = await claimOutbox(t.app.database.db, { workerId: 'another-worker', limit: 10, leaseMs: 1500 });
      await completeOutbox(t.app.database.db, taken.map((r) => r.id));
      expect(taken).toHaveLength(0);
      expect(await round).toMatchObject({ claimed: 1, done: 1 });
    } finally {
      await latency({});
    }
  }, 60_000);

  it('a row planned before the worker wrote an earlier value of the same field is still sent (our write is no conflict)', async () => {
    const page = await t.gql<{ customers: { edges: { node: { id: string; sources: { crm: string; recordId: string }[] } }[] } }>('{ customers(first: 50) { edges { node { id sources { crm recordId } } } } }');
    const customer = page.data!.customers.edges.map((e) => e.node).find((n) => n.sources.filter((s) => s.crm === 'salesforce').length === 1)!;
    const UPDATE = 'mutation($id: ID!, $input: CustomerInput!) { updateCustomer(id: $id, input: $input) { plan { writes { crm recordId nativeField current } } } }';
    const first = await t.gql<{ updateCustomer: { plan: { writes: { crm: string; recordId: string; nativeField: string; current: string | null }[] } } }>(UPDATE, { id: customer.id, input: { title: 'Written First' } });
    expect(first.errors).toBeUndefined();
    const sfWrite = first.data!.updateCustomer.plan.writes.find((w) => w.crm === 'salesforce')!;
    await t.app.writebackWorker.drain();
    // The second change was planned while the CRM still held the original title (as when both were queued before
    // the worker took the first): it expects the original, and finds our own 'Written First' instead.
    await enqueueOutbox(t.app.database.db, [{
      connectorId: DEMO_SALESFORCE_ID, objectType: 'Contact', recordId: sfWrite.recordId, goldenId: customer.id,
      fields: { Title: 'Written Second', $expected: { Title: sfWrite.current } }, idempotencyKey: `planned-before-${customer.id}`,
    }]);
    const round = await t.app.writebackWorker.drain();
    expect(round).toMatchObject({ stale: 0, done: 1 });
    const entries = (await ledger(t.salesforceUrl)).filter((e) => e.recordId === sfWrite.recordId);
    expect(entries.at(-1)!.fields).toEqual({ Title: 'Written Second' });
  }, 60_000);
});
