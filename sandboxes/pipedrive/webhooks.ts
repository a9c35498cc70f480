/**
 * Pipedrive's general webhooks, v2 (`POST /api/v1/webhooks`): every API write of a person, organization or deal
 * becomes one JSON event per matching subscription, POSTed after the API has answered. A delivery counts on any
 * 2xx within the timeout; otherwise it is retried after Pipedrive's delays (3 s, 30 s, 150 s) with `meta.attempt`
 * counting up and the same `meta.id`, then dropped and counted as dead-lettered.
 */
import { randomUUID } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import { OBJECTS } from './objects.ts';
import type { ObjectName } from './objects.ts';
import type { PipedriveRecord } from './store.ts';
import type { ChangeAction, RecordChange, RecordChangeSink } from './writes.ts';

export const WEBHOOK_ACTIONS = ['create', 'change', 'delete', '*'] as const;
/** Objects Pipedrive lets a webhook watch; only person, organization and deal exist here, so only they fire. */
export const WEBHOOK_OBJECTS = ['person', 'organization', 'deal', 'activity', 'lead', 'note', 'pipeline', 'product', 'project', 'stage', 'user', '*'] as const;
export type WebhookAction = (typeof WEBHOOK_ACTIONS)[number];
export type WebhookObject = (typeof WEBHOOK_OBJECTS)[number];

/** The sandbox's one company and user: every event and subscription belongs to them. */
const COMPANY_ID = 1;
const USER_ID = 1;

export interface WebhookSubscription {
  id: number;
  userId: number;
  eventAction: WebhookAction;
  eventObject: WebhookObject;
  subscriptionUrl: string;
  httpAuthUser: string | null;
  httpAuthPassword: string | null;
  name: string | null;
  addTime: number;
  lastDeliveryTime: number | null;
  lastHttpStatus: number | null;
}

export type NewSubscription = Pick<WebhookSubscription, 'eventAction' | 'eventObject' | 'subscriptionUrl' | 'httpAuthUser' | 'httpAuthPassword' | 'name'> & { userId?: number };

export interface WebhookDeliveryConfig {
  /** false: nothing is delivered and events produced meanwhile are dropped, as if the CRM's webhooks were off. */
  enabled: boolean;
  /** Wait before each retry; its length is the number of retries. */
  retryDelaysMs: number[];
  timeoutMs: number;
}

export const DEFAULT_WEBHOOK_CONFIG: WebhookDeliveryConfig = { enabled: true, retryDelaysMs: [3_000, 30_000, 150_000], timeoutMs: 10_000 };

export interface WebhookDeliveryLogEntry {
  at: string;
  webhookId: number;
  eventId: string;
  action: ChangeAction;
  entity: string;
  entityId: string;
  attempt: number;
  status?: number;
  error?: string;
  ok: boolean;
}

/** The v2 event body without `meta.attempt`, which each delivery attempt sets. */
export interface WebhookEvent {
  data: PipedriveRecord | null;
  previous: Record<string, unknown> | null;
  meta: Record<string, unknown> & { id: string; action: ChangeAction; entity: string; entity_id: string };
}

const LOG_LIMIT = 500;

/** The subscription as `/api/v1/webhooks` shows it; the password is never echoed. */
export function renderSubscription(s: WebhookSubscription): Record<string, unknown> {
  return {
    id: s.id,
    company_id: COMPANY_ID,
    owner_id: USER_ID,
    user_id: s.userId,
    event_action: s.eventAction,
    event_object: s.eventObject,
    subscription_url: s.subscriptionUrl,
    version: '2.0',
    is_active: 1,
    add_time: new Date(s.addTime).toISOString(),
    remove_time: null,
    type: 'general',
    http_auth_user: s.httpAuthUser,
    http_auth_password: null,
    name: s.name,
    last_delivery_time: s.lastDeliveryTime === null ? null : new Date(s.lastDeliveryTime).toISOString(),
    last_http_status: s.lastHttpStatus,
  };
}

/**
 * `previous` of a change: only the top-level keys whose rendered value changed, with their old values
 * (`custom_fields` whole when any custom value changed; `update_time` changes on every write and is left out).
 */
export function changedKeys(before: PipedriveRecord, after: PipedriveRecord): Record<string, unknown> {
  const previous: Record<string, unknown> = {};
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
    if (key === 'update_time') continue;
    if (!isDeepStrictEqual(before[key], after[key])) previous[key] = before[key] ?? null;
  }
  return previous;
}

export class PipedriveWebhooks implements RecordChangeSink {
  private readonly subscriptions = new Map<number, WebhookSubscription>();
  private nextId = 1;
  config: WebhookDeliveryConfig = { ...DEFAULT_WEBHOOK_CONFIG, retryDelaysMs: [...DEFAULT_WEBHOOK_CONFIG.retryDelaysMs] };
  /** `meta.host`: the sandbox's own host, set once it listens. */
  host = 'localhost';
  readonly log: WebhookDeliveryLogEntry[] = [];
  delivered = 0;
  deadLettered = 0;
  private readonly scheduled = new Set<NodeJS.Timeout | NodeJS.Immediate>();
  private inFlight = 0;
  // Replaced on every reset, so deliveries in flight from before it are aborted and never counted.
  private generation = new AbortController();

  add(input: NewSubscription): WebhookSubscription {
    const sub: WebhookSubscription = {
      ...input, id: this.nextId++, userId: input.userId ?? USER_ID, addTime: Date.now(), lastDeliveryTime: null, lastHttpStatus: null,
    };
    this.subscriptions.set(sub.id, sub);
    return sub;
  }

  list(): WebhookSubscription[] {
    return [...this.subscriptions.values()];
  }

  /** Removing a subscription also stops its pending retries (they find it gone). */
  remove(id: number): boolean {
    return this.subscriptions.delete(id);
  }

  configure(patch: Partial<WebhookDeliveryConfig>): WebhookDeliveryConfig {
    this.config = { ...this.config, ...patch };
    if (patch.enabled === false) this.dropScheduled();
    return this.config;
  }

  /** Events waiting for their first delivery, being delivered, or waiting for a retry. */
  pending(): number {
    return this.scheduled.size + this.inFlight;
  }

  wants(object: ObjectName, action: ChangeAction): boolean {
    return this.config.enabled && this.list().some((s) => matches(s, OBJECTS[object].singular, action));
  }

  emit(change: RecordChange): void {
    if (!this.config.enabled) return;
    const entity = OBJECTS[change.object].singular;
    const targets = this.list().filter((s) => matches(s, entity, change.action));
    if (!targets.length) return;
    const previous = change.action === 'create' ? null : change.action === 'delete' ? change.before : changedKeys(change.before!, change.after!);
    const correlationId = randomUUID();
    const timestamp = new Date().toISOString();
    for (const sub of targets) {
      const event: WebhookEvent = {
        data: change.after,
        previous,
        meta: {
          action: change.action,
          entity,
          entity_id: String(change.id),
          id: randomUUID(),
          correlation_id: correlationId,
          timestamp,
          version: '2.0',
          webhook_id: String(sub.id),
          webhook_owner_id: String(USER_ID),
          company_id: String(COMPANY_ID),
          user_id: String(USER_ID),
          change_source: 'api',
          is_bulk_edit: false,
          type: 'general',
          host: this.host,
          permitted_user_ids: [String(USER_ID)],
        },
      };
      // setImmediate: the write's API answer is sent first, in the same tick as the write.
      const immediate = setImmediate(() => {
        this.scheduled.delete(immediate);
        void this.deliver(sub, event, 1, this.generation.signal);
      });
      this.scheduled.add(immediate);
    }
  }

  /** Reset: subscriptions gone, pending and in-flight deliveries dropped, counters and log cleared. */
  clear(): void {
    this.subscriptions.clear();
    this.nextId = 1;
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

  private async deliver(sub: WebhookSubscription, event: WebhookEvent, attempt: number, generation: AbortSignal): Promise<void> {
    if (!this.config.enabled || generation.aborted || this.subscriptions.get(sub.id) !== sub) return;
    const body = JSON.stringify({ ...event, meta: { ...event.meta, attempt } });
    const headers: Record<string, string> = { 'Content-Type': 'application/json', 'User-Agent': 'Pipedrive Webhooks' };
    if (sub.httpAuthUser !== null) {
      headers.Authorization = `Basic ${Buffer.from(`${sub.httpAuthUser}:${sub.httpAuthPassword ?? ''}`).toString('base64')}`;
    }
    const entry: WebhookDeliveryLogEntry = {
      at: new Date().toISOString(), webhookId: sub.id, eventId: event.meta.id, action: event.meta.action,
      entity: event.meta.entity, entityId: event.meta.entity_id, attempt, ok: false,
    };
    this.inFlight++;
    try {
      const res = await fetch(sub.subscriptionUrl, {
        method: 'POST', headers, body, redirect: 'manual',
        signal: AbortSignal.any([generation, AbortSignal.timeout(this.config.timeoutMs)]),
      });
      entry.status = res.status;
      // The whole answer must arrive within the timeout too; its content does not matter.
      await res.arrayBuffer();
      entry.ok = res.status >= 200 && res.status < 300;
    } catch (err) {
      entry.error = (err as Error).message;
    } finally {
      this.inFlight--;
    }
    if (generation.aborted) return;
    this.log.push(entry);
    if (this.log.length > LOG_LIMIT) this.log.shift();
    sub.lastDeliveryTime = Date.now();
    sub.lastHttpStatus = entry.status ?? null;
    if (entry.ok) {
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
      void this.deliver(sub, event, attempt + 1, generation);
    }, delay);
    this.scheduled.add(timer);
  }
}

function matches(sub: WebhookSubscription, entity: string, action: ChangeAction): boolean {
  return (sub.eventObject === '*' || sub.eventObject === entity) && (sub.eventAction === '*' || sub.eventAction === action);
}
