/**
 * One leader per database for work that must not run in every process (db/process-lease-store.ts): change capture's
 * CRM-facing loops (polling, change streams, webhook subscription upkeep) would otherwise multiply the CRM API calls,
 * the CometD clients and the webhook subscriptions by the number of gateway replicas and workers.
 *
 * Every process tries to take the named lease at once and every `checkMs`; the one that holds it renews it every
 * `checkMs`. `onLead` runs when this process becomes the leader, `onFollow` when it is not (its first decision, and
 * whenever it steps down). A renewal that finds the lease taken steps down at once. A renewal that fails (the
 * database does not answer) keeps leading until the lease would have expired, measured from the start of the last
 * renewal that succeeded, then steps down: a database blip does not flap the loops, and no two processes believe they
 * lead beyond the lease. `stop()` steps down and releases the lease, so another process takes over at its next check
 * instead of after the expiry.
 *
 * With `pollMs` (change capture's poll interval, 0 when polling is off) the owner name says whether the process polls
 * and how often (`host:pid:abcd1234 poll=15000ms`, `… poll=off`), as Sync health shows it. A process that polls takes
 * the lease over from a holder that does not (at its next check, a compare-and-set on that holder): otherwise an API
 * replica configured without polling could win the lease and leave the whole database unpolled. The old holder steps
 * down at its next renewal, which finds the lease taken. Two polling processes never take it from each other, and a
 * process that does not poll never takes it from anyone (it still campaigns: a webhook-only deployment needs a leader
 * for change streams and webhook upkeep). A follower whose interval differs from the leader's warns once per leader:
 * only the leader polls, at its own interval.
 */
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import type { Database } from '../db/open-database.ts';
import { readLease, releaseLease, renewLease, takeOverLease, tryAcquireLease } from '../db/process-lease-store.ts';
import type { Logger } from '../lib/logger.ts';

export interface LeadershipOptions {
  db: Database;
  /** The lease's name ('change-capture'). */
  name: string;
  /** This process's name in the lease; default host, pid and a random part. With `pollMs`, ` poll=…` is appended. */
  owner?: string;
  /**
   * This process's poll interval in ms, 0 when it does not poll: stated in the owner name; a polling process takes the
   * lease over from a holder that does not poll, and a follower warns once per leader whose interval differs.
   */
  pollMs?: number;
  /** How long a lease lasts without renewal. Default 30 s. */
  leaseMs?: number;
  /** How often a follower tries to take the lease and the leader renews it. Default a third of `leaseMs`. */
  checkMs?: number;
  onLead(): Promise<void> | void;
  /** `holder`: the process that leads instead, when known. */
  onFollow(holder: string | undefined): Promise<void> | void;
  logger: Logger;
}

export interface Leadership {
  isLeader(): boolean;
  owner: string;
  /** Settles once the first try decided whether this process leads (and `onLead` or `onFollow` ran). */
  ready: Promise<void>;
  stop(): Promise<void>;
}

export function defaultLeaseOwner(): string {
  return `${os.hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
}

/** How an owner name states its process's poll interval: ` poll=15000ms`, or ` poll=off` for 0. */
export function pollSuffix(pollMs: number): string {
  return ` poll=${pollMs > 0 ? `${pollMs}ms` : 'off'}`;
}

/** The poll interval an owner name states (0: polling off); undefined when it states none (say, an older version's). */
export function pollIntervalOf(owner: string): number | undefined {
  const match = / poll=(?:(off)|(\d+)ms)$/.exec(owner);
  if (!match) return undefined;
  return match[1] ? 0 : Number(match[2]);
}

const interval = (ms: number) => (ms > 0 ? `${ms} ms` : '0 (off)');

/** Rejects when `promise` has not settled within `ms` (the statement may still run; its outcome is ignored). */
function within<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`no answer from the database within ${ms} ms`)), Math.max(0, ms)); });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

export function startLeadership(opts: LeadershipOptions): Leadership {
  const { db, name, logger } = opts;
  const { pollMs } = opts;
  const owner = `${opts.owner ?? defaultLeaseOwner()}${pollMs === undefined ? '' : pollSuffix(pollMs)}`;
  const leaseMs = opts.leaseMs ?? 30_000;
  const checkMs = opts.checkMs ?? Math.max(1, Math.floor(leaseMs / 3));
  // Stepping down this much before the lease's end leaves room for timers that fire late.
  const marginMs = Math.min(1000, Math.floor(leaseMs / 10));
  let leading = false;
  /** Local time (monotonic) the last successful take or renewal was sent: the lease lasts at least leaseMs from it. */
  let confirmedAt = 0;
  let decided = false;
  let holder: string | undefined;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  /** Leaders already told about a poll interval that differs from this process's. */
  const warnedAbout = new Set<string>();
  const clock = () => performance.now();
  /** Whether this process takes the lease over from `current`: it polls and `current` says it does not. */
  const preempts = (current: string) => pollMs !== undefined && pollMs > 0 && current !== owner && pollIntervalOf(current) === 0;
  const compareIntervals = (current: string | undefined) => {
    if (pollMs === undefined || current === undefined || current === owner || warnedAbout.has(current) || preempts(current)) return;
    const theirs = pollIntervalOf(current);
    if (theirs === undefined || theirs === pollMs) return;
    warnedAbout.add(current);
    logger.warn({ lease: name, owner, leader: current, pollMs, leaderPollMs: theirs },
      `the poll interval differs from the leader's: CUSTOMER_GRAPH_POLL_INTERVAL_MS is ${interval(pollMs)} here and ${interval(theirs)} in the leader (${current}); the leader's applies, since only the leader polls`);
  };
  const deadline = () => confirmedAt + leaseMs - marginMs;

  const call = async (what: string, fn: () => Promise<void> | void) => {
    try {
      await fn();
    } catch (err) {
      logger.error({ err, lease: name }, `${what} failed`);
    }
  };
  const lead = async () => {
    leading = true;
    holder = owner;
    await call('starting the leader\'s work', opts.onLead);
  };
  const follow = async (current: string | undefined) => {
    const was = leading || !decided;
    leading = false;
    holder = current;
    compareIntervals(current);
    if (was) await call('stopping the leader\'s work', () => opts.onFollow(current));
  };

  const asLeader = async () => {
    const started = clock();
    try {
      const kept = await within(renewLease(db, name, owner, leaseMs), deadline() - started);
      if (kept) {
        confirmedAt = started;
        return;
      }
      const current = await readLease(db, name).catch(() => undefined);
      logger.warn({ lease: name, owner, holder: current?.owner }, 'the lease was taken by another process; this one steps down');
      await follow(current?.owner);
    } catch (err) {
      if (clock() < deadline()) {
        logger.warn({ err, lease: name, leadsForMs: Math.round(deadline() - clock()) }, 'renewing the lease failed; this process keeps leading until the lease would expire');
        return;
      }
      logger.warn({ err, lease: name }, 'the lease could not be renewed before it expired; this process steps down');
      await follow(undefined);
    }
  };
  const asFollower = async () => {
    const started = clock();
    try {
      if (await tryAcquireLease(db, name, owner, leaseMs)) {
        confirmedAt = started;
        await lead();
        return;
      }
      let current = await readLease(db, name);
      if (current && preempts(current.owner)) {
        if (await takeOverLease(db, name, current.owner, owner, leaseMs)) {
          confirmedAt = started;
          logger.info({ lease: name, owner, from: current.owner }, 'the lease was held by a process that does not poll; this process polls and takes it over');
          await lead();
          return;
        }
        // Another process took it first, or its holder let it go: follow whoever holds it now.
        current = await readLease(db, name);
      }
      if (current?.owner !== holder || !decided) logger.debug({ lease: name, holder: current?.owner }, 'the lease is held by another process');
      await follow(current?.owner);
    } catch (err) {
      logger.warn({ err, lease: name }, 'trying to take the lease failed; trying again at the next check');
      if (!decided) await follow(undefined);
    }
  };

  const schedule = () => {
    if (stopped) return;
    // A leader renews while half the time left on its lease remains, whatever checkMs: a renewal sent at the
    // deadline would have no time to answer. Failing renewals thus retry closer and closer to the deadline.
    const wait = leading ? Math.max(1, Math.min(checkMs, (deadline() - clock()) / 2)) : checkMs;
    timer = setTimeout(() => void tick(), wait);
    timer.unref();
  };
  const tick = (): Promise<void> => {
    if (running || stopped) return running ?? Promise.resolve();
    running = (leading ? asLeader() : asFollower())
      .finally(() => {
        decided = true;
        running = undefined;
        schedule();
      });
    return running;
  };

  const ready = tick();
  return {
    owner,
    ready,
    isLeader: () => leading,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
      if (!leading) return;
      leading = false;
      // The work stops before the lease is given up: a leader that stops never overlaps with the next one (a lease
      // taken over from a holder that does not poll does, until that holder's next renewal: sync/README.md).
      await call('stopping the leader\'s work', () => opts.onFollow(undefined));
      await releaseLease(db, name, owner).catch((err: unknown) => logger.warn({ err, lease: name }, 'releasing the lease failed; another process takes over when it expires'));
    },
  };
}
