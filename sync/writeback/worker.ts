/**
 * The write-back worker: claims outbox rows (FOR UPDATE SKIP LOCKED, with a lease, so a killed worker's rows come
 * back), coalesces rows of the same record (last value per field wins, in outbox order), batches per connector
 * object through `updateMany` within `connector.limits.update`, and settles every row:
 *   done → completeOutbox; transient (retryable ConnectorError) → back to pending after backoff with full jitter,
 *   never sooner than the CRM's Retry-After; permanent (CRM_VALIDATION, CRM_NOT_FOUND…) → dead letter with the
 *   CRM's message. A record of several rows refused for good is sent again row by row first (separate-rows.ts), so
 *   only the rows the CRM really refuses become dead letters, each with its own error. Writes run in the
 *   'writeback' lane of the account's one rate budget.
 * Every settlement is conditional on the claim (its token, db/outbox-store.ts), and the lease is renewed and checked
 * right before each CRM call: a worker that stalled past its lease and lost rows to another worker neither sends
 * them again nor overwrites the other worker's outcome; such rows are logged and counted as `lost`.
 * Delivered rows are deleted once older than `retentionMs` (db/outbox-store.ts pruneDeliveredOutbox), soon after
 * start and hourly, so the outbox does not only grow; every other row is kept.
 */
import crypto from 'node:crypto';
import type { Connector, UpdateItem, WriteResult } from '../../connectors/contract/index.ts';
import { asConnectorError } from '../../connectors/contract/index.ts';
import type { ConnectorError } from '../../connectors/contract/index.ts';
import type { Database } from '../../db/open-database.ts';
import { recordEchoMarks, sentValues } from '../../db/echo-marks.ts';
import { waitForFill, unripe } from './fill-window.ts';
import { claimOutbox, completeOutbox, failOutbox, markOutboxStale, pruneDeliveredOutbox, releaseOutbox, renewOutboxLease } from '../../db/outbox-store.ts';
import { expectedOf, fieldsToSend, staleReason } from './concurrency.ts';
import type { OutboxGroup, OutboxRow } from '../../db/outbox-store.ts';
import { deadLetterOutbox } from '../../db/writeback-store.ts';
import type { DeadLetterInput } from '../../db/writeback-store.ts';
import { deliverRowsSeparately, isRetryable, letter } from './separate-rows.ts';
import { retentionSchedule } from '../retention-schedule.ts';
import type { RetentionSchedule } from '../retention-schedule.ts';

export interface WriteBackWorkerOptions {
  db: Database;
  /** Connectors by connector id. */
  connectors: ReadonlyMap<string, Connector>;
  workerId?: string;
  /** Rows claimed per round; large enough that a burst becomes full CRM batches. Default 1000. */
  claimLimit?: number;
  pollMs?: number;
  leaseMs?: number;
  /**
   * Batch-fill window (sync/writeback/fill-window.ts): a connector object's rows wait up to this long after they
   * became due for its batch to fill, so updates arriving over a moment share one CRM call. 0 (default here; the app
   * passes CUSTOMER_GRAPH_WRITEBACK_FILL_MS, default 500): claim whatever is due at once. `drain()` never waits.
   */
  fillMs?: number;
  backoff?: { baseMs?: number; capMs?: number };
  /**
   * How long delivered rows are kept (their idempotency keys deduplicate a retried mutation or a change captured
   * twice only meanwhile); older ones are deleted soon after start and then every hour. 0 or absent keeps them all.
   */
  retentionMs?: number;
  onPruned?: (deleted: number) => void;
  logger?: { warn(obj: unknown, msg?: string): void; error(obj: unknown, msg?: string): void };
}

export interface RoundResult {
  claimed: number;
  done: number;
  retried: number;
  dead: number;
  calls: number;
  /** Rows not sent because the CRM record changed since their plan (optimistic concurrency). */
  stale: number;
  /** Rows of a full claim's trailing partial batch, handed back to fill the next round's batches. */
  released: number;
  /**
   * Rows this worker's claim no longer held when it came to send or settle them (its lease expired while it stalled
   * and another worker claimed them): not sent, their outcome left to the worker that holds them.
   */
  lost: number;
}

/** Full jitter (uniform in [0, min(cap, base·2^attempt)]), but never sooner than the CRM asked. */
/** How often rows of a connector this worker does not run (disabled, not configured here) are looked at again. */
const UNAVAILABLE_RETRY_MS = 5_000;

export function retryDelayMs(attempts: number, retryAfterMs: number | undefined, baseMs = 500, capMs = 5 * 60_000): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.max(0, attempts - 1));
  return Math.max(retryAfterMs ?? 0, Math.round(Math.random() * ceiling));
}

interface Coalesced {
  recordId: string;
  fields: Record<string, unknown>;
  rows: OutboxRow[];
}

/** Rows of one connector object grouped per record, fields merged in outbox order (the last value per field wins). */
export function coalesce(rows: readonly OutboxRow[]): Coalesced[] {
  const byRecord = new Map<string, Coalesced>();
  for (const row of [...rows].sort((a, b) => a.id - b.id)) {
    const id = row.recordId ?? '';
    const entry = byRecord.get(id) ?? { recordId: id, fields: {}, rows: [] };
    Object.assign(entry.fields, fieldsToSend(row));
    entry.rows.push(row);
    byRecord.set(id, entry);
  }
  return [...byRecord.values()];
}

export class WriteBackWorker {
  readonly workerId: string;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> | null = null;
  private stopped = true;
  /** Set by stop(): a round waiting for its batch to fill gives up instead of holding stop() for the window. */
  private halt = false;
  private readonly retention: RetentionSchedule;

  constructor(private readonly opts: WriteBackWorkerOptions) {
    this.workerId = opts.workerId ?? `writeback-${process.pid}-${crypto.randomUUID().slice(0, 8)}`;
    this.retention = retentionSchedule({
      retentionMs: opts.retentionMs,
      prune: (cutoff) => pruneDeliveredOutbox(opts.db, cutoff),
      onPruned: opts.onPruned,
      onError: (err) => opts.logger?.error({ err }, 'deleting delivered write-back rows failed; trying again in an hour'),
    });
  }

  /** Polls until stopped; a round that found work is followed at once by the next. */
  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.halt = false;
    const loop = async () => {
      if (this.stopped) return;
      let claimed = 0;
      try {
        this.running = this.runOnce();
        claimed = ((await this.running) as RoundResult).claimed;
      } catch (err) {
        this.opts.logger?.error({ err }, 'write-back round failed');
      } finally {
        this.running = null;
      }
      if (!this.stopped) this.timer = setTimeout(() => void loop(), claimed > 0 ? 0 : (this.opts.pollMs ?? 200));
    };
    this.timer = setTimeout(() => void loop(), 0);
    this.retention.start();
  }

  /** Deletes delivered rows past the retention now (also soon after start and hourly); how many went. */
  prune(): Promise<number> {
    return this.retention.runNow();
  }

  /** Stops polling and waits for the round in progress (its rows are settled, never left half-done). */
  async stop(): Promise<void> {
    this.stopped = true;
    this.halt = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.retention.stop();
    await this.running?.catch(() => undefined);
  }

  /** Rounds until the outbox has nothing claimable (tests, the CLI's one-shot mode). */
  async drain(maxRounds = 100): Promise<RoundResult> {
    const total: RoundResult = { claimed: 0, done: 0, retried: 0, dead: 0, calls: 0, stale: 0, released: 0, lost: 0 };
    for (let i = 0; i < maxRounds; i++) {
      const r = await this.runOnce({ fill: false }); // everything that will be drained is queued: no window
      for (const k of Object.keys(total) as (keyof RoundResult)[]) total[k] += r[k];
      if (r.claimed === 0) break;
    }
    return total;
  }

  /** One round: (with the fill window) wait until some batch is full or has waited long enough, claim, send, settle. */
  async runOnce(opts: { fill?: boolean } = {}): Promise<RoundResult> {
    const { db } = this.opts;
    const limit = this.opts.claimLimit ?? 1000;
    const leaseMs = this.opts.leaseMs ?? 60_000;
    const fillMs = opts.fill === false ? 0 : Math.max(0, this.opts.fillMs ?? 0);
    let groups: OutboxGroup[] | undefined;
    if (fillMs > 0) {
      groups = await waitForFill(db, this.opts.connectors, { fillMs, leaseMs, aborted: () => this.halt });
      if (groups.length === 0) return { claimed: 0, done: 0, retried: 0, dead: 0, calls: 0, stale: 0, released: 0, lost: 0 };
    }
    const rows = await claimOutbox(db, { workerId: this.workerId, limit, leaseMs, ...(groups ? { groups } : {}) });
    const result: RoundResult = { claimed: rows.length, done: 0, retried: 0, dead: 0, calls: 0, stale: 0, released: 0, lost: 0 };
    // A full claim means more rows are waiting: a partial batch at its end would cost a call the next round can fill.
    const full = rows.length >= limit;
    const byObject = new Map<string, OutboxRow[]>();
    for (const row of rows) {
      const key = `${row.connectorId}\u0000${row.objectType}`;
      byObject.set(key, [...(byObject.get(key) ?? []), row]);
    }
    // The lease is renewed while the round runs (a CRM call may outlast it: timeouts, retries, Retry-After): only a
    // worker that died stops renewing, and only its rows are taken by another worker.
    const ids = rows.map((r) => r.id);
    const token = claimOf(rows);
    const heartbeat = ids.length === 0 ? undefined : setInterval(() => {
      renewOutboxLease(db, token, ids).catch((err: unknown) => this.opts.logger?.warn({ err }, 'renewing the write-back lease failed'));
    }, Math.max(100, Math.floor(leaseMs / 3)));
    try {
      // Connector objects in parallel (different CRMs, different budgets); batches of one object in order.
      await Promise.all([...byObject.values()].map((group) => this.deliver(group, result, full, fillMs)));
    } finally {
      clearInterval(heartbeat);
    }
    return result;
  }

  private async deliver(group: OutboxRow[], result: RoundResult, full: boolean, fillMs: number): Promise<void> {
    const { connectorId, objectType } = group[0]!;
    const connector = this.opts.connectors.get(connectorId);
    let records = coalesce(group);
    if (!connector) {
      // Disabled or not configured in this process: try later rather than drop, every few seconds rather than with a
      // growing backoff (the CRM did not fail), so rows go out soon after the connector is enabled again.
      await this.retry(records.flatMap((r) => r.rows), `connector ${connectorId} is not available in this worker`, undefined, result, UNAVAILABLE_RETRY_MS);
      return;
    }
    const fresh = await this.dropStale(connector, connectorId, objectType, group, result);
    if (fresh.length < group.length) records = coalesce(fresh);
    const size = Math.max(1, connector.limits.update);
    const token = claimOf(group);
    for (let i = 0; i < records.length; i += size) {
      let batch = records.slice(i, i + size);
      const oldest = new Date(Math.min(...batch.flatMap((r) => r.rows.map((row) => row.nextAttemptAt.getTime()))));
      if (i > 0 && batch.length < size && (full || unripe(batch.length, size, oldest, fillMs))) {
        // A trailing partial batch of a full claim, or one whose rows arrived within the fill window: handed back so
        // the rows still coming fill it. Never the first batch (it holds the oldest rows): every round makes progress.
        const ids = batch.flatMap((r) => r.rows.map((row) => row.id));
        const released = await releaseOutbox(this.opts.db, ids, token);
        result.released += released.length;
        this.lost(result, ids, released, 'release');
        continue;
      }
      // Renewed and checked right before the call: rows lost while this worker stalled (another worker claimed them
      // after the lease) are not sent twice. One indexed UPDATE per CRM call.
      const batchIds = batch.flatMap((r) => r.rows.map((row) => row.id));
      const held = new Set(await renewOutboxLease(this.opts.db, token, batchIds));
      if (held.size < batchIds.length) {
        this.lost(result, batchIds, [...held], 'send');
        batch = coalesce(batch.flatMap((r) => r.rows).filter((row) => held.has(row.id)));
        if (batch.length === 0) continue;
      }
      const items: UpdateItem[] = batch.map((r) => ({ id: r.recordId, fields: r.fields }));
      // Echo suppression: remembered before the call, because the CRM's webhook may arrive before it returns.
      await recordEchoMarks(this.opts.db, batch.map((r) => ({ connectorId, objectType, recordId: r.recordId, goldenId: r.rows[0]?.goldenId ?? null, fields: r.fields })));
      let results: WriteResult[];
      try {
        result.calls++;
        results = await connector.updateMany(objectType, items, { lane: 'writeback' });
      } catch (err) {
        const error = asConnectorError(connector.crm, err);
        const rows = batch.flatMap((r) => r.rows);
        if (isRetryable(error)) {
          await this.retry(rows, error.message, error.retryAfterMs, result);
        } else if (batch.length === 1 && rows.length > 1) {
          // One record's update refused as a whole: which of its rows is refused is found by sending them apart.
          await this.separately(connector, connectorId, objectType, token, size, batch, result);
        } else {
          const dead = await deadLetterOutbox(this.opts.db, rows.map((row) => letter(row, error)), token);
          result.dead += dead.length;
          this.lost(result, rows.map((r) => r.id), dead, 'dead letter');
        }
        continue;
      }
      const done: number[] = [];
      const dead: DeadLetterInput[] = [];
      const retry: { rows: OutboxRow[]; error: ConnectorError }[] = [];
      const apart: Coalesced[] = [];
      batch.forEach((record, j) => {
        const r = results[j];
        if (r?.ok) done.push(...record.rows.map((row) => row.id));
        else if (!r) retry.push({ rows: record.rows, error: asConnectorError(connector.crm, new Error("no result for this item")) });
        else if (isRetryable(r.error)) retry.push({ rows: record.rows, error: r.error });
        // Refused for good: with several rows, maybe for one row's field only (sent apart below).
        else if (record.rows.length > 1) apart.push(record);
        else dead.push(...record.rows.map((row) => letter(row, r.error)));
      });
      const completed = await completeOutbox(this.opts.db, done, token);
      result.done += completed.length;
      this.lost(result, done, completed, 'done');
      const lettered = await deadLetterOutbox(this.opts.db, dead, token);
      result.dead += lettered.length;
      this.lost(result, dead.map((d) => d.row.id), lettered, 'dead letter');
      for (const r of retry) await this.retry(r.rows, r.error.message, r.error.retryAfterMs, result);
      if (apart.length > 0) await this.separately(connector, connectorId, objectType, token, size, apart, result);
    }
  }

  /** Sends the rows of records refused for good as one update again one by one, settling each (separate-rows.ts). */
  private separately(connector: Connector, connectorId: string, objectType: string, token: string, size: number, records: Coalesced[], result: RoundResult): Promise<void> {
    return deliverRowsSeparately({
      db: this.opts.db, connector, connectorId, objectType, token, size, counts: result,
      retry: (rows, error) => this.retry(rows, error.message, error.retryAfterMs, result),
      lost: (wanted, changed, outcome) => this.lost(result, wanted, changed, outcome),
    }, records);
  }

  /** Counts and logs rows an outcome update did not change because this claim no longer holds them. */
  private lost(result: RoundResult, wanted: readonly number[], changed: readonly number[], outcome: string): void {
    if (changed.length >= wanted.length) return;
    const kept = new Set(changed);
    const lost = wanted.filter((id) => !kept.has(id));
    result.lost += lost.length;
    this.opts.logger?.warn({ workerId: this.workerId, outboxIds: lost, outcome }, 'write-back claim lost: the lease expired and another worker holds these rows; leaving them to it');
  }

  /** Optimistic concurrency: rows whose record changed in the CRM since their plan are settled as 'stale'. */
  private async dropStale(connector: Connector, connectorId: string, objectType: string, rows: OutboxRow[], result: RoundResult): Promise<OutboxRow[]> {
    const checked = rows.filter((r) => expectedOf(r) && r.recordId);
    if (checked.length === 0) return rows;
    const ids = [...new Set(checked.map((r) => r.recordId!))];
    const fields = [...new Set(checked.flatMap((r) => Object.keys(expectedOf(r)!)))];
    const current = new Map<string, Record<string, unknown> | null>();
    const size = Math.max(1, connector.limits.fetchByIds);
    try {
      for (let i = 0; i < ids.length; i += size) {
        const chunk = ids.slice(i, i + size);
        const found = await connector.fetchByIds(objectType, chunk, { fields, lane: 'writeback' });
        for (const id of chunk) current.set(id, found.get(id)?.fields ?? null);
      }
    } catch {
      return rows; // unreadable now: send as planned (a same-value write is harmless; the CRM call decides)
    }
    // Our own earlier writes of these records (a row of the same field written while this one waited) are no conflict.
    const ours = await sentValues(this.opts.db, connectorId, objectType, ids);
    const stale = new Map<number, string>();
    for (const r of checked) {
      const reason = staleReason(r, current.get(r.recordId!), ours.get(r.recordId!));
      if (reason) stale.set(r.id, reason);
    }
    const token = claimOf(rows);
    for (const [id, reason] of stale) {
      const changed = await markOutboxStale(this.opts.db, [id], reason, token);
      result.stale += changed.length;
      this.lost(result, [id], changed, 'stale');
    }
    return rows.filter((r) => !stale.has(r.id));
  }

  private async retry(rows: OutboxRow[], message: string, retryAfterMs: number | undefined, result: RoundResult, fixedDelayMs?: number): Promise<void> {
    const backoff = this.opts.backoff ?? {};
    // Rows of one record share a retry time so they stay coalesced on the next round.
    const attempts = Math.max(...rows.map((r) => r.attempts), 1);
    const at = new Date(Date.now() + (fixedDelayMs ?? retryDelayMs(attempts, retryAfterMs, backoff.baseMs, backoff.capMs)));
    const ids = rows.map((r) => r.id);
    const changed = await failOutbox(this.opts.db, ids, message, at, claimOf(rows));
    result.retried += changed.length;
    this.lost(result, ids, changed, 'retry');
  }
}

/** The claim token of rows from one claim (every claimed row carries one; '' matches no row, so nothing is settled). */
function claimOf(rows: readonly OutboxRow[]): string {
  return rows[0]?.claimToken ?? '';
}
