/**
 * App webhook subscriptions (reference §2.11): every API write becomes events, batched (≤100) after a short
 * delay and POSTed to the target URL with HubSpot's v1 and v3 signatures. A failed delivery (non-2xx, timeout or
 * connection error) is retried with exponential backoff, `attemptNumber` counting up, until `maxAttempts`.
 */
import { createHash, createHmac } from 'node:crypto';
import { OBJECT_TYPE_NAMES, OBJECT_TYPES } from './object-types.ts';
import { associationEventFields } from './association-events.ts';
import type { ChangeEvent, EventSink } from './writes.ts';

// associationChange comes last so the subscription ids of the older types stay as they were.
export const SUBSCRIPTION_TYPES = [
  ...OBJECT_TYPE_NAMES.flatMap((t) => ['creation', 'propertyChange', 'deletion'].map((k) => `${OBJECT_TYPES[t].eventPrefix}.${k}`)),
  ...OBJECT_TYPE_NAMES.map((t) => `${OBJECT_TYPES[t].eventPrefix}.associationChange`),
];

export interface WebhookConfig {
  targetUrl: string | null;
  clientSecret: string;
  /** `contact.creation`, `contact.propertyChange`, or `contact.propertyChange:email` for one property only. */
  subscriptions: string[];
  enabled: boolean;
  batchDelayMs: number;
  maxBatchSize: number;
  maxAttempts: number;
  retryBaseMs: number;
  timeoutMs: number;
}

export interface WebhookEvent {
  eventId: number;
  subscriptionId: number;
  portalId: number;
  appId: number;
  occurredAt: number;
  subscriptionType: string;
  attemptNumber: number;
  objectId: number;
  propertyName?: string;
  propertyValue?: string;
  changeFlag?: 'CREATED' | 'DELETED';
  /** associationChange events (see association-events.ts). */
  fromObjectId?: number;
  toObjectId?: number;
  associationType?: string;
  associationCategory?: 'HUBSPOT_DEFINED';
  associationTypeId?: number;
  associationRemoved?: boolean;
  isPrimaryAssociation?: boolean;
  changeSource: 'API';
  sourceId: string;
}

export interface DeliveryLogEntry {
  at: string;
  attemptNumber: number;
  events: number;
  status?: number;
  error?: string;
  ok: boolean;
}

export function defaultWebhookConfig(clientSecret: string): WebhookConfig {
  return {
    targetUrl: null, clientSecret, subscriptions: [...SUBSCRIPTION_TYPES], enabled: false,
    batchDelayMs: 200, maxBatchSize: 100, maxAttempts: 10, retryBaseMs: 1000, timeoutMs: 5000,
  };
}

export class WebhookDispatcher implements EventSink {
  private queue: WebhookEvent[] = [];
  private flushTimer: NodeJS.Timeout | undefined;
  private readonly retryTimers = new Set<NodeJS.Timeout>();
  private readonly abort = new AbortController();
  private inFlight = 0;
  private nextEventId = 1000;
  readonly log: DeliveryLogEntry[] = [];
  delivered = 0;
  deadLettered = 0;

  constructor(
    public config: WebhookConfig,
    private readonly ids: { portalId: number; appId: number },
  ) {}

  configure(patch: Partial<WebhookConfig>): WebhookConfig {
    this.config = { ...this.config, ...patch };
    if (patch.targetUrl && patch.enabled === undefined) this.config.enabled = true;
    return this.config;
  }

  /** Pending = queued or being delivered or waiting for a retry. */
  pending(): number {
    return this.queue.length + this.inFlight + this.retryTimers.size;
  }

  emit(changes: ChangeEvent[]): void {
    const c = this.config;
    if (!c.enabled || !c.targetUrl || !changes.length) return;
    for (const ch of changes) {
      const type = `${OBJECT_TYPES[ch.objectType].eventPrefix}.${ch.kind}`;
      if (!this.subscribed(type, ch.propertyName)) continue;
      this.queue.push({
        eventId: this.nextEventId++,
        subscriptionId: SUBSCRIPTION_TYPES.indexOf(type) + 1,
        portalId: this.ids.portalId,
        appId: this.ids.appId,
        occurredAt: ch.occurredAt,
        subscriptionType: type,
        attemptNumber: 0,
        objectId: Number(ch.objectId),
        ...(ch.propertyName !== undefined ? { propertyName: ch.propertyName, propertyValue: ch.propertyValue ?? '' } : {}),
        ...(ch.kind === 'creation' ? { changeFlag: 'CREATED' as const } : ch.kind === 'deletion' ? { changeFlag: 'DELETED' as const } : {}),
        ...associationEventFields(ch),
        changeSource: 'API',
        sourceId: ch.sourceId,
      });
    }
    if (this.queue.length && !this.flushTimer) {
      this.flushTimer = setTimeout(() => this.flush(), c.batchDelayMs);
    }
  }

  private subscribed(type: string, propertyName: string | undefined): boolean {
    return this.config.subscriptions.some((s) => {
      const [t, prop] = s.split(':');
      return t === type && (prop === undefined || prop === propertyName);
    });
  }

  /** Sends everything queued now, in batches of at most `maxBatchSize`. */
  flush(): void {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    const size = Math.max(1, Math.min(100, this.config.maxBatchSize));
    while (this.queue.length) void this.deliver(this.queue.splice(0, size), 0);
  }

  /** Drops queued and scheduled deliveries (reset, disable). */
  clear(): void {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    for (const t of this.retryTimers) clearTimeout(t);
    this.retryTimers.clear();
    this.queue = [];
  }

  stop(): void {
    this.clear();
    this.abort.abort();
  }

  private async deliver(events: WebhookEvent[], attempt: number): Promise<void> {
    const url = this.config.targetUrl;
    if (!url || !this.config.enabled) return;
    const body = JSON.stringify(events.map((e) => ({ ...e, attemptNumber: attempt })));
    const timestamp = Date.now();
    const secret = this.config.clientSecret;
    const entry: DeliveryLogEntry = { at: new Date(timestamp).toISOString(), attemptNumber: attempt, events: events.length, ok: false };
    this.inFlight++;
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          'X-HubSpot-Signature': createHash('sha256').update(secret + body).digest('hex'),
          'X-HubSpot-Signature-Version': 'v1',
          'X-HubSpot-Signature-v3': signV3(secret, 'POST', url, body, timestamp),
          'X-HubSpot-Request-Timestamp': String(timestamp),
          'User-Agent': 'HubSpot Connect 2.0 (http://dev.hubspot.com/) (namespace: webhooks-nio-http-client)',
        },
        body,
        signal: AbortSignal.any([this.abort.signal, AbortSignal.timeout(this.config.timeoutMs)]),
      });
      entry.status = res.status;
      entry.ok = res.ok;
      await res.arrayBuffer().catch(() => undefined);
    } catch (err) {
      entry.error = (err as Error).message;
    } finally {
      this.inFlight--;
    }
    this.log.push(entry);
    if (this.log.length > 500) this.log.shift();
    if (entry.ok) {
      this.delivered += events.length;
      return;
    }
    if (this.abort.signal.aborted) return;
    if (attempt + 1 >= this.config.maxAttempts) {
      this.deadLettered += events.length;
      return;
    }
    const timer = setTimeout(() => {
      this.retryTimers.delete(timer);
      void this.deliver(events, attempt + 1);
    }, this.config.retryBaseMs * 2 ** attempt);
    this.retryTimers.add(timer);
  }
}

/** v3: base64 HMAC-SHA256 keyed with the client secret over method + url + body + timestamp. */
export function signV3(secret: string, method: string, url: string, body: string, timestamp: number): string {
  return createHmac('sha256', secret).update(method + url + body + String(timestamp)).digest('base64');
}
