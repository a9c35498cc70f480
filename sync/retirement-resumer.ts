/**
 * Finishing the retirement of deleted connectors' links (sync/connector-retirement.ts), whichever process deleted
 * them and however its run ended. `deleteConnector` records the deletion durably (`connector_retirements`, written
 * with the deletion: db/retirement-store.ts) and starts a run at once; every process (gateway replicas, `worker`)
 * also looks for due retirements at start and every `intervalMs` (CUSTOMER_GRAPH_RETIREMENT_CHECK_MS, default a
 * minute), so a run cut short by a crash, a SIGKILL or a deploy is finished by the next check of any process.
 *
 * Only deletions count: a connector that is disabled, stored but not run by this process (a demo one while real ones
 * run, or the other way round), or left out at start has no such row, and its links are never touched. A connector
 * added back under a deleted id is left alone too (the row stays due, and is skipped while the connector exists).
 *
 * One run per retirement at a time, across processes: a run takes the row's lease (`leaseMs`, default 2 minutes, the
 * database's clock) and renews it in every pass's transaction; another process's check skips a retirement whose
 * lease is held, and takes it over once the lease has expired (its holder died). A run that stops (shutdown, lease
 * lost, an error) gives the lease up or leaves it to expire; the retirement is marked finished once no active link of
 * the connector is left.
 */
import crypto from 'node:crypto';
import os from 'node:os';
import { claimRetirement, dueRetirements, finishRetirement, pruneFinishedRetirements, recordRetirementError, releaseRetirement } from '../db/retirement-store.ts';
import { retentionSchedule } from './retention-schedule.ts';
import { retireConnectorLinks } from './connector-retirement.ts';
import type { RetirementDeps, RetirementReport } from './connector-retirement.ts';

export interface RetirementResumerOptions extends Omit<RetirementDeps, 'lease' | 'signal'> {
  /** Who holds the leases this resumer takes (default: host, pid and a random suffix). */
  owner?: string;
  /** Lease of one run (default 120000): another process takes the retirement over this long after its holder died. */
  leaseMs?: number;
  /** How often due retirements are looked for after the first check (default 60000; 0: only at start and on demand). */
  intervalMs?: number;
  /**
   * How long a finished retirement stays listed (CUSTOMER_GRAPH_RETIREMENT_HISTORY_DAYS, default 30 days; 0: forever):
   * its record is deleted on the retention schedule (soon after start, then hourly).
   */
  historyMs?: number;
}

export interface RetirementResumer {
  readonly owner: string;
  /** Runs the retirement of one deleted connector now (after `deleteConnector`); null when another run holds it. */
  retire(connectorId: string): Promise<RetirementReport | null>;
  /** Looks for due retirements now and runs those nobody holds, one after the other; their reports. */
  check(): Promise<RetirementReport[]>;
  /** Checks at once, then every `intervalMs`; deletes finished retirements past `historyMs` soon after, then hourly. */
  start(): void;
  /** Deletes finished retirements past `historyMs` now; how many went. */
  pruneHistory(): Promise<number>;
  /** Stops checking and stops the runs in progress between two passes (what they committed stays); waits for them. */
  stop(): Promise<void>;
}

const DEFAULT_LEASE_MS = 120_000;
const DEFAULT_INTERVAL_MS = 60_000;
const DEFAULT_HISTORY_MS = 30 * 86_400_000;

export function createRetirementResumer(opts: RetirementResumerOptions): RetirementResumer {
  const owner = opts.owner ?? `${os.hostname()}-${process.pid}-${crypto.randomUUID().slice(0, 8)}`;
  const leaseMs = opts.leaseMs ?? DEFAULT_LEASE_MS;
  const { logger, db } = opts;
  const abort = new AbortController();
  const running = new Map<string, Promise<RetirementReport | null>>();
  let timer: NodeJS.Timeout | null = null;
  let checking: Promise<RetirementReport[]> | null = null;
  const history = retentionSchedule({
    retentionMs: opts.historyMs ?? DEFAULT_HISTORY_MS,
    prune: (cutoff) => pruneFinishedRetirements(db, cutoff),
    onPruned: (deleted) => logger.info({ deleted }, 'finished connector retirements past their history window deleted'),
    onError: (err) => logger.warn({ err }, 'could not delete old finished connector retirements; trying again in an hour'),
  });

  async function run(connectorId: string, resumed: boolean): Promise<RetirementReport | null> {
    if (abort.signal.aborted) return null;
    if (!(await claimRetirement(db, connectorId, owner, leaseMs))) {
      logger.debug({ connector: connectorId }, 'the retirement of this deleted connector\'s links is held by another process (or done)');
      return null;
    }
    if (resumed) logger.info({ connector: connectorId, owner }, 'resuming the retirement of a deleted connector\'s links');
    let finished = false;
    try {
      const { owner: _owner, leaseMs: _leaseMs, intervalMs: _intervalMs, historyMs: _historyMs, ...deps } = opts;
      const report = await retireConnectorLinks({ ...deps, lease: { owner, ms: leaseMs }, signal: abort.signal }, connectorId);
      if (!report.stopped) {
        finished = await finishRetirement(db, connectorId, owner);
        // Links that became active behind the walk (another process still running the connector): the next check.
        if (!finished) logger.warn({ connector: connectorId }, 'active links of the deleted connector are left after a full walk; the next check retires them');
      }
      return report;
    } catch (err) {
      // Kept for the admin API (`connectorRetirements.lastError`): the log is not where an admin looks.
      await recordRetirementError(db, connectorId, err instanceof Error ? err.message : String(err))
        .catch((e: unknown) => logger.warn({ err: e, connector: connectorId }, 'could not store why the retirement failed'));
      throw err;
    } finally {
      if (!finished) await releaseRetirement(db, connectorId, owner).catch((err: unknown) => logger.warn({ err, connector: connectorId }, 'could not give up the retirement lease; it expires by itself'));
    }
  }

  /** One run per connector in this process: a second request joins the first. */
  function retireOnce(connectorId: string, resumed: boolean): Promise<RetirementReport | null> {
    const existing = running.get(connectorId);
    if (existing) return existing;
    const p = run(connectorId, resumed).finally(() => running.delete(connectorId));
    running.set(connectorId, p);
    return p;
  }

  async function checkNow(): Promise<RetirementReport[]> {
    const due = await dueRetirements(db);
    const reports: RetirementReport[] = [];
    for (const { connectorId } of due) {
      if (abort.signal.aborted) break;
      try {
        const report = await retireOnce(connectorId, true);
        if (report) reports.push(report);
      } catch (err) {
        logger.error({ err, connector: connectorId }, 'retiring the links of a deleted connector failed; the next check resumes it');
      }
    }
    return reports;
  }

  const check = (): Promise<RetirementReport[]> => {
    checking ??= checkNow().finally(() => { checking = null; });
    return checking;
  };

  const schedule = () => {
    const every = opts.intervalMs ?? DEFAULT_INTERVAL_MS;
    if (every <= 0 || abort.signal.aborted) return;
    timer = setTimeout(() => void tick(), every);
    timer.unref?.();
  };
  const tick = async () => {
    await check().catch((err: unknown) => logger.error({ err }, 'looking for deleted connectors whose links are still active failed; trying again at the next check'));
    schedule();
  };

  return {
    owner,
    retire: (connectorId) => retireOnce(connectorId, false),
    check,
    start() {
      if (timer || abort.signal.aborted) return;
      timer = setTimeout(() => void tick(), 0);
      timer.unref?.();
      history.start();
    },
    pruneHistory: () => history.runNow(),
    async stop() {
      abort.abort();
      await history.stop();
      if (timer) clearTimeout(timer);
      timer = null;
      await checking?.catch(() => undefined);
      await Promise.all([...running.values()].map((p) => p.catch(() => undefined)));
    },
  };
}
