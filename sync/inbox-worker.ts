/**
 * The inbox worker: applies stored webhook events. It reads a batch of unprocessed rows, fetches the records they
 * name with `connector.fetchByIds` (outside any transaction: CRM calls must not hold database locks), then in one
 * transaction claims the rows still unprocessed with `FOR UPDATE SKIP LOCKED` (two workers never apply the same
 * row), applies the records through the change applier and marks the rows processed. A worker killed mid-batch
 * rolls back: the rows stay unprocessed and are claimed again. A record the CRM no longer has is a deletion.
 *
 * Events only say "this record changed"; the worker always fetches the current record, so out-of-order or
 * repeated events converge on the CRM's state, and applying them again changes nothing.
 */
import type { NativeRecord } from '../connectors/contract/index.ts';
import { asConnectorError } from '../connectors/contract/index.ts';
import type { Tx } from '../db/link-store.ts';
import { claimInbox, markInboxFailed, markInboxProcessed, pendingInbox, pruneProcessedInbox } from '../db/sync-store.ts';
import { retentionSchedule } from './retention-schedule.ts';
import type { InboxRow } from '../db/sync-store.ts';
import { requiredNativeFields } from '../resolver-engine/index.ts';
import type { ChangeApplierContext, ObjectChanges } from './change-applier.ts';
import { StalePreparationError, applyPrepared, prepareChanges } from './change-applier.ts';
import type { InboxPayload } from './webhook-receiver.ts';

export interface InboxBatchReport {
  rows: number;
  applied: number;
  failed: number;
  events: number;
}

export interface InboxOptions {
  batchSize?: number;
  /** Rows tried this many times are left for an operator (last_error says why). */
  maxAttempts?: number;
}

/** One batch: returns what it did (rows: 0 means the inbox is drained). */
export async function processInboxBatch(ctx: ChangeApplierContext, options: InboxOptions = {}): Promise<InboxBatchReport> {
  const rows = await pendingInbox(ctx.db, options.batchSize ?? 100, options.maxAttempts ?? 10);
  const report: InboxBatchReport = { rows: rows.length, applied: 0, failed: 0, events: 0 };
  if (rows.length === 0) return report;
  const crmOf = new Map([...(ctx.connectorIds ?? new Map<string, string>()).entries()].map(([crm, id]) => [id, crm]));
  let changes: ObjectChanges[];
  try {
    changes = await fetchChanges(ctx, rows, crmOf);
  } catch (err) {
    const error = asConnectorError('sync', err);
    await markInboxFailed(ctx.db, rows.map((r) => r.id), `${error.code}: ${error.message}`);
    report.failed = rows.length;
    return report;
  }
  for (let attempt = 1; ; attempt++) {
    const prepared = await prepareChanges(ctx, changes);
    try {
      const applied = await ctx.db.transaction(async (tx: Tx) => {
        const claimed = await claimInbox(tx, rows.map((r) => r.id));
        if (claimed.length === 0) return null;
        const result = await applyPrepared(tx, ctx, prepared);
        await markInboxProcessed(tx, claimed);
        return { claimed, result };
      });
      report.applied = applied?.claimed.length ?? 0;
      report.events = applied?.result.events.length ?? 0;
      return report;
    } catch (err) {
      if (err instanceof StalePreparationError && attempt < 3) continue;
      await markInboxFailed(ctx.db, rows.map((r) => r.id), (err as Error).message);
      report.failed = rows.length;
      return report;
    }
  }
}

/** Groups the rows' records by CRM object and fetches their current state; absent records are deletions. */
async function fetchChanges(ctx: ChangeApplierContext, rows: readonly InboxRow[], crmOf: ReadonlyMap<string, string>): Promise<ObjectChanges[]> {
  const groups = new Map<string, { crm: string; objectType: string; changed: Set<string>; deleted: Set<string> }>();
  for (const row of rows) {
    const p = row.payload as InboxPayload;
    const crm = crmOf.get(row.connectorId) ?? p.crm;
    const key = `${crm}|${p.objectType}`;
    const g = groups.get(key) ?? { crm, objectType: p.objectType, changed: new Set<string>(), deleted: new Set<string>() };
    if (p.kind === 'deleted') g.deleted.add(p.recordId);
    else g.changed.add(p.recordId);
    // A merge: the merged-away records are gone from the CRM, the survivor carries on.
    for (const id of p.mergedIds ?? []) g.deleted.add(id);
    groups.set(key, g);
  }
  const out: ObjectChanges[] = [];
  for (const g of groups.values()) {
    const connector = ctx.connectors.get(g.crm);
    if (!connector) continue;
    // Deleted then re-created in one batch: the fetch decides.
    const ids = [...g.changed];
    const fields = [...new Set(Object.entries(ctx.config.types).flatMap(([goldenType, type]) => type.objects.some((o) => o.crm === g.crm && o.objectType === g.objectType)
      ? requiredNativeFields(ctx.config, goldenType, g.crm, { objectType: g.objectType, includeIdField: true }) : []))];
    const records: NativeRecord[] = [];
    const deletions = new Set([...g.deleted].filter((id) => !g.changed.has(id)));
    const size = Math.max(1, connector.limits.fetchByIds);
    for (let i = 0; i < ids.length; i += size) {
      const chunk = ids.slice(i, i + size);
      const found = await connector.fetchByIds(g.objectType, chunk, { fields, lane: 'sync' });
      for (const id of chunk) {
        const record = found.get(id);
        if (record && !record.deleted) records.push(record);
        else deletions.add(id);
      }
    }
    out.push({ crm: g.crm, objectType: g.objectType, records, deletions: [...deletions] });
  }
  return out;
}

export interface InboxWorker {
  /** Asks for a drain now (a webhook was just stored). */
  wake(): void;
  /** Resolves once the inbox has no row left that can be processed now. */
  drain(): Promise<void>;
  /** Deletes processed rows past the retention now (also soon after start and hourly); how many went. */
  prune(): Promise<number>;
  stop(): Promise<void>;
}

/** Drains the inbox when woken and every `intervalMs` (rows stored by another process, retries). */
export function startInboxWorker(getContext: () => ChangeApplierContext, opts: InboxOptions & {
  intervalMs: number;
  onBatch?: (r: InboxBatchReport) => void;
  onError?: (err: unknown) => void;
  /** The inbox was found empty after at least one batch since the last time (operators, tests). */
  onDrained?: (applied: number) => void;
  /**
   * How long processed rows are kept (for de-duplicating redeliveries and for looking back); older ones are
   * deleted soon after start and then every hour. 0 or absent keeps them all.
   */
  retentionMs?: number;
  onPruned?: (deleted: number) => void;
}): InboxWorker {
  let running: Promise<void> | undefined;
  let again = false;
  let stopped = false;
  let appliedSinceDrained = 0;
  const drainLoop = async () => {
    do {
      again = false;
      for (;;) {
        if (stopped) return;
        const r = await processInboxBatch(getContext(), opts);
        if (r.rows > 0) opts.onBatch?.(r);
        appliedSinceDrained += r.applied;
        if (r.rows === 0 && appliedSinceDrained > 0) {
          opts.onDrained?.(appliedSinceDrained);
          appliedSinceDrained = 0;
        }
        // Stop on an empty inbox, or when nothing could be applied (failures wait for the next tick).
        if (r.rows === 0 || r.applied === 0) break;
      }
    } while (again && !stopped);
  };
  const run = (): Promise<void> => {
    if (running) {
      again = true;
      return running;
    }
    running = drainLoop().catch((err) => opts.onError?.(err)).finally(() => { running = undefined; });
    return running;
  };
  const timer = setInterval(() => void run(), opts.intervalMs);
  const retention = retentionSchedule({
    retentionMs: opts.retentionMs,
    prune: (cutoff) => pruneProcessedInbox(getContext().db, cutoff),
    onPruned: opts.onPruned,
    onError: (err) => opts.onError?.(err),
  });
  retention.start();
  return {
    wake: () => void run(),
    drain: run,
    prune: retention.runNow,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await retention.stop();
      await running;
    },
  };
}
