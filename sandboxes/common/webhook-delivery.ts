/**
 * Outgoing webhook delivery shared by the sandboxes that push changes (Pipedrive's webhooks, Zoho's
 * notifications). A job is POSTed after the write's answer has gone out (setImmediate, same tick as the write), and
 * counts as delivered on any 2xx whose whole answer arrives within the timeout; otherwise it is retried after each of
 * `retryDelaysMs` in turn, then dropped and counted as dead-lettered. A job whose subscription is gone (`live()`
 * false) is dropped silently; while delivery is off nothing is sent and jobs produced meanwhile are dropped.
 * `reset()` aborts everything pending or in flight, so nothing from before it is counted or logged.
 */

export interface DeliveryConfig {
  /** false: nothing is delivered and jobs produced meanwhile are dropped, as if the CRM's push were off. */
  enabled: boolean;
  /** Wait before each retry; its length is the number of retries. */
  retryDelaysMs: number[];
  timeoutMs: number;
}

const isDelay = (x: unknown) => typeof x === 'number' && Number.isFinite(x) && x >= 0;

/**
 * A control route's patch of delivery settings (JSON object): `retryDelaysMs` and `timeoutMs`, and the on/off switch
 * under the name the CRM's control route uses (Pipedrive `enabled`, Zoho `paused`, its inverse); or the message
 * naming what is wrong with it.
 */
export function parseDeliveryPatch(body: unknown, switchName: 'enabled' | 'paused'): Partial<DeliveryConfig> | string {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return 'The body must be a JSON object';
  const b = body as Record<string, unknown>;
  const patch: Partial<DeliveryConfig> = {};
  if (b[switchName] !== undefined) {
    if (typeof b[switchName] !== 'boolean') return `${switchName} must be a boolean`;
    patch.enabled = switchName === 'enabled' ? b[switchName] : !b[switchName];
  }
  if (b.retryDelaysMs !== undefined) {
    if (!Array.isArray(b.retryDelaysMs) || !b.retryDelaysMs.every(isDelay)) return 'retryDelaysMs must be a list of non-negative numbers';
    patch.retryDelaysMs = b.retryDelaysMs as number[];
  }
  if (b.timeoutMs !== undefined) {
    if (!isDelay(b.timeoutMs) || (b.timeoutMs as number) <= 0) return 'timeoutMs must be a positive number';
    patch.timeoutMs = b.timeoutMs as number;
  }
  return patch;
}

/** An absolute http(s) URL: what a subscription may deliver to (a CRM refuses anything else when it is made). */
export function isHttpUrl(raw: unknown): raw is string {
  if (typeof raw !== 'string') return false;
  try {
    const url = new URL(raw);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

/** One delivery attempt as the log keeps it; the job's label is merged in. */
export interface DeliveryAttempt {
  /** When the attempt started (ISO). */
  at: string;
  /** 1 for the first delivery, then 2, 3… for the retries. */
  attempt: number;
  status?: number;
  /** The connection failure or timeout, when no status came back. */
  error?: string;
  ok: boolean;
}

export type DeliveryLogEntry<L> = DeliveryAttempt & L;

export interface DeliveryJob<L> {
  url: string;
  headers: Record<string, string>;
  /** The body of one attempt (1-based): Pipedrive counts attempts inside it, Zoho sends the same body each time. */
  body(attempt: number): string;
  /** Checked before every attempt: false drops the job (its subscription was removed or has expired). */
  live(): boolean;
  /** What the delivery is about, merged into each of its log entries. */
  label: L;
  /** Called after every attempt that a reset did not abort. */
  onAttempt?(attempt: DeliveryAttempt): void;
}

const LOG_LIMIT = 500;

export class WebhookDelivery<L extends object> {
  config: DeliveryConfig;
  /** The last attempts, oldest first (at most 500). */
  readonly log: DeliveryLogEntry<L>[] = [];
  delivered = 0;
  deadLettered = 0;
  private readonly scheduled = new Set<NodeJS.Timeout | NodeJS.Immediate>();
  private inFlight = 0;
  // Replaced on every reset, so attempts in flight from before it are aborted and never counted.
  private generation = new AbortController();

  constructor(config: DeliveryConfig) {
    this.config = { ...config, retryDelaysMs: [...config.retryDelaysMs] };
  }

  configure(patch: Partial<DeliveryConfig>): DeliveryConfig {
    this.config = { ...this.config, ...patch };
    if (patch.enabled === false) this.dropScheduled();
    return this.config;
  }

  /** Jobs waiting for their first attempt, being delivered, or waiting for a retry. */
  pending(): number {
    return this.scheduled.size + this.inFlight;
  }

  enqueue(job: DeliveryJob<L>): void {
    if (!this.config.enabled) return;
    const generation = this.generation.signal;
    const immediate = setImmediate(() => {
      this.scheduled.delete(immediate);
      void this.deliver(job, 1, generation);
    });
    this.scheduled.add(immediate);
  }

  /** Pending and in-flight deliveries dropped, counters and log cleared; the config stays. */
  reset(): void {
    this.abortAll();
    this.log.length = 0;
    this.delivered = 0;
    this.deadLettered = 0;
  }

  /** Close: no timer or request may outlive the server. */
  stop(): void {
    this.abortAll();
  }

  private abortAll(): void {
    this.dropScheduled();
    this.generation.abort();
    this.generation = new AbortController();
  }

  private dropScheduled(): void {
    for (const t of this.scheduled) {
      clearTimeout(t as NodeJS.Timeout);
      clearImmediate(t as NodeJS.Immediate);
    }
    this.scheduled.clear();
  }

  private async deliver(job: DeliveryJob<L>, attempt: number, generation: AbortSignal): Promise<void> {
    if (!this.config.enabled || generation.aborted || !job.live()) return;
    const result: DeliveryAttempt = { at: new Date().toISOString(), attempt, ok: false };
    this.inFlight++;
    try {
      const res = await fetch(job.url, {
        method: 'POST', headers: job.headers, body: job.body(attempt), redirect: 'manual',
        signal: AbortSignal.any([generation, AbortSignal.timeout(this.config.timeoutMs)]),
      });
      result.status = res.status;
      // The whole answer must arrive within the timeout too; its content does not matter.
      await res.arrayBuffer();
      result.ok = res.status >= 200 && res.status < 300;
    } catch (err) {
      result.error = (err as Error).message;
    } finally {
      this.inFlight--;
    }
    if (generation.aborted) return;
    this.log.push({ ...job.label, ...result });
    if (this.log.length > LOG_LIMIT) this.log.shift();
    job.onAttempt?.(result);
    if (result.ok) {
      this.delivered++;
      return;
    }
    const delay = this.config.retryDelaysMs[attempt - 1];
    if (delay === undefined) {
      this.deadLettered++;
      return;
    }
    const timer = setTimeout(() => {
      this.scheduled.delete(timer);
      void this.deliver(job, attempt + 1, generation);
    }, delay);
    this.scheduled.add(timer);
  }
}
