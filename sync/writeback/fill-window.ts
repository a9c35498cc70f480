/**
 * The batch-fill window: a CRM bulk write takes up to `limits.update` records (Salesforce 200, HubSpot 100) and costs
 * one call however few it carries. While updates are still arriving, sending what is due right away splits a burst
 * into many small batches. So a connector object's rows are claimed only once its batch is full (enough distinct
 * records) or its oldest due row has waited `fillMs`; a lone update goes out about `fillMs` after it was queued.
 * Rows overdue already (a dead worker's, reclaimed after the lease) never wait. `fillMs` 0: no window.
 */
import type { Connector } from '../../connectors/contract/index.ts';
import type { Database } from '../../db/open-database.ts';
import { dueOutbox } from '../../db/outbox-store.ts';
import type { DueGroup, OutboxGroup } from '../../db/outbox-store.ts';

export interface FillOptions {
  fillMs: number;
  leaseMs: number;
  /** Checked between looks: true ends the wait with nothing ready (the worker is stopping). */
  aborted: () => boolean;
  /** Upper bound of one sleep between looks at the outbox, so a batch that fills is seen soon. Default 100 ms. */
  lookMs?: number;
}

/** The batch size of a connector object; an unknown connector counts as full (its rows go to the retry path at once). */
function batchSize(connectors: ReadonlyMap<string, Connector>, connectorId: string): number {
  const c = connectors.get(connectorId);
  return c ? Math.max(1, c.limits.update) : 1;
}

/** Which groups may be claimed now, and how long until the next one will be (Infinity: none waiting). */
export function readyGroups(due: readonly DueGroup[], connectors: ReadonlyMap<string, Connector>, fillMs: number, now = Date.now()): { ready: OutboxGroup[]; waitMs: number } {
  const ready: OutboxGroup[] = [];
  let waitMs = Infinity;
  for (const g of due) {
    const waited = now - g.oldestDueAt.getTime();
    if (g.reclaimable || g.records >= batchSize(connectors, g.connectorId) || waited >= fillMs) ready.push({ connectorId: g.connectorId, objectType: g.objectType });
    else waitMs = Math.min(waitMs, fillMs - waited);
  }
  return { ready, waitMs };
}

/**
 * Waits until some connector object's batch is full or has waited `fillMs`, and answers the groups ready then.
 * Answers [] at once when nothing is due (the caller polls again later) or when aborted.
 */
export async function waitForFill(db: Database, connectors: ReadonlyMap<string, Connector>, opts: FillOptions): Promise<OutboxGroup[]> {
  const lookMs = opts.lookMs ?? 100;
  for (;;) {
    if (opts.aborted()) return [];
    const due = await dueOutbox(db, { leaseMs: opts.leaseMs });
    if (due.length === 0) return [];
    const { ready, waitMs } = readyGroups(due, connectors, opts.fillMs);
    if (ready.length > 0) return ready;
    await new Promise((r) => setTimeout(r, Math.max(10, Math.min(waitMs, lookMs))));
  }
}

/** A batch that is neither full nor holds a row that has waited `fillMs`: better sent with the rows still coming. */
export function unripe(batchRecords: number, size: number, oldestDueAt: Date, fillMs: number, now = Date.now()): boolean {
  return fillMs > 0 && batchRecords < size && now - oldestDueAt.getTime() < fillMs;
}
