/**
 * The polling fallback: per connector and configured CRM object, reads `connector.readChanges` from the stored
 * cursor and applies each batch through the change applier; the batch's cursor is written to `sync_cursors` in
 * the SAME transaction as its changes, so a poll that fails halfway resumes from the last committed batch (a few
 * records may be read again — the applier is idempotent — but none is skipped). Overlap, ties across pages and
 * clock skew are the connector's part of the contract (its cursor and `overlapMs`).
 *
 * After each object's poll its outcome goes to `sync_poll_status` (when, records read, or the error code and message
 * and how many polls failed in a row), so the admin Sync health page can tell a quiet object from a dead poller and
 * say why an object fails. That write reports on polling; if it fails, polling carries on (`onStatusError`).
 *
 * A missed webhook is caught within one interval. `startPolling` runs rounds back to back with `intervalMs`
 * between the end of one and the start of the next, so a slow CRM never stacks rounds.
 */
import { asConnectorError } from '../connectors/contract/index.ts';
import type { ChangeCursor } from '../connectors/contract/index.ts';
import { recordPollFailure, recordPollSuccess } from '../db/poll-status-store.ts';
import { readCursor, writeCursor } from '../db/sync-store.ts';
import { rootLogger } from '../lib/logger.ts';
import { requiredNativeFields } from '../resolver-engine/index.ts';
import type { ApplyReport, ChangeApplierContext } from './change-applier.ts';
import { applyChanges } from './change-applier.ts';

export interface PollOptions {
  /** Records per change page (connector default when absent). */
  pageSize?: number;
  /** Re-read this much before the cursor (connector default when absent). */
  overlapMs?: number;
  /** Called after each committed batch (progress, metrics). */
  onBatch?: (info: { crm: string; objectType: string; report: ApplyReport }) => void;
  /** Called when an object's poll outcome could not be stored; logged as a warning when absent. Polling goes on. */
  onStatusError?: (info: { crm: string; objectType: string; error: unknown }) => void;
}

const log = rootLogger.child({ module: 'poller' });

/** Stores an object's poll outcome; a failure to store it is reported, never thrown (it must not stop polling). */
async function storeOutcome(options: PollOptions, target: { crm: string; objectType: string }, write: () => Promise<void>): Promise<void> {
  try {
    await write();
  } catch (error) {
    if (options.onStatusError) options.onStatusError({ ...target, error });
    else log.warn({ ...target, err: error }, 'could not store the poll status of a CRM object; polling goes on');
  }
}

export interface PollReport {
  batches: number;
  records: number;
  deletions: number;
  snapshotsChanged: number;
  events: number;
  failed: { crm: string; objectType: string; code: string; message: string }[];
}

/** The CRM objects to poll: every configured native object whose CRM has a connector, once each. */
export function pollTargets(ctx: Pick<ChangeApplierContext, 'config' | 'connectors'>): { crm: string; objectType: string; fields: string[] }[] {
  const byKey = new Map<string, { crm: string; objectType: string; fields: Set<string> }>();
  for (const [goldenType, type] of Object.entries(ctx.config.types)) {
    for (const object of type.objects) {
      if (!ctx.connectors.has(object.crm)) continue;
      const key = `${object.crm}|${object.objectType}`;
      const entry = byKey.get(key) ?? { crm: object.crm, objectType: object.objectType, fields: new Set<string>() };
      requiredNativeFields(ctx.config, goldenType, object.crm, { objectType: object.objectType, includeIdField: true }).forEach((f) => entry.fields.add(f));
      byKey.set(key, entry);
    }
  }
  return [...byKey.values()].map((t) => ({ crm: t.crm, objectType: t.objectType, fields: [...t.fields] }));
}

/** The connector id a CRM's cursors are stored under (`sync_cursors.connector_id`): its link connector id. */
export function cursorConnectorId(ctx: Pick<ChangeApplierContext, 'connectorIds'>, crm: string): string {
  return ctx.connectorIds?.get(crm) ?? crm;
}

/** One round: every target read from its cursor to now. A failing object is reported and the others go on. */
export async function pollOnce(ctx: ChangeApplierContext, options: PollOptions = {}): Promise<PollReport> {
  const report: PollReport = { batches: 0, records: 0, deletions: 0, snapshotsChanged: 0, events: 0, failed: [] };
  for (const target of pollTargets(ctx)) {
    const connector = ctx.connectors.get(target.crm)!;
    const connectorId = cursorConnectorId(ctx, target.crm);
    let records = 0;
    try {
      const cursor = (await readCursor(ctx.db, connectorId, target.objectType)) as ChangeCursor | null;
      const changes = connector.readChanges(target.objectType, cursor, {
        fields: target.fields, lane: 'sync',
        ...(options.pageSize ? { pageSize: options.pageSize } : {}),
        ...(options.overlapMs !== undefined ? { overlapMs: options.overlapMs } : {}),
        ...(ctx.signal ? { signal: ctx.signal } : {}),
      });
      for await (const batch of changes) {
        const applied = await applyChanges(ctx, [{ crm: target.crm, objectType: target.objectType, records: batch.records, deletions: batch.deletions.map((d) => d.id) }], {
          within: (tx) => writeCursor(tx, connectorId, target.objectType, batch.cursor),
        });
        report.batches++;
        report.records += applied.records;
        records += applied.records + applied.deletions;
        report.deletions += applied.deletions;
        report.snapshotsChanged += applied.snapshotsChanged;
        report.events += applied.events.length;
        options.onBatch?.({ crm: target.crm, objectType: target.objectType, report: applied });
      }
    } catch (err) {
      // Stopping (shutdown) is not a failed poll: nothing is recorded.
      if (ctx.signal?.aborted) throw err;
      const error = asConnectorError(target.crm, err);
      report.failed.push({ crm: target.crm, objectType: target.objectType, code: error.code, message: error.message });
      // error.crm: applying one CRM's changes reads the other sources of the customers concerned, so a Salesforce
      // poll can fail because HubSpot is down; the page must name the CRM to fix.
      await storeOutcome(options, target, () => recordPollFailure(ctx.db, connectorId, target.objectType, { code: error.code, message: error.message, crm: error.crm }));
      continue;
    }
    await storeOutcome(options, target, () => recordPollSuccess(ctx.db, connectorId, target.objectType, { records }));
  }
  return report;
}

export interface Poller {
  /** Runs a round now (or waits for the running one); resolves with its report. */
  pollNow(): Promise<PollReport>;
  /** Skips scheduled rounds until `resume` (maintenance, tests); `pollNow` still runs. */
  pause(): void;
  resume(): void;
  stop(): Promise<void>;
}

/** Polls every `intervalMs` until stopped; `getContext` is read per round so configuration changes apply. */
export function startPolling(getContext: () => ChangeApplierContext, opts: PollOptions & { intervalMs: number; onRound?: (r: PollReport) => void; onError?: (err: unknown) => void }): Poller {
  const abort = new AbortController();
  let running: Promise<PollReport> | undefined;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  let paused = false;
  const scheduled = () => { if (!paused) void round(); else timer = setTimeout(scheduled, opts.intervalMs); };
  const round = (): Promise<PollReport> => {
    if (running) return running;
    if (timer) clearTimeout(timer);
    running = pollOnce({ ...getContext(), signal: abort.signal }, opts)
      .then((r) => { opts.onRound?.(r); return r; })
      .catch((err) => { if (!abort.signal.aborted) opts.onError?.(err); return { batches: 0, records: 0, deletions: 0, snapshotsChanged: 0, events: 0, failed: [] }; })
      .finally(() => {
        running = undefined;
        if (!stopped) timer = setTimeout(scheduled, opts.intervalMs);
      });
    return running;
  };
  timer = setTimeout(scheduled, opts.intervalMs);
  return {
    pollNow: round,
    pause: () => { paused = true; },
    resume: () => { paused = false; },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      abort.abort();
      await running;
    },
  };
}
