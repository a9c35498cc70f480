/**
 * The retention schedule the webhook inbox and the write-back outbox share: rows past their retention are deleted
 * soon after start (so a process that restarts often still prunes) and then every hour, one pruning at a time per
 * process. A failed pruning is reported and tried again at the next tick; nothing else waits on it.
 *
 * The schedule knows nothing of what it deletes: each worker passes its own `prune(cutoff)` (db/sync-store.ts
 * pruneProcessedInbox, db/outbox-store.ts pruneDeliveredOutbox).
 */

/** First pruning after start: late enough not to compete with the start's own work. */
const FIRST_AFTER_MS = 5_000;
const EVERY_MS = 3_600_000;

export interface RetentionScheduleOptions {
  /** Rows older than this are deleted. 0 or absent: nothing is ever deleted and no timer runs. */
  retentionMs?: number;
  /** Deletes rows older than `cutoff`; how many went. */
  prune(cutoff: Date): Promise<number>;
  onPruned?: (deleted: number) => void;
  onError(err: unknown): void;
}

export interface RetentionSchedule {
  /** Prunes now, or joins the pruning in progress; how many rows went (0 after a failure or once stopped). */
  runNow(): Promise<number>;
  /** Arms the timers (soon after, then hourly); again after a stop. */
  start(): void;
  /** Clears the timers and waits for a pruning in progress; `runNow` deletes nothing until the next start. */
  stop(): Promise<void>;
}

/**
 * A single-flight pruner whose timers run from `start()` to `stop()`. `runNow` also works before the first start
 * (a one-shot CLI run, tests); once stopped it deletes nothing, since the database may be closing.
 */
export function retentionSchedule(opts: RetentionScheduleOptions): RetentionSchedule {
  const retention = opts.retentionMs ?? 0;
  let stopped = false;
  let pruning: Promise<number> | undefined;
  let timers: NodeJS.Timeout[] = [];
  const runNow = (): Promise<number> => {
    if (retention <= 0 || stopped) return Promise.resolve(0);
    pruning ??= opts.prune(new Date(Date.now() - retention))
      .then((deleted) => {
        if (deleted > 0) opts.onPruned?.(deleted);
        return deleted;
      }, (err: unknown) => {
        opts.onError(err);
        return 0;
      })
      .finally(() => { pruning = undefined; });
    return pruning;
  };
  return {
    runNow,
    start() {
      stopped = false;
      if (retention <= 0 || timers.length > 0) return;
      timers = [setTimeout(() => void runNow(), FIRST_AFTER_MS), setInterval(() => void runNow(), EVERY_MS)];
      // Timers must not keep alive a process that has nothing else to do (one-shot runs, tests).
      for (const t of timers) t.unref();
    },
    async stop() {
      stopped = true;
      for (const t of timers) clearTimeout(t);
      timers = [];
      await pruning;
    },
  };
}
