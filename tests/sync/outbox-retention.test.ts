/**
 * Write-back outbox retention: rows delivered before the retention go (in batches), recently delivered ones and
 * every row not delivered (pending, retrying, in flight, stale, dead) stay, a dead letter is still replayed after a
 * prune, and an idempotency key is free again once its row was pruned (it deduplicates only within the retention).
 * On the test database (PGlite or Postgres).
 */
import { eq, inArray, like } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claimOutbox, completeOutbox, enqueueOutbox, pruneDeliveredOutbox } from '../../db/outbox-store.ts';
import { writebackDeadLetters, writebackOutbox } from '../../db/schema.ts';
import { deadLetterOutbox, replayDeadLetters } from '../../db/writeback-store.ts';
import { WriteBackWorker } from '../../sync/writeback/worker.ts';
import { startTestApp } from '../support/test-app.ts';
import { openTestDatabase } from '../support/test-database.ts';
import type { TestDatabase } from '../support/test-database.ts';

let t: TestDatabase;
beforeAll(async () => {
  t = await openTestDatabase();
});
afterAll(async () => t?.close());

const HOUR = 3_600_000;
const ago = (hours: number) => new Date(Date.now() - hours * HOUR);

/** Queues one row per key (a record each); answers how many were added (a key already queued adds nothing). */
async function queue(keys: string[], connectorId = 'hubspot-main'): Promise<number> {
  return enqueueOutbox(t.db, keys.map((k) => ({ connectorId, objectType: 'contacts', recordId: `rec-${k}`, fields: { firstname: k }, idempotencyKey: k })));
}
/** As the worker leaves rows delivered at `at`: status done, updated then. */
async function deliveredAt(keys: string[], at: Date): Promise<void> {
  await t.db.update(writebackOutbox).set({ status: 'done', attempts: 1, updatedAt: at }).where(inArray(writebackOutbox.idempotencyKey, keys));
}
const keysLike = async (prefix: string) => (await t.db.select({ key: writebackOutbox.idempotencyKey }).from(writebackOutbox).where(like(writebackOutbox.idempotencyKey, `${prefix}%`))).map((r) => r.key).sort();

describe('write-back outbox retention', () => {
  it('deletes rows delivered before the cut-off, in batches until none is left, and keeps every other row', async () => {
    const old = Array.from({ length: 7 }, (_, i) => `a-old-${i}`);
    const others = ['a-recent', 'a-pending', 'a-retrying', 'a-in-flight', 'a-stale', 'a-dead'];
    await queue([...old, ...others]);
    await deliveredAt(old, ago(200));
    await deliveredAt(['a-recent'], ago(2));
    // None of these was written to the CRM, however long ago they were queued or last touched.
    const set = (key: string, values: Partial<typeof writebackOutbox.$inferInsert>) => t.db.update(writebackOutbox).set({ updatedAt: ago(500), ...values }).where(eq(writebackOutbox.idempotencyKey, key));
    await set('a-pending', { createdAt: ago(500) });
    await set('a-retrying', { attempts: 3, lastError: 'CRM_UNAVAILABLE', nextAttemptAt: ago(-1) });
    await set('a-in-flight', { status: 'in_flight', claimedBy: 'w1', claimedAt: ago(500), claimToken: 'tok' });
    await set('a-stale', { status: 'stale', lastError: 'changed in the CRM' });
    await set('a-dead', { status: 'dead', lastError: 'CRM_VALIDATION' });

    expect(await pruneDeliveredOutbox(t.db, ago(168), 3)).toBe(7); // batches of 3, 3 and 1
    expect(await keysLike('a-')).toEqual([...others].sort());
    expect(await pruneDeliveredOutbox(t.db, ago(168), 3)).toBe(0);
  });

  it('stops after a batch that was exactly full only once the next one is empty', async () => {
    const old = Array.from({ length: 6 }, (_, i) => `b-old-${i}`);
    await queue(old);
    await deliveredAt(old, ago(300));
    expect(await pruneDeliveredOutbox(t.db, ago(168), 3)).toBe(6);
    expect(await keysLike('b-')).toEqual([]);
  });

  it('queues the same idempotency key again once its delivered row was pruned (it deduplicates only within the retention)', async () => {
    expect(await queue(['c-mutation'], 'hubspot-c')).toBe(1);
    expect(await queue(['c-mutation'], 'hubspot-c')).toBe(0); // a retry while the row is kept adds nothing
    const [row] = await claimOutbox(t.db, { workerId: 'w', limit: 10, connectorId: 'hubspot-c' });
    expect(row?.idempotencyKey).toBe('c-mutation');
    expect(await completeOutbox(t.db, [row!.id], row!.claimToken!)).toEqual([row!.id]);
    expect(await queue(['c-mutation'], 'hubspot-c')).toBe(0); // delivered and kept: still deduplicated
    expect(await pruneDeliveredOutbox(t.db, ago(168))).toBe(0);
    await deliveredAt(['c-mutation'], ago(169)); // the retention has passed since
    expect(await pruneDeliveredOutbox(t.db, ago(168))).toBe(1);
    expect(await queue(['c-mutation'], 'hubspot-c')).toBe(1); // pruned: queued (and written) again
  });

  it('keeps dead rows, so their dead letters are replayed after a prune, and a replay is still done once', async () => {
    await queue(['d-refused'], 'hubspot-d');
    const [row] = await claimOutbox(t.db, { workerId: 'w', limit: 10, connectorId: 'hubspot-d' });
    expect(row?.idempotencyKey).toBe('d-refused');
    await deadLetterOutbox(t.db, [{ row: row!, code: 'CRM_VALIDATION', reason: 'unknown option' }], row!.claimToken!);
    await t.db.update(writebackOutbox).set({ updatedAt: ago(1000) }).where(eq(writebackOutbox.id, row!.id));
    expect(await pruneDeliveredOutbox(t.db, ago(168))).toBe(0);
    expect(await keysLike('d-')).toEqual(['d-refused']);

    const [letter] = await t.db.select().from(writebackDeadLetters).where(eq(writebackDeadLetters.outboxId, row!.id));
    const replay = await replayDeadLetters(t.db, [letter!.id]);
    expect(replay.replayed).toEqual([{ deadLetterId: letter!.id, outboxId: expect.any(Number) }]);
    const [again] = await t.db.select().from(writebackOutbox).where(eq(writebackOutbox.id, replay.replayed[0]!.outboxId));
    expect(again).toMatchObject({ status: 'pending', recordId: 'rec-d-refused', fields: { firstname: 'd-refused' } });

    // The replayed row delivered and pruned: replaying the same dead letter again still adds nothing.
    await t.db.update(writebackOutbox).set({ status: 'done', updatedAt: ago(200) }).where(eq(writebackOutbox.id, again!.id));
    expect(await pruneDeliveredOutbox(t.db, ago(168))).toBe(1);
    const twice = await replayDeadLetters(t.db, [letter!.id]);
    expect(twice.replayed).toEqual([]);
    expect(twice.skipped[0]?.reason).toMatch(/already replayed/);
  });

  it('the write-back worker prunes with the retention it was given, and keeps everything without one', async () => {
    await queue(['e-worker']);
    await deliveredAt(['e-worker'], ago(3));
    const keepAll = new WriteBackWorker({ db: t.db, connectors: new Map() });
    expect(await keepAll.prune()).toBe(0);
    await keepAll.stop();
    expect(await keysLike('e-')).toEqual(['e-worker']);
    const pruned: number[] = [];
    const worker = new WriteBackWorker({ db: t.db, connectors: new Map(), retentionMs: 2.5 * HOUR, onPruned: (n) => pruned.push(n) });
    expect(await worker.prune()).toBe(1);
    expect(await worker.prune()).toBe(0);
    await worker.stop();
    expect(pruned).toEqual([1]); // reported only when rows went
    expect(await keysLike('e-')).toEqual([]);
    // Stopped (the database may be closing): nothing more is deleted.
    await queue(['e-after-stop']);
    await deliveredAt(['e-after-stop'], ago(3));
    expect(await worker.prune()).toBe(0);
    expect(await keysLike('e-')).toEqual(['e-after-stop']);
  });

  it('the app prunes with CUSTOMER_GRAPH_OUTBOX_RETENTION_HOURS, and refuses to start with a value that is not whole hours', async () => {
    const app = await startTestApp({ demo: false, env: { CUSTOMER_GRAPH_OUTBOX_RETENTION_HOURS: '2' } });
    try {
      const db = app.app.database.db;
      await enqueueOutbox(db, ['f-old', 'f-new'].map((k) => ({ connectorId: 'hubspot-main', objectType: 'contacts', recordId: k, fields: {}, idempotencyKey: k })));
      await db.update(writebackOutbox).set({ status: 'done', updatedAt: ago(3) }).where(eq(writebackOutbox.idempotencyKey, 'f-old'));
      await db.update(writebackOutbox).set({ status: 'done', updatedAt: ago(1) }).where(eq(writebackOutbox.idempotencyKey, 'f-new'));
      expect(await app.app.writebackWorker.prune()).toBe(1);
      expect((await db.select({ key: writebackOutbox.idempotencyKey }).from(writebackOutbox)).map((r) => r.key)).toEqual(['f-new']);
    } finally {
      await app.close();
    }
    await expect(startTestApp({ demo: false, env: { CUSTOMER_GRAPH_OUTBOX_RETENTION_HOURS: '1.5' } })).rejects.toThrow(/CUSTOMER_GRAPH_OUTBOX_RETENTION_HOURS must be a whole number of hours/);
  });
});
