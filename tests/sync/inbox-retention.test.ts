/**
 * Webhook inbox retention: processed events older than the retention go (in batches), recent ones and every
 * unprocessed one stay, and an event redelivered after its row was pruned is stored again. On the test database
 * (PGlite or Postgres).
 */
import { eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { webhookInbox } from '../../db/schema.ts';
import { insertInboxEvents, pruneProcessedInbox } from '../../db/sync-store.ts';
import { DEFAULT_MAPPING_CONFIG, parseMappingConfig } from '../../resolver-engine/index.ts';
import { startInboxWorker } from '../../sync/inbox-worker.ts';
import { openTestDatabase } from '../support/test-database.ts';
import type { TestDatabase } from '../support/test-database.ts';

let t: TestDatabase;
beforeAll(async () => {
  t = await openTestDatabase();
});
afterAll(async () => t?.close());

const HOUR = 3_600_000;
const ago = (hours: number) => new Date(Date.now() - hours * HOUR);

async function store(eventIds: string[]): Promise<void> {
  await insertInboxEvents(t.db, 'hubspot-main', eventIds.map((eventId) => ({ eventId, payload: { recordId: eventId } })));
}
async function processedAt(eventIds: string[], at: Date): Promise<void> {
  await t.db.update(webhookInbox).set({ processedAt: at, attempts: 1 }).where(inArray(webhookInbox.eventId, eventIds));
}
const eventIds = async () => (await t.db.select({ eventId: webhookInbox.eventId }).from(webhookInbox).where(eq(webhookInbox.connectorId, 'hubspot-main'))).map((r) => r.eventId).sort();

describe('webhook inbox retention', () => {
  it('deletes processed events older than the retention, in batches, and keeps the rest', async () => {
    const old = Array.from({ length: 7 }, (_, i) => `old-${i}`);
    await store([...old, 'recent', 'waiting-old', 'waiting-new']);
    await processedAt(old, ago(200));
    await processedAt(['recent'], ago(2));
    // Never processed, however long ago received: a change not applied yet.
    await t.db.update(webhookInbox).set({ receivedAt: ago(500), attempts: 3, lastError: 'CRM_UNAVAILABLE' }).where(eq(webhookInbox.eventId, 'waiting-old'));

    expect(await pruneProcessedInbox(t.db, ago(168), 3)).toBe(7);
    expect(await eventIds()).toEqual(['recent', 'waiting-new', 'waiting-old']);
    expect(await pruneProcessedInbox(t.db, ago(168), 3)).toBe(0);
  });

  it('the inbox worker prunes with the retention it was given, and keeps everything without one', async () => {
    await store(['worker-old']);
    await processedAt(['worker-old'], ago(3));
    const ctx = () => ({ db: t.db, config: parseMappingConfig(DEFAULT_MAPPING_CONFIG), connectors: new Map() });
    const keepAll = startInboxWorker(ctx, { intervalMs: 60_000 });
    expect(await keepAll.prune()).toBe(0);
    await keepAll.stop();
    expect(await eventIds()).toContain('worker-old');
    const pruned: number[] = [];
    const worker = startInboxWorker(ctx, { intervalMs: 60_000, retentionMs: 2.5 * HOUR, onPruned: (n) => pruned.push(n) });
    expect(await worker.prune()).toBe(1);
    await worker.stop();
    expect(pruned).toEqual([1]);
    expect(await eventIds()).not.toContain('worker-old');
  });

  it('stores an event again when the CRM redelivers it after its row was pruned', async () => {
    await store(['redelivered']);
    await processedAt(['redelivered'], ago(400));
    expect(await pruneProcessedInbox(t.db, ago(168))).toBe(1);
    expect(await insertInboxEvents(t.db, 'hubspot-main', [{ eventId: 'redelivered', payload: {} }])).toBe(1);
    // While its row is kept, a redelivery is stored once.
    expect(await insertInboxEvents(t.db, 'hubspot-main', [{ eventId: 'redelivered', payload: {} }])).toBe(0);
  });
});
