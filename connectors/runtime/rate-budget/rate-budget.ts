/**
 * The rate budget of ONE CRM account, shared by every caller in the process (subgraph reads, sync, write-back).
 * A call asks for a permit in its lane and holds it while the request is in flight. Permits are handed out:
 *  - never while the account is blocked after a 429 (until Retry-After has passed, whatever the lane);
 *  - within a concurrency cap and a rolling window (e.g. HubSpot 190 calls per 10 s);
 *  - never beyond the daily budget: a call that would exceed it is refused with CRM_BUDGET_EXHAUSTED, unsent;
 *  - by lane priority with a starvation bound: waiting interactive calls first, then write-back, then sync (FIFO
 *    within a lane), except that a lane passed over `maxPassOver` times in a row while it had a waiter goes next.
 * Response headers refine the limits (the CRM counts calls from every client of the account, we only see ours).
 */
import { ConnectorError } from '../../contract/errors.ts';
import { LANES } from '../../contract/connector.ts';
import type { Lane, RateLimitState } from '../../contract/connector.ts';
import type { HeadersLike, RateLimitHeaderParser, RateLimitObservation } from './header-parsers.ts';
import { getHeader, parseRetryAfter } from './header-parsers.ts';

export interface RateBudgetOptions {
  crm: string;
  /** The CRM account (Salesforce org id, HubSpot portal id); one budget per account. */
  accountId: string;
  /** Most calls in flight at once. Default 8. */
  concurrency?: number;
  /** Known rolling-window limit; learnt from headers when a parser reports one. */
  window?: { max: number; intervalMs: number };
  /** Known daily limit; headers (`Sforce-Limit-Info`, HubSpot daily headers) replace it when present. */
  daily?: { limit: number; periodMs?: number };
  headerParsers?: RateLimitHeaderParser[];
  /** How long to block after a 429 that names no Retry-After. Default 1000 ms. */
  defaultRetryAfterMs?: number;
  /**
   * After the CRM itself reported the daily quota spent, one probe call is let through this often to notice
   * the quota coming back (Salesforce counts over a rolling 24 h). Default 15 min.
   */
  exhaustedProbeIntervalMs?: number;
  /**
   * Starvation bound of the lanes: how many permits in a row may go to higher lanes while a lower lane has a
   * waiter. The next permit then goes to that lane, so under a constant higher-lane load a lower lane still gets
   * at least 1 of every `maxPassOver + 1` permits, and the first waiter of a lane is served after at most
   * `maxPassOver + 1` permits to other lanes. Default 8. `Infinity` gives strict priority (which can starve sync).
   */
  maxPassOver?: number;
}

export interface CallOutcome {
  status?: number;
  headers?: HeadersLike;
}

export interface Permit {
  /** The request was sent: count it, learn from its headers, block the account on a 429. Idempotent. */
  release(outcome?: CallOutcome): void;
  /** The request was never sent (e.g. no token could be had): give the slot back without counting it. */
  cancel(): void;
}

interface Waiter {
  resolve(permit: Permit): void;
  reject(err: unknown): void;
  cleanup(): void;
}

const DAY_MS = 86_400_000;
/** Default starvation bound: under saturation a lower lane gets at least 1 of every 9 permits. */
export const DEFAULT_MAX_PASS_OVER = 8;

export class RateBudget {
  readonly crm: string;
  readonly accountId: string;
  private concurrency: number;
  private window: { max: number; intervalMs: number } | null;
  private daily: { limit: number; periodMs: number } | null;
  private readonly parsers: RateLimitHeaderParser[];
  private readonly defaultRetryAfterMs: number;
  private readonly probeIntervalMs: number;
  /** Set when the CRM said the quota is spent: when the next probe call may go. */
  private nextProbeAt: number | null = null;

  private readonly queues: Record<Lane, Waiter[]> = { interactive: [], writeback: [], sync: [] };
  private maxPassOver: number;
  /** Permits handed to higher lanes in a row while this lane had a waiter (reset when it is served or empty). */
  private readonly passedOver: Record<Lane, number> = { interactive: 0, writeback: 0, sync: 0 };
  private inFlight = 0;
  /**
   * Completion times of calls inside the rolling window, plus placeholders for calls the CRM saw from other
   * clients. Completion, not send, time: the CRM counts a call when it arrives, which is before we see the
   * answer, so our entry expires no earlier than the CRM's. Calls in flight are counted separately.
   */
  private windowLog: number[] = [];
  /** Completed calls in the daily period, replaced by the CRM's own count whenever a header reports it. */
  private dailyUsed = 0;
  private dailyPeriodStart = Date.now();
  private blockedUntil = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private readonly totals = { sent: 0, rateLimited: 0, refusedBudget: 0 };

  constructor(options: RateBudgetOptions) {
    this.crm = options.crm;
    this.accountId = options.accountId;
    this.concurrency = Math.max(1, options.concurrency ?? 8);
    this.window = options.window ?? null;
    this.daily = options.daily ? { limit: options.daily.limit, periodMs: options.daily.periodMs ?? DAY_MS } : null;
    this.parsers = options.headerParsers ?? [];
    this.defaultRetryAfterMs = options.defaultRetryAfterMs ?? 1000;
    this.probeIntervalMs = options.exhaustedProbeIntervalMs ?? 15 * 60_000;
    this.maxPassOver = passOverBound(options.maxPassOver);
  }

  /** Waits for a permit in `lane`. Rejects with CRM_BUDGET_EXHAUSTED (unsent) or the signal's reason. */
  acquire(lane: Lane, signal?: AbortSignal): Promise<Permit> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise<Permit>((resolve, reject) => {
      const queue = this.queues[lane];
      const onAbort = () => {
        const index = queue.indexOf(waiter);
        if (index >= 0) queue.splice(index, 1);
        reject(signal?.reason);
      };
      const waiter: Waiter = { resolve, reject, cleanup: () => signal?.removeEventListener('abort', onAbort) };
      signal?.addEventListener('abort', onAbort, { once: true });
      queue.push(waiter);
      this.pump();
    });
  }

  /** Convenience: acquire, run, release (counting the call whatever its outcome). */
  async run<T>(lane: Lane, fn: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    const permit = await this.acquire(lane, signal);
    try {
      return await fn();
    } finally {
      permit.release();
    }
  }

  /** Blocks every lane for `ms` from now (a 429). Only ever extends an existing block. */
  blockFor(ms: number): void {
    // +1 ms: timers may fire a millisecond early, and Retry-After is a lower bound.
    const until = Date.now() + Math.max(0, ms) + 1;
    if (until > this.blockedUntil) this.blockedUntil = until;
    this.pump();
  }

  /** The CRM itself said the daily budget is gone (Salesforce REQUEST_LIMIT_EXCEEDED, HubSpot DAILY 429). */
  markDailyExhausted(): void {
    const limit = this.daily?.limit ?? this.dailyUsed;
    this.daily = { limit, periodMs: this.daily?.periodMs ?? DAY_MS };
    this.dailyUsed = Math.max(this.dailyUsed, limit);
    this.nextProbeAt = Date.now() + this.probeIntervalMs;
    this.pump();
  }

  /** Learns from response headers through the configured parsers. */
  observe(headers: HeadersLike, status?: number): void {
    this.learn(headers, status);
    this.pump();
  }

  /** Replaces limits at runtime (connector configuration changed). */
  configure(options: Pick<RateBudgetOptions, 'concurrency' | 'window' | 'daily' | 'maxPassOver'>): void {
    if (options.concurrency !== undefined) this.concurrency = Math.max(1, options.concurrency);
    if (options.maxPassOver !== undefined) this.maxPassOver = passOverBound(options.maxPassOver);
    if (options.window !== undefined) this.window = options.window;
    if (options.daily !== undefined) this.daily = { limit: options.daily.limit, periodMs: options.daily.periodMs ?? DAY_MS };
    this.pump();
  }

  state(): RateLimitState {
    const now = Date.now();
    this.rollDailyPeriod(now);
    this.pruneWindow(now);
    return {
      crm: this.crm,
      accountId: this.accountId,
      blockedUntil: this.blockedUntil > now ? this.blockedUntil : null,
      daily: this.daily
        ? { used: this.dailyUsed + this.inFlight, limit: this.daily.limit, remaining: Math.max(0, this.daily.limit - this.dailyUsed - this.inFlight) }
        : null,
      window: this.window
        ? { max: this.window.max, remaining: Math.max(0, this.window.max - this.windowLog.length - this.inFlight), intervalMs: this.window.intervalMs }
        : null,
      concurrency: { limit: this.concurrency, inFlight: this.inFlight },
      waiting: { interactive: this.queues.interactive.length, writeback: this.queues.writeback.length, sync: this.queues.sync.length },
      totals: { ...this.totals },
    };
  }

  private learn(headers: HeadersLike, status?: number): void {
    for (const parse of this.parsers) {
      const observation = parse(headers);
      if (observation) this.apply(observation, status);
    }
  }

  private apply(observation: RateLimitObservation, status?: number): void {
    if (observation.daily) {
      // The CRM's count is the truth (it includes other clients of the account); a drop means a new period.
      this.daily = { limit: observation.daily.limit, periodMs: this.daily?.periodMs ?? DAY_MS };
      this.dailyUsed = observation.daily.used;
      if (this.dailyUsed < observation.daily.limit) this.nextProbeAt = null;
    }
    if (observation.window) {
      const { max, remaining, intervalMs } = observation.window;
      this.window = { max, intervalMs };
      // On a 429 the Retry-After block says exactly how long to wait; placeholders would wait a whole interval.
      if (status === 429) return;
      const now = Date.now();
      this.pruneWindow(now);
      // Others are spending this window too: take the CRM's lower remaining count as ours.
      const missing = max - this.windowLog.length - this.inFlight - remaining;
      for (let i = 0; i < missing; i++) this.windowLog.push(now);
    }
  }

  private makePermit(): Permit {
    let done = false;
    const finish = (counted: boolean, outcome?: CallOutcome) => {
      if (done) return;
      done = true;
      this.inFlight--;
      if (counted) {
        this.dailyUsed++;
        this.windowLog.push(Date.now());
        if (outcome?.headers) this.learn(outcome.headers, outcome.status);
        if (outcome?.status === 429) {
          this.totals.rateLimited++;
          this.blockFor(parseRetryAfter(getHeader(outcome.headers, 'retry-after')) ?? this.defaultRetryAfterMs);
        }
      } else {
        this.totals.sent--;
      }
      this.pump();
    };
    return { release: (outcome) => finish(true, outcome), cancel: () => finish(false) };
  }

  /** Hands out permits while the rules allow; otherwise arms a timer for the moment they will. */
  private pump(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    for (;;) {
      const lane = this.nextLane();
      if (!lane) return;
      const now = Date.now();
      if (this.blockedUntil > now) return this.wakeAt(this.blockedUntil);
      if (this.inFlight >= this.concurrency) return; // a release pumps again
      this.rollDailyPeriod(now);
      if (this.daily && this.dailyUsed + this.inFlight + 1 > this.daily.limit) {
        // Calls in flight count as spent, so we never risk going over. But the CRM's count may already include
        // some of them (headers of out-of-order answers): wait for them to land for the exact count before refusing.
        if (this.inFlight > 0) return;
        if (this.nextProbeAt !== null && now >= this.nextProbeAt) {
          // The CRM enforces its own quota, so one probe cannot overspend it; it tells us when the quota is back.
          this.nextProbeAt = now + this.probeIntervalMs;
        } else {
          this.refuseAll();
          continue;
        }
      }
      if (this.window) {
        this.pruneWindow(now);
        if (this.windowLog.length + this.inFlight >= this.window.max) {
          const oldest = this.windowLog[0];
          // Only calls in flight fill the window: their release pumps again.
          return oldest === undefined ? undefined : this.wakeAt(oldest + this.window.intervalMs + 1);
        }
      }
      const waiter = this.queues[lane].shift() as Waiter;
      this.countPassOvers(lane);
      waiter.cleanup();
      this.inFlight++;
      this.totals.sent++;
      waiter.resolve(this.makePermit());
    }
  }

  /**
   * The lane the next permit goes to: the highest lane with a waiter, unless a lane has been passed over
   * `maxPassOver` times; then the most passed-over such lane (the lower one on a tie, as it also counts the
   * permits of the lanes between).
   */
  private nextLane(): Lane | undefined {
    let highest: Lane | undefined;
    let due: Lane | undefined;
    for (const lane of LANES) {
      if (this.queues[lane].length === 0) {
        // A lane that emptied (served or aborted) starts over: a later waiter does not inherit old pass-overs.
        this.passedOver[lane] = 0;
        continue;
      }
      highest ??= lane;
      if (this.passedOver[lane] >= this.maxPassOver && (due === undefined || this.passedOver[lane] >= this.passedOver[due])) due = lane;
    }
    return due ?? highest;
  }

  /** A permit went to `lane`: every lower lane with a waiter was passed over once more. */
  private countPassOvers(lane: Lane): void {
    this.passedOver[lane] = 0;
    for (const lower of LANES.slice(LANES.indexOf(lane) + 1)) {
      if (this.queues[lower].length > 0) this.passedOver[lower]++;
    }
  }

  private refuseAll(): void {
    const daily = this.daily as { limit: number; periodMs: number };
    const retryAfterMs = Math.max(0, this.dailyPeriodStart + daily.periodMs - Date.now());
    for (const lane of LANES) {
      for (const waiter of this.queues[lane].splice(0)) {
        waiter.cleanup();
        this.totals.refusedBudget++;
        waiter.reject(new ConnectorError('CRM_BUDGET_EXHAUSTED', this.crm,
          `daily API budget of account ${this.accountId} is spent (${this.dailyUsed}/${daily.limit}); call not sent`,
          { retryAfterMs, details: { accountId: this.accountId, used: this.dailyUsed, limit: daily.limit, lane } }));
      }
    }
  }

  private wakeAt(at: number): void {
    this.timer = setTimeout(() => {
      this.timer = null;
      this.pump();
    }, Math.max(1, at - Date.now()));
  }

  private pruneWindow(now: number): void {
    if (!this.window) return;
    const horizon = now - this.window.intervalMs;
    let drop = 0;
    while (drop < this.windowLog.length && (this.windowLog[drop] as number) <= horizon) drop++;
    if (drop > 0) this.windowLog.splice(0, drop);
  }

  /** Local daily count for CRMs without usage headers; header-reported counts overwrite it anyway. */
  private rollDailyPeriod(now: number): void {
    if (!this.daily || now - this.dailyPeriodStart < this.daily.periodMs) return;
    this.dailyPeriodStart = now;
    this.dailyUsed = 0;
  }
}

/** At least 1 (0 would put the lowest lane first); Infinity means strict priority. */
function passOverBound(value: number | undefined): number {
  if (value === undefined || Number.isNaN(value)) return DEFAULT_MAX_PASS_OVER;
  return Math.max(1, Math.floor(value));
}
