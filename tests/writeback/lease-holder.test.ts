/**
 * Outcome updates are conditional on the claim: a worker that stalled past its lease (GC pause, stopped VM) while
 * another worker claimed and sent its rows neither overwrites that outcome (done stays done: no retry that would
 * send again, no dead letter over a success) nor sends the rows a second time when it wakes up before its CRM call.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import type { Connector } from '../../connectors/contract/index.ts';
import { claimOutbox, completeOutbox, enqueueOutbox, failOutbox, markOutboxStale, releaseOutbox, renewOutboxLease } from '../../db/outbox-store.ts';
import { deadLetterOutbox } from '../../db/writeback-store.ts';
import { recordLinks, writebackDeadLetters, writebackOutbox } from '../../db/schema.ts';
import { WriteBackWorker } from '../../sync/writeback/worker.ts';
import { openTestDatabase } from '../support/test-database.ts';
import type { TestDatabase } from '../support/test-database.ts';
import { startTestApp } from '../support/test-app.ts';
import type { TestApp } from '../support/test-app.ts';

interface LedgerEntry { seq: number; recordId: string; operation: string; fields: Record<string, unknown> }
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('outcome updates of a claim that lost its lease', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await openTestDatabase();
  });
  afterAll(async () => t?.close());

  it("worker A's late retry, dead letter, stale mark, release or renewal changes nothing once B claimed and completed the row", async () => {
    await enqueueOutbox(t.db, [{ connectorId: 'sf', objectType: 'Contact', recordId: 'r1', fields: { Title: 'x' }, idempotencyKey: 'lease-lost-1' }]);
    const [a] = await claimOutbox(t.db, { workerId: 'A', limit: 10 });
    
    await sleep(30); // A stalls past its (here 10 ms) lease
    const [b] = await claimOutbox(t.db, { workerId: 'B', limit: 10, leaseMs: 10 });
    expect(b?.id).toBe(a!.id);
    
    expect(await completeOutbox(t.db, [b!.id], b!.claimToken!)).toEqual([b!.id]);

    // A wakes up with the outcome of its own (timed-out) attempt.
    const tokenA = a!.claimToken!;
    expect(await renewOutboxLease(t.db, tokenA, [a!.id])).toEqual([]);
    expect(await failOutbox(t.db, [a!.id], 'CRM timeout', new Date(), tokenA)).toEqual([]);
    expect(await failOutbox(t.db, [a!.id], 'refused', null, tokenA)).toEqual([]);
    expect(await markOutboxStale(t.db, [a!.id], 'changed', tokenA)).toEqual([]);
    expect(await releaseOutbox(t.db, [a!.id], tokenA)).toEqual([]);
    expect(await deadLetterOutbox(t.db, [{ row: a!, code: 'CRM_VALIDATION', reason: 'refused' }], tokenA)).toEqual([]);
    expect(await completeOutbox(t.db, [a!.id], tokenA)).toEqual([]);

    const [row] = await t.db.select().from(writebackOutbox).where(eq(writebackOutbox.id, a!.id));
    expect(row).toMatchObject({ status: 'done', claimedBy: 'B', claimToken: b!.claimToken, lastError: null });
    expect(await t.db.select().from(writebackDeadLetters).where(eq(writebackDeadLetters.outboxId, a!.id))).toHaveLength(0);
    expect(await claimOutbox(t.db, { workerId: 'C', limit: 10, leaseMs: 10 })).toHaveLength(0); // nothing to send again
  });
});

describe('a worker that stalled past its lease against the demo sandboxes', () => {
  let t: TestApp;
  let connectors: Map<string, Connector>;
  const ledger = async (base: string) => ((await (await fetch(`${base}/_sandbox/ledger`)).json()) as { entries: LedgerEntry[] }).entries;
  const total = async (base: string) => Object.values(((await (await fetch(`${base}/_sandbox/stats`)).json()) as { routes: Record<string, number> }).routes).reduce((n, v) => n + v, 0);
  const latency = (spec: object) => fetch(`${t.salesforceUrl}/_sandbox/latency`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(spec) });

  beforeAll(async () => {
    t = await startTestApp();
    await t.app.writebackWorker.stop();
    const links = await t.app.database.db.select().from(recordLinks).where(eq(recordLinks.entityType, 'Customer'));
    connectors = new Map(links.map((l) => [l.connectorId, t.app.connectors.get(l.crm)!]));
  }, 240_000);
  afterAll(async () => t?.close());

  it('B claims and sends the row after A stalled; A, waking up before its CRM call, does not send it again and reports the lost claim', async () => {
    const db = t.app.database.db;
    const [link] = await db.select().from(recordLinks).where(eq(recordLinks.objectType, 'Contact')).limit(1);
    const connector = connectors.get(link!.connectorId)!;
    const current = (await connector.fetchByIds('Contact', [link!.recordId], { fields: ['Title'] })).get(link!.recordId)?.fields.Title ?? null;
    // $expected makes the worker read the record before sending: the slow read is where A "stalls".
    await enqueueOutbox(db, [{
      connectorId: link!.connectorId, objectType: 'Contact', recordId: link!.recordId, goldenId: link!.goldenId,
      fields: { Title: 'Sent Once', $expected: { Title: current } }, idempotencyKey: `lease-lost-send-${link!.id}`,
    }]);
    await fetch(`${t.salesforceUrl}/_sandbox/ledger`, { method: 'DELETE' });
    const warnings: unknown[] = [];
    const logger = { warn: (obj: unknown) => warnings.push(obj), error: () => undefined };
    // Lease 60 s: A's heartbeat (every 20 s) never fires during the test, as in a stalled process.
    const a = new WriteBackWorker({ db, connectors, workerId: 'A', leaseMs: 60_000, logger });
    const before = await total(t.salesforceUrl);
    await latency({ fixedMs: 3000 });
    const roundA = a.runOnce();
    try {
      for (let i = 0; i < 100 && (await total(t.salesforceUrl)) <= before; i++) await sleep(20); // A's read is in flight
    } finally {
      await latency({});
    }
    // A's lease ran out while it stalled (its claim is as old as a lease): B's claim takes the row.
    await db.update(writebackOutbox).set({ claimedAt: sql`now() - interval '120 seconds'` }).where(eq(writebackOutbox.claimedBy, 'A'));
    const b = new WriteBackWorker({ db, connectors, workerId: 'B', leaseMs: 60_000 });
    expect(await b.runOnce()).toMatchObject({ claimed: 1, done: 1, calls: 1, lost: 0 });

    expect(await roundA).toMatchObject({ claimed: 1, done: 0, calls: 0, retried: 0, lost: 1 });
    expect(warnings).toHaveLength(1);
    const rows = await db.select().from(writebackOutbox).where(eq(writebackOutbox.idempotencyKey, `lease-lost-send-${link!.id}`));
    expect(rows[0]).toMatchObject({ status: 'done', claimedBy: 'B' });
    const sends = (await ledger(t.salesforceUrl)).filter((e) => e.recordId === link!.recordId);
    expect(sends.map((e) => e.fields)).toEqual([{ Title: 'Sent Once' }]);
    expect(await a.drain()).toMatchObject({ claimed: 0 });
  }, 60_000);
});
