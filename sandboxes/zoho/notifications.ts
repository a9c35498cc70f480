/**
 * Zoho's Notifications API: the org's watch channels and the notifications API writes send to them. After a write
 * request, each live channel whose events cover the module and operation gets ONE POST per operation (an upsert
 * that inserts and updates sends an `insert` and an `update`), carrying every id the request wrote, the fields each
 * update changed, and the channel's token. Delivery is the shared asynchronous, retried delivery
 * (common/webhook-delivery.ts): never before the write's answer, retried after a non-2xx or a connection failure,
 * every attempt logged.
 */
import { WebhookDelivery } from '../common/webhook-delivery.ts';
import type { DeliveryConfig } from '../common/webhook-delivery.ts';
import { requiredParam, ZohoError } from './errors.ts';
import type { ModuleName } from './schema.ts';
import type { Org } from './store.ts';
import { channelIdOf, checkItem, covers, renderChannel, renderSubscribed, resourceUri } from './watch-channels.ts';
import type { ItemCheck, ItemError, WatchChannel } from './watch-channels.ts';

export type NotifyOperation = 'insert' | 'update' | 'delete';

/** What API writes report: the ids one request wrote per operation, and for updates the fields each one changed. */
export interface ChangeNotifier {
  notify(module: ModuleName, operation: NotifyOperation, ids: string[], affected?: Map<string, string[]>): void;
}

/** What each delivery attempt's log entry says the notification was about. */
export interface NotificationLabel {
  channelId: string;
  url: string;
  module: ModuleName;
  operation: NotifyOperation;
  ids: string[];
  serverTime: number;
}

const WATCH_OF: Record<NotifyOperation, 'create' | 'edit' | 'delete'> = { insert: 'create', update: 'edit', delete: 'delete' };

/** One entry of an answer's `watch[]`. */
export type WatchResult = Record<string, unknown> & { status: 'success' | 'error' };

export interface WatchAnswer {
  /** 200 when every item succeeded, 207 mixed, 400 none: as record writes answer. */
  status: number;
  body: { watch: WatchResult[] };
}

const errorResult = (e: ItemError): WatchResult => ({ code: e.code, details: e.details, message: e.message, status: 'error' });

function answer(results: WatchResult[]): WatchAnswer {
  const ok = results.filter((r) => r.status === 'success').length;
  return { status: ok === results.length ? 200 : ok === 0 ? 400 : 207, body: { watch: results } };
}

function itemsOf(body: unknown): unknown[] {
  const watch = body && typeof body === 'object' ? (body as { watch?: unknown }).watch : undefined;
  if (!Array.isArray(watch) || !watch.length) throw requiredParam('watch');
  if (watch.length > 100) throw new ZohoError(400, 'LIMIT_EXCEEDED', 'Maximum of 100 channels can be processed in one call', { limit: 100 });
  return watch;
}

export class ZohoNotifications implements ChangeNotifier {
  private readonly channels = new Map<string, WatchChannel>();
  readonly delivery: WebhookDelivery<NotificationLabel>;
  /** `${url}/crm/v8`, set once the sandbox listens: the base of every `resource_uri`. */
  apiUrl = 'http://localhost/crm/v8';

  constructor(private readonly org: () => Org, private readonly startConfig: DeliveryConfig) {
    this.delivery = new WebhookDelivery(startConfig);
  }

  /** The channel of this id while it is live; an expired one is forgotten here. */
  private live(id: string, now = Date.now()): WatchChannel | undefined {
    const channel = this.channels.get(id);
    if (channel && channel.expiresAt <= now) this.channels.delete(id);
    return channel && channel.expiresAt > now ? channel : undefined;
  }

  list(): WatchChannel[] {
    const now = Date.now();
    return [...this.channels.keys()].map((id) => this.live(id, now)).filter((c): c is WatchChannel => c !== undefined);
  }

  /** `GET /actions/watch`: null when no live channel (the route answers 204). */
  renderList(): Record<string, unknown> | null {
    const channels = this.list();
    return channels.length ? { watch: channels.map((c) => renderChannel(this.org(), this.apiUrl, c)) } : null;
  }

  subscribe(body: unknown): WatchAnswer {
    const now = Date.now();
    return answer(itemsOf(body).map((raw, i) => {
      const checked = checkItem(raw, i, now);
      if ('error' in checked) return errorResult(checked.error);
      if (this.live(checked.channel.id, now)) {
        return errorResult({ code: 'DUPLICATE_DATA', message: 'the channel_id given already exists', details: { api_name: 'channel_id', json_path: `$.watch[${i}].channel_id` } });
      }
      this.channels.set(checked.channel.id, checked.channel);
      return this.success(checked, 'Successfully subscribed for actions-watch of the given module');
    }));
  }

  patch(body: unknown): WatchAnswer {
    const now = Date.now();
    return answer(itemsOf(body).map((raw, i) => {
      const id = raw && typeof raw === 'object' ? channelIdOf((raw as { channel_id?: unknown }).channel_id) : undefined;
      const existing = id === undefined ? undefined : this.live(id, now);
      // A well-formed id with no live channel is refused as such, before the other fields (a missing or malformed
      // id gets checkItem's own error).
      if (id !== undefined && !existing) {
        return errorResult({ code: 'INVALID_DATA', message: 'the channel_id given seems to be invalid', details: { api_name: 'channel_id', json_path: `$.watch[${i}].channel_id` } });
      }
      const checked = checkItem(raw, i, now, existing);
      if ('error' in checked) return errorResult(checked.error);
      // checkItem refused a missing or malformed id, so the channel was found. Updated in place: notifications
      // already produced keep going where the channel pointed when they were made.
      const channel = Object.assign(existing!, checked.channel);
      return this.success({ channel }, 'Successfully updated the subscribe details');
    }));
  }

  unsubscribe(ids: string[]): WatchAnswer {
    if (!ids.length) throw requiredParam('channel_ids');
    if (ids.length > 100) throw new ZohoError(400, 'LIMIT_EXCEEDED', 'Maximum of 100 channels can be processed in one call', { limit: 100 });
    return answer(ids.map((id): WatchResult => {
      if (!this.live(id)) return errorResult({ code: 'INVALID_DATA', message: 'the channel_id given seems to be invalid', details: { api_name: 'channel_id', channel_id: id } });
      this.channels.delete(id);
      return { code: 'SUCCESS', details: { channel_id: id }, message: 'Successfully unsubscribed from actions-watch', status: 'success' };
    }));
  }

  private success(checked: Extract<ItemCheck, { channel: WatchChannel }>, message: string): WatchResult {
    return { code: 'SUCCESS', details: { events: renderSubscribed(this.org(), this.apiUrl, checked.channel) }, message, status: 'success' };
  }

  notify(module: ModuleName, operation: NotifyOperation, ids: string[], affected?: Map<string, string[]>): void {
    if (!ids.length || !this.delivery.config.enabled) return;
    const targets = this.list().filter((c) => covers(c, module, WATCH_OF[operation]));
    const serverTime = Date.now();
    for (const channel of targets) {
      const body = JSON.stringify({
        server_time: serverTime,
        query_params: {},
        module,
        resource_uri: resourceUri(this.apiUrl, module),
        ids,
        ...(operation === 'update' ? { affected_fields: ids.map((id) => ({ [id]: affected?.get(id) ?? [] })) } : {}),
        operation,
        channel_id: channel.id,
        token: channel.token,
      });
      this.delivery.enqueue({
        url: channel.notifyUrl,
        headers: { 'Content-Type': 'application/json' },
        body: () => body,
        // Unsubscribed or expired meanwhile: its pending retries stop.
        live: () => this.live(channel.id) === channel,
        label: { channelId: channel.id, url: channel.notifyUrl, module, operation, ids, serverTime },
      });
    }
  }

  /** Paused: nothing is delivered, and notifications of writes made meanwhile (and pending retries) are dropped. */
  setPaused(paused: boolean): void {
    this.delivery.configure({ enabled: !paused });
  }

  /** Reset: channels gone, deliveries dropped, log and counters cleared, delivery settings back to the start options. */
  reset(): void {
    this.channels.clear();
    this.delivery.reset();
    this.delivery.configure({ ...this.startConfig, retryDelaysMs: [...this.startConfig.retryDelaysMs] });
  }

  stop(): void {
    this.delivery.stop();
  }
}
