import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claimOutbox, completeOutbox, enqueueOutbox, failOutbox } from '../../db/outbox-store.ts';
import { openDatabase } from '../../db/open-database.ts';
import type { DatabaseHandle } from '../../db/open-database.ts';
import { openTestDatabase, onPostgres } from '../support/test-database.ts';
import type { TestDatabase } from '../support/test-database.ts';

const rows = (n: number, prefix: string) =>
  Array.from({ length: n }, (_, i) => ({ connectorId: 'sf', objectType: 'Contact', recordId: `r${i}`, fields: { Title: `t${i}` }, idempotencyKey: `${prefix}-${i}` }));

describe('write-back outbox claims', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await openTestDatabase();
  });
  afterAll(async () => t?.close());

  it('ignores a row whose idempotency key is already queued', async () => {
    expect(await enqueueOutbox(t.db, rows(3, 'idem'))).toBe(3);
    expect(await enqueueOutbox(t.db, rows(3, 'idem'))).toBe(0);
    const claimed = await claimOutbox(t.db, { workerId: 'w', limit: 100 });
    await completeOutbox(t.db, claimed.map((r) => r.id));
  });

  it('makes a row of a dead worker claimable again after its lease, and retries failed rows later', async () => {
    await enqueueOutbox(t.db, rows(2, 'lease'));
    const first = await claimOutbox(t.db, { workerId: 'dies', limit: 10 });
    expect(first).toHaveLength(2);
    expect(await claimOutbox(t.db, { workerId: 'other', limit: 10 })).toHaveLength(0);
    await new Promise((r) => setTimeout(r, 30));
    const reclaimed = await claimOutbox(t.db, { workerId: 'other', limit: 10, leaseMs: 10 });
    expect(reclaimed.map((r) => r.id).sort()).toEqual(first.map((r) => r.id).sort());
    expect(reclaimed.every((r) => r.attempts === 2)).toBe(true);
    await failOutbox(t.db, [reclaimed[0]!.id], 'CRM 503', new Date(Date.now() + 60_000));
    await failOutbox(t.db, [reclaimed[1]!.id], 'INVALID_EMAIL_ADDRESS', null);
    expect(await claimOutbox(t.db, { workerId: 'x', limit: 10 })).toHaveLength(0);
  });

  it.runIf(onPostgres)('gives two concurrent claimers on Postgres disjoint rows (FOR UPDATE SKIP LOCKED)', async () => {
    await enqueueOutbox(t.db, rows(400, 'conc'));
    // Two separate connection pools: two workers as two processes would be.
    const a: DatabaseHandle = await openDatabase({ url: t.url, maxConnections: 4 });
    const b: DatabaseHandle = await openDatabase({ url: t.url, maxConnections: 4 });
    try {
      const claimsA: number[] = [];
      const claimsB: number[] = [];
      const drain = async (h: DatabaseHandle, into: number[], id: string) => {
        for (;;) {
          const got = await claimOutbox(h.db, { workerId: id, limit: 7 });
          if (got.length === 0) return;
          into.push(...got.map((r) => r.id));
        }
      };
      await Promise.all([drain(a, claimsA, 'a'), drain(a, claimsA, 'a2'), drain(b, claimsB, 'b'), drain(b, claimsB, 'b2')]);
      const all = [...claimsA, ...claimsB];
      expect(new Set(all).size).toBe(all.length);
      expect(all).toHaveLength(400);
      expect(claimsA.length).toBeGreaterThan(0);
      expect(claimsB.length).toBeGreaterThan(0);
    } finally {
      await a.close();
      await b.close();
    }
  });
});
