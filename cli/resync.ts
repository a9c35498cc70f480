/**
 * Re-reading every record of every connected CRM on demand (the link run of `customer-graph sync --backfill`, in the
 * gateway process), so a changed mapping or quality check applies to all stored golden records now, not only as each
 * record next changes.
 *
 * The run lives in the database (`resync_runs`, db/resync-store.ts), not in the memory of the process running it:
 * every replica answers `resyncStatus` alike, one run at a time across processes (a second start anywhere is refused),
 * and a run cut short (a deploy, a crash, a SIGKILL) is resumed by the next check of any process — at start and every
 * `intervalMs` (CUSTOMER_GRAPH_RESYNC_CHECK_MS, default a minute) — once its lease has expired (`leaseMs`, default 2
 * minutes) or was given up (a process that stops gives it up at once).
 *
 * Where a resumed run starts: the golden types are read one after the other (the link run's order), and each one
 * finished is recorded; a resumed run skips those and reads again from the start of the golden type it was reading
 * (every object of that type: a golden record's snapshot is resolved from all its type's objects at once, and the
 * CRMs' pages give no cursor to continue from). The counters and failed objects are written once per golden type;
 * the records read per object after each page.
 *
 * A run may read only some golden types (`start(['Customer'])`: the admin's `startResync(goldenTypes:)`, or the stale
 * types after a mapping save, cli/resync-on-mapping-change.ts); the row keeps the list, so a resumed run reads those
 * only. Each golden type read with no failed object records the mapping version it was read with (cli/link-on-start.ts).
 */
import crypto from 'node:crypto';
import os from 'node:os';
import type { Database } from '../db/open-database.ts';
import { claimInterruptedResync, finishResync, insertResync, latestResync, recordResyncProgress, releaseResync } from '../db/resync-store.ts';
import type { StoredResync } from '../db/resync-store.ts';
import type { Logger } from '../lib/logger.ts';
import { ProductError } from '../lib/product-error.ts';
import type { MappingConfig } from '../resolver-engine/index.ts';
import type { LinkerProgress } from '../sync/email-linker.ts';
import { linkOrder } from '../sync/relation-snapshot.ts';
import type { LinkAllReport } from './link-on-start.ts';

export interface ResyncStatus {
  /** idle (never ran) | running | interrupted (its process stopped or died; resumed at the next check) | done | failed */
  state: 'idle' | 'running' | 'interrupted' | 'done' | 'failed';
  startedAt: string | null;
  finishedAt: string | null;
  /** Records read so far per golden type and CRM object, in reading order. */
  objects: { goldenType: string; crm: string; objectType: string; records: number }[];
  goldenCreated: number;
  linksCreated: number;
  snapshotsChanged: number;
  /** Objects the run could not read (their records keep their previous snapshots), with the CRM's code. */
  failedObjects: { crm: string; objectType: string; code: string; message: string }[];
  error: string | null;
  /** How many times a process took the run over after the one running it stopped or died. */
  resumes: number;
  /** The golden types the run reads; null: every type. */
  goldenTypes: string[] | null;
}

export interface ResyncOptions {
  db: Database;
  getConfig(): MappingConfig;
  /** The link run over the given golden types. */
  link(opts: { goldenTypes: string[]; signal: AbortSignal; onProgress(p: LinkerProgress): void }): Promise<LinkAllReport>;
  logger: Logger;
  owner?: string;
  leaseMs?: number;
  /** How often an interrupted run is looked for after the first check (default 60000; 0: only at start). */
  intervalMs?: number;
}

const DEFAULT_LEASE_MS = 120_000;
const DEFAULT_INTERVAL_MS = 60_000;
const IDLE: ResyncStatus = { state: 'idle', startedAt: null, finishedAt: null, objects: [], goldenCreated: 0, linksCreated: 0, snapshotsChanged: 0, failedObjects: [], error: null, resumes: 0, goldenTypes: null };

export function createResync(opts: ResyncOptions) {
  const owner = opts.owner ?? `${os.hostname()}-${process.pid}-${crypto.randomUUID().slice(0, 8)}`;
  const leaseMs = opts.leaseMs ?? DEFAULT_LEASE_MS;
  const { db, logger } = opts;
  const stopping = new AbortController();
  let running: Promise<void> | undefined;
  let timer: NodeJS.Timeout | null = null;

  async function run(row: StoredResync): Promise<void> {
    const lost = new AbortController();
    const signal = AbortSignal.any([stopping.signal, lost.signal]);
    const progress = {
      objects: row.objects, doneTypes: [...row.doneTypes], goldenCreated: row.goldenCreated, linksCreated: row.linksCreated,
      snapshotsChanged: row.snapshotsChanged, failedObjects: row.failedObjects,
    };
    // Every write goes through one chain, so an older one never lands after a newer one.
    let writes: Promise<unknown> = Promise.resolve();
    const write = (what: () => Partial<typeof progress>) => {
      writes = writes.then(async () => {
        if (!(await recordResyncProgress(db, row.id, owner, leaseMs, what()))) lost.abort(new Error('the resync lease was lost'));
      }).catch((err: unknown) => logger.warn({ err }, 'could not store the resync progress; the next write tries again'));
      return writes;
    };
    let pageWritePending = false;
    const onProgress = (p: LinkerProgress) => {
      if (p.phase !== 'reading' || !p.crm || !p.objectType) return;
      const object = progress.objects.find((o) => o.goldenType === p.goldenType && o.crm === p.crm && o.objectType === p.objectType);
      if (object) object.records = p.records;
      else progress.objects.push({ goldenType: p.goldenType, crm: p.crm, objectType: p.objectType, records: p.records });
      // At most one page write waiting: it takes the newest counts when it runs.
      if (pageWritePending) return;
      pageWritePending = true;
      void write(() => { pageWritePending = false; return { objects: progress.objects }; });
    };
    // The lease is renewed between pages too: one page of a slow CRM may take long.
    const heartbeat = setInterval(() => void write(() => ({})), Math.max(1, Math.floor(leaseMs / 3)));
    heartbeat.unref?.();
    try {
      const known = Object.keys(opts.getConfig().types);
      // A type removed from the configuration since the run started is not read (there is nothing to read it with).
      const wanted = row.goldenTypes ? row.goldenTypes.filter((t) => known.includes(t)) : known;
      const types = linkOrder(opts.getConfig(), wanted).filter((t) => wanted.includes(t) && !progress.doneTypes.includes(t));
      for (const goldenType of types) {
        signal.throwIfAborted();
        // The objects of a type read again from their start (a resumed run) count from zero.
        progress.objects = progress.objects.map((o) => (o.goldenType === goldenType ? { ...o, records: 0 } : o));
        const report = await opts.link({ goldenTypes: [goldenType], signal, onProgress });
        progress.doneTypes.push(goldenType);
        progress.goldenCreated += report.goldenCreated;
        progress.linksCreated += report.linksCreated;
        progress.snapshotsChanged += report.snapshotsChanged;
        progress.failedObjects = [...progress.failedObjects, ...report.failed];
        await write(() => progress);
        signal.throwIfAborted();
      }
      await writes;
      if (await finishResync(db, row.id, owner, { state: 'done', ...progress })) logger.info({ run: row.id, ...progress, objects: undefined }, 'resync done');
    } catch (err) {
      await writes;
      if (lost.signal.aborted) {
        logger.warn({ run: row.id }, 'another process took the resync over (this one stalled past its lease); stopping here');
      } else if (stopping.signal.aborted) {
        await releaseResync(db, row.id, owner).catch((e: unknown) => logger.warn({ err: e }, 'could not give up the resync lease; it expires by itself'));
        logger.info({ run: row.id }, 'resync interrupted by shutdown; the next check of any process resumes it');
      } else {
        const message = err instanceof Error ? err.message : String(err);
        await finishResync(db, row.id, owner, { state: 'failed', error: message, ...progress })
          .catch((e: unknown) => logger.warn({ err: e }, 'could not store why the resync failed'));
        logger.error({ err }, 'resync failed; run it again, or customer-graph sync --backfill');
      }
    } finally {
      clearInterval(heartbeat);
    }
  }

  const launch = (row: StoredResync) => {
    running = run(row).finally(() => { running = undefined; });
  };

  /** Looks for an interrupted run and resumes it here (when this process runs none); resolves when it has ended. */
  async function check(): Promise<void> {
    if (running || stopping.signal.aborted) return running;
    const row = await claimInterruptedResync(db, owner, leaseMs);
    if (!row || stopping.signal.aborted) {
      if (row) await releaseResync(db, row.id, owner);
      return;
    }
    logger.info({ run: row.id, doneTypes: row.doneTypes }, 'resuming a resync its process did not finish');
    launch(row);
    return running;
  }

  const schedule = (ms: number) => {
    if (stopping.signal.aborted) return;
    timer = setTimeout(() => {
      void check().catch((err: unknown) => logger.error({ err }, 'looking for an interrupted resync failed; trying again at the next check'))
        .finally(() => { const every = opts.intervalMs ?? DEFAULT_INTERVAL_MS; if (every > 0) schedule(every); });
    }, ms);
    timer.unref?.();
  };

  return {
    owner,
    async status(): Promise<ResyncStatus> {
      const row = await latestResync(db);
      if (!row) return structuredClone(IDLE);
      const held = row.leaseOwner !== null && row.leaseUntil !== null && row.leaseUntil > row.now;
      const state = row.finishedAt ? (row.state as 'done' | 'failed') : held ? 'running' : 'interrupted';
      return {
        state, startedAt: row.startedAt.toISOString(), finishedAt: row.finishedAt?.toISOString() ?? null, objects: row.objects,
        goldenCreated: row.goldenCreated, linksCreated: row.linksCreated, snapshotsChanged: row.snapshotsChanged,
        failedObjects: row.failedObjects, error: row.error, resumes: row.resumes, goldenTypes: row.goldenTypes ?? null,
      };
    },
    /**
     * Starts a run over `goldenTypes` (default every type); false when one is unfinished anywhere (running, or
     * interrupted and about to be resumed). A type the configuration does not have is BAD_USER_INPUT, nothing started.
     */
    async start(goldenTypes?: readonly string[]): Promise<boolean> {
      if (goldenTypes) {
        const known = Object.keys(opts.getConfig().types);
        const unknown = goldenTypes.filter((t) => !known.includes(t));
        if (unknown.length > 0) throw unknownGoldenTypes(unknown, known);
        if (goldenTypes.length === 0) throw new ProductError('BAD_USER_INPUT', 'goldenTypes must name at least one golden type (leave it out to re-read every type).', { argumentName: 'goldenTypes' });
      }
      if (running || stopping.signal.aborted) return false;
      const types = goldenTypes ? [...new Set(goldenTypes)] : undefined;
      const row = await insertResync(db, crypto.randomUUID(), owner, leaseMs, types);
      if (!row) return false;
      logger.info({ run: row.id, goldenTypes: types ?? 'every type' }, types ? 're-reading the CRM records of some golden types (resync) started' : 're-reading every CRM record (resync) started');
      launch(row);
      return true;
    },
    check,
    /** Checks at once, then every `intervalMs`. */
    startChecking(): void {
      if (!timer) schedule(0);
    },
    /** Resolves when the run in progress here (if any) has ended. */
    idle: (): Promise<void> => running ?? Promise.resolve(),
    /** Stops checking and stops the run in progress here, giving its lease up: the next check of any process resumes it. */
    async stop(): Promise<void> {
      stopping.abort();
      if (timer) clearTimeout(timer);
      timer = null;
      await running;
    },
  };
}

/** The refusal of golden types the configuration does not have (BAD_USER_INPUT, naming them and the known ones). */
export function unknownGoldenTypes(unknown: readonly string[], known: readonly string[]): ProductError {
  return new ProductError('BAD_USER_INPUT', `No golden type is called ${unknown.map((t) => `'${t}'`).join(', ')} (types: ${known.join(', ')}); nothing was started.`, {
    argumentName: 'goldenTypes', unknown: [...unknown],
  });
}
