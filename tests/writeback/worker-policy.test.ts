/** The worker's pure policies: coalescing rows of one record and the retry delay. */
import { describe, expect, it } from 'vitest';
import { coalesce, retryDelayMs } from '../../sync/writeback/worker.ts';
import type { OutboxRow } from '../../db/outbox-store.ts';

const row = (id: number, recordId: string, fields: Record<string, unknown>): OutboxRow => ({
  id, connectorId: 'c', objectType: 'Contact', recordId, goldenId: 'g', operation: 'update', fields, idempotencyKey: `k${id}`,
  status: 'in_flight', attempts: 1, nextAttemptAt: new Date(), claimedBy: 'w', claimedAt: new Date(), claimToken: 't', lastError: null, createdAt: new Date(), updatedAt: new Date(),
});

describe('write-back worker policies', () => {
  it('coalesces rows of one record in outbox order: the last value per field wins', () => {
    const out = coalesce([row(3, 'a', { Title: 'third' }), row(1, 'a', { Title: 'first', Email: 'x@y.io' }), row(2, 'b', { Title: 'other' })]);
    expect(out.map((r) => [r.recordId, r.fields, r.rows.map((x) => x.id)])).toEqual([
      ['a', { Title: 'third', Email: 'x@y.io' }, [1, 3]],
      ['b', { Title: 'other' }, [2]],
    ]);
  });

  it('backs off with jitter under an exponential ceiling, never sooner than Retry-After', () => {
    for (let i = 0; i < 200; i++) {
      const d = retryDelayMs(3, undefined, 100, 10_000);
      expect(d).toBeGreaterThanOrEqual(0);
      expect(d).toBeLessThanOrEqual(400);
      expect(retryDelayMs(1, 2_000, 100, 10_000)).toBeGreaterThanOrEqual(2_000);
      expect(retryDelayMs(30, undefined, 100, 10_000)).toBeLessThanOrEqual(10_000);
    }
  });
});
