/**
 * Reads of one CRM's objects on behalf of its change stream, in the leading process, whether or not interval polling
 * is on: catch-up reads the stream asked for (an overflow: an object's changes since a time, no record named) and the
 * fallback polls of objects whose channel the CRM refuses. Both read with the connector's `readChanges` and apply each
 * batch through the change applier, as polling does (quality, identity, snapshots, subscriptions follow).
 *
 * A catch-up reads from `changeCursorAt(objectType, since)`, not from the object's poll cursor: with polling off that
 * cursor can be days old (the last full read), so reading from it would re-read days of changes for one overflow;
 * with polling on, the poller owns it, and moving it from here could skip what the poller has not read yet. `since`
 * is exact (the overflow's commit, less the connector's overlap; readChanges re-reads its overlap again), so nothing
 * the overflow stood for is missed. Progress goes to the stream's stored catch-up state in each batch's transaction:
 * a crash mid-read resumes from the last applied batch (resume() at the next start), re-reading at most one batch.
 *
 * A fallback poll is polling, for one object: from the object's poll cursor (older is safer: the channel may have
 * delivered nothing for a long time before the CRM refused it), moving it and recording the outcome as the poller does.
 *
 * Reads of one object never overlap: each waits for the one before it (per object, in this process; only the leader
 * runs them). A failed catch-up is tried again with backoff; its stored state stays until it completes.
 */
import { asConnectorError } from '../connectors/contract/index.ts';
import type { ChangeCursor } from '../connectors/contract/index.ts';
import { recordPollFailure, recordPollSuccess } from '../db/poll-status-store.ts';
import { readCursor, writeCursor } from '../db/sync-store.ts';
import type { Logger } from '../lib/logger.ts';
import type { ChangeApplierContext } from './change-applier.ts';
import { applyChanges } from './change-applier.ts';
import { dropCatchUp, finishCatchUp, storeCatchUpCursor, storedCatchUps } from './change-stream-store.ts';
import type { Tx } from '../db/link-store.ts';
import { pollTargets } from './poller.ts';

export interface ObjectReads {
  /** Reads the object's stored catch-up (after its request was stored); one under way reads again once it ends. */
  catchUp(objectType: string): void;
  /** Reads every stored catch-up of the connector: what a crash or a change of leader left unfinished. */
  resume(): Promise<void>;
  /** Polls the object once from its poll cursor; resolves when done (a failure is logged and recorded, not thrown). */
  poll(objectType: string): Promise<void>;
  /** Catch-ups running or waiting, by object (tests and logs). */
  busy(): string[];
  stop(): Promise<void>;
}

export interface ObjectReadOptions {
  crm: string;
  connectorId: string;
  logger: Logger;
  /** First retry delay of a failed catch-up, doubled per failure in a row up to 5 min. Default 5 s. */
  retryMs?: number;
  /**
   * Resolves once the reads of the runner this one replaces (the stream restarted for new objects or a new connector)
   * have stopped: no read starts before, so one object is never read twice at once across the swap.
   */
  after?: Promise<void>;
}

export function startObjectReads(getContext: () => ChangeApplierContext, opts: ObjectReadOptions): ObjectReads {
  const { crm, connectorId } = opts;
  const abort = new AbortController();
  const tails = new Map<string, Promise<void>>();
  const queuedCatchUps = new Set<string>();
  const queuedPolls = new Set<string>();
  const failures = new Map<string, number>();
  const timers = new Set<NodeJS.Timeout>();

  /** Runs `task` once every earlier read of the object has ended. */
  const exclusive = (objectType: string, task: () => Promise<void>): Promise<void> => {
    const run = (tails.get(objectType) ?? opts.after ?? Promise.resolve()).then(() => (abort.signal.aborted ? undefined : task()));
    const tail = run.catch(() => undefined);
    tails.set(objectType, tail);
    void tail.then(() => { if (tails.get(objectType) === tail) tails.delete(objectType); });
    return run;
  };

  /**
   * Applies `objectType`'s changes from `from`, each batch with `within` in its transaction; how many records.
   * 'paused': the CRM's connector does not run now (disabled, or swapped out): nothing read, and nothing to drop.
   * 'unmapped': the connector runs and the object is no longer mapped.
   */
  const read = async (objectType: string, from: ChangeCursor | null, within: (tx: Tx, cursor: ChangeCursor) => Promise<void>): Promise<number | 'paused' | 'unmapped'> => {
    const ctx = { ...getContext(), signal: abort.signal };
    const connector = ctx.connectors.get(crm);
    if (!connector) return 'paused';
    const target = pollTargets(ctx).find((t) => t.crm === crm && t.objectType === objectType);
    if (!target) return 'unmapped';
    let records = 0;
    for await (const batch of connector.readChanges(objectType, from, { fields: target.fields, lane: 'sync', signal: abort.signal })) {
      const applied = await applyChanges(ctx, [{ crm, objectType, records: batch.records, deletions: batch.deletions.map((d) => d.id) }], {
        within: (tx) => within(tx, batch.cursor),
      });
      records += applied.records + applied.deletions;
    }
    return records;
  };

  const runCatchUp = async (objectType: string): Promise<void> => {
    const { db, connectors } = getContext();
    for (let state = (await storedCatchUps(db, connectorId))[objectType]; state && !abort.signal.aborted;) {
      const connector = connectors.get(crm);
      const from = state.cursor ?? connector?.changeCursorAt(objectType, new Date(state.since)) ?? null;
      const records = await read(objectType, from, (tx, cursor) => storeCatchUpCursor(tx, connectorId, objectType, cursor));
      if (records === 'paused') {
        // Kept: the stream of the connector, when it runs again, resumes it (resume()).
        opts.logger.info({ objectType }, `catch-up read of ${objectType} waits: the ${crm} connector does not run now; it resumes when it does`);
        return;
      }
      if (records === 'unmapped') {
        await db.transaction((tx) => dropCatchUp(tx, connectorId, objectType));
        opts.logger.info({ objectType }, `catch-up read of ${objectType} dropped: the object is no longer mapped`);
        return;
      }
      opts.logger.info({ objectType, since: state.since, records }, `catch-up read of ${objectType} done: the changes the CRM announced without naming the records are applied`);
      state = (await db.transaction((tx) => finishCatchUp(tx, connectorId, objectType))) ?? undefined;
    }
  };

  const catchUp = (objectType: string): void => {
    if (abort.signal.aborted || queuedCatchUps.has(objectType)) return;
    queuedCatchUps.add(objectType);
    exclusive(objectType, async () => {
      queuedCatchUps.delete(objectType);
      await runCatchUp(objectType);
      failures.delete(objectType);
    }).catch((err: unknown) => {
      if (abort.signal.aborted) return;
      const n = (failures.get(objectType) ?? 0) + 1;
      failures.set(objectType, n);
      const delay = Math.min(300_000, (opts.retryMs ?? 5000) * 2 ** Math.min(n - 1, 20));
      opts.logger.warn({ err: asConnectorError(crm, err), objectType, retryInMs: delay }, `catch-up read of ${objectType} failed; it resumes from its last applied batch`);
      const timer = setTimeout(() => { timers.delete(timer); catchUp(objectType); }, delay);
      timer.unref();
      timers.add(timer);
    });
  };

  const poll = (objectType: string): Promise<void> => {
    if (abort.signal.aborted || queuedPolls.has(objectType)) return tails.get(objectType) ?? Promise.resolve();
    queuedPolls.add(objectType);
    return exclusive(objectType, async () => {
      queuedPolls.delete(objectType);
      const { db } = getContext();
      try {
        const cursor = (await readCursor(db, connectorId, objectType)) as ChangeCursor | null;
        const records = await read(objectType, cursor, (tx, next) => writeCursor(tx, connectorId, objectType, next));
        if (typeof records === 'number') await recordPollSuccess(db, connectorId, objectType, { records });
      } catch (err) {
        if (abort.signal.aborted) return;
        const error = asConnectorError(crm, err);
        opts.logger.warn({ err: error, objectType }, `polling ${objectType} (its change stream channel is refused) failed; it resumes from its last committed cursor`);
        await recordPollFailure(db, connectorId, objectType, { code: error.code, message: error.message, crm: error.crm }).catch(() => undefined);
      }
    });
  };

  return {
    catchUp,
    async resume() {
      await opts.after;
      for (const objectType of Object.keys(await storedCatchUps(getContext().db, connectorId))) catchUp(objectType);
    },
    poll,
    busy: () => [...tails.keys()],
    async stop() {
      abort.abort();
      for (const timer of timers) clearTimeout(timer);
      // The replaced runner's reads too, even when none was queued here: a runner replacing this one must not start a
      // read of an object that runner may still be applying (its `after` is this stop), and a shutdown waits for both.
      await Promise.all([...tails.values(), opts.after]);
    },
  };
}
