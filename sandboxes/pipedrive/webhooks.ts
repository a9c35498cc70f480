/**
 * Pipedrive's general webhooks, v2 (`POST /api/v1/webhooks`): every API write of a person, organization or deal
 * becomes one JSON event per matching subscription, POSTed after the API has answered. A delivery counts on any
 * 2xx within the timeout; otherwise it is retried after Pipedrive's delays (3 s, 30 s, 150 s) with `meta.attempt`
 * counting up and the same `meta.id`, then dropped and counted as dead-lettered (the delivery loop is shared:
 * common/webhook-delivery.ts).
 */
import { randomUUID } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import { WebhookDelivery } from '../common/webhook-delivery.ts';
import type { DeliveryConfig, DeliveryLogEntry } from '../common/webhook-delivery.ts';
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

/** On/off, retry delays and timeout: the shared delivery's settings (common/webhook-delivery.ts). */
export type WebhookDeliveryConfig = DeliveryConfig;

export const DEFAULT_WEBHOOK_CONFIG: WebhookDeliveryConfig = { enabled: true, retryDelaysMs: [3_000, 30_000, 150_000], timeoutMs: 10_000 };

/** What a delivery attempt's log entry says the event was about. */
export interface WebhookDeliveryLabel {
  webhookId: number;
  eventId: string;
  action: ChangeAction;
  entity: string;
  entityId: string;
}

export type WebhookDeliveryLogEntry = DeliveryLogEntry<WebhookDeliveryLabel>;

/** The v2 event body without `meta.attempt`, which each delivery attempt sets. */
export interface WebhookEvent {
  data: PipedriveRecord | null;
  previous: Record<string, unknown> | null;
  meta: Record<string, unknown> & { id: string; action: ChangeAction; entity: string; entity_id: string };
}

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
  private readonly delivery = new WebhookDelivery<WebhookDeliveryLabel>(DEFAULT_WEBHOOK_CONFIG);
  /** `meta.host`: the sandbox's own host, set once it listens. */
  host = 'localhost';

  get config(): WebhookDeliveryConfig {
    return this.delivery.config;
  }

  /** The last delivery attempts, oldest first. */
  get log(): readonly WebhookDeliveryLogEntry[] {
    return this.delivery.log;
  }

  get delivered(): number {
    return this.delivery.delivered;
  }

  get deadLettered(): number {
    return this.delivery.deadLettered;
  }

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
    return this.delivery.configure(patch);
  }

  /** Events waiting for their first delivery, being delivered, or waiting for a retry. */
  pending(): number {
    return this.delivery.pending();
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
      const headers: Record<string, string> = { 'Content-Type': 'application/json', 'User-Agent': 'Pipedrive Webhooks' };
      if (sub.httpAuthUser !== null) {
        headers.Authorization = `Basic ${Buffer.from(`${sub.httpAuthUser}:${sub.httpAuthPassword ?? ''}`).toString('base64')}`;
      }
      this.delivery.enqueue({
        url: sub.subscriptionUrl,
        headers,
        body: (attempt) => JSON.stringify({ ...event, meta: { ...event.meta, attempt } }),
        // Removing a subscription stops its pending retries.
        live: () => this.subscriptions.get(sub.id) === sub,
        label: { webhookId: sub.id, eventId: event.meta.id, action: event.meta.action, entity: event.meta.entity, entityId: event.meta.entity_id },
        onAttempt: (result) => {
          sub.lastDeliveryTime = Date.now();
          sub.lastHttpStatus = result.status ?? null;
        },
      });
    }
  }

  /** Reset: subscriptions gone, pending and in-flight deliveries dropped, counters and log cleared. */
  clear(): void {
    this.subscriptions.clear();
    this.nextId = 1;
    this.delivery.reset();
  }

  /** Close: no timer or request may outlive the server. */
  stop(): void {
    this.delivery.stop();
  }
}

function matches(sub: WebhookSubscription, entity: string, action: ChangeAction): boolean {
  return (sub.eventObject === '*' || sub.eventObject === entity) && (sub.eventAction === '*' || sub.eventAction === action);
}
