/**
 * Pipedrive general webhooks (v2). Pipedrive signs nothing: a subscription carries HTTP Basic credentials that
 * Pipedrive sends with every delivery, so `verify` compares the Authorization header with the connector's
 * webhook user and password (in constant time). `parse` turns one delivery (one event per POST) into a contract
 * event; deliveries for objects we do not sync (activities, notes…) parse to no events, so they are acknowledged
 * and dropped instead of refused: Pipedrive retries refused deliveries and in the end bans the URL.
 *
 * Unlike HubSpot, whose app webhooks are set up in the app's settings, Pipedrive creates webhooks through its
 * API, so `ensureSubscriptions` creates the ones this connector needs (one per object, every action) and removes
 * its own stale ones (an old URL or user, duplicates), and `removeSubscriptions` removes all of its own when the
 * connector is deleted.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { ConnectorError, parseWebhookJson, registerSecret } from '../contract/index.ts';
import type {
  CallOptions, UnremovedSubscription, WebhookEvent, WebhookEventKind, WebhookHandler, WebhookRequest, WebhookSubscriptionRemoval, WebhookSubscriptionReport,
} from '../contract/index.ts';
import { PIPEDRIVE, PIPEDRIVE_V1, expectList } from './client.ts';
import { STAGE_FIELD } from './stages.ts';
import type { PipedriveApi } from './client.ts';

/** The Basic credentials a subscription is created with and every delivery must carry. */
export interface PipedriveWebhookAuth {
  user: string;
  password: string;
}

/** The contract's event plus what Pipedrive says about who made the change. */
export interface PipedriveWebhookEvent extends WebhookEvent {
  /** 'app' (a user in Pipedrive), 'api' (an integration, us included)… */
  changeSource?: string;
  userId?: string;
  attempt?: number;
}

/** Pipedrive's entity names (singular) → our object types. */
const OBJECTS: Record<string, string> = { person: 'persons', organization: 'organizations', deal: 'deals' };

const V2_KINDS: Record<string, WebhookEventKind> = { create: 'created', change: 'updated', delete: 'deleted' };
/** v1 deliveries (older subscriptions). A v1 merge names the surviving record: re-reading it is enough. */
const V1_KINDS: Record<string, WebhookEventKind> = { added: 'created', updated: 'updated', merged: 'updated', deleted: 'deleted' };

/** v2 keys of `previous` → the native field keys the connector maps records to (records.ts). */
const NATIVE_KEYS: Record<string, string> = { emails: 'email', phones: 'phone' };

const digest = (value: string) => createHash('sha256').update(value).digest();

function header(headers: WebhookRequest['headers'], name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function invalid(message: string): ConnectorError {
  return new ConnectorError('CRM_VALIDATION', PIPEDRIVE, message);
}

const str = (value: unknown): string | undefined =>
  typeof value === 'string' && value !== '' ? value : typeof value === 'number' && Number.isFinite(value) ? String(value) : undefined;

/** `connectorId` names this connector's own path, `/webhooks/<connector id>`, which `removeSubscriptions` empties. */
export function createPipedriveWebhookHandler(auth: PipedriveWebhookAuth, api: PipedriveApi, connectorId: string): WebhookHandler {
  registerSecret(auth.password);
  // Digests of equal length, so the comparison takes the same time whatever was sent.
  const expected = digest(`Basic ${Buffer.from(`${auth.user}:${auth.password}`).toString('base64')}`);
  return {
    verify(req) {
      const given = header(req.headers, 'authorization');
      return given !== undefined && timingSafeEqual(digest(given.trim()), expected);
    },
    parse(rawBody) {
      const payload = parseWebhookJson(PIPEDRIVE, rawBody);
      if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) throw invalid('webhook body is not a JSON object');
      const body = payload as Record<string, unknown>;
      const meta = body.meta;
      if (typeof meta !== 'object' || meta === null) throw invalid('webhook body has no meta object');
      const event = 'entity' in meta ? fromV2(body, meta as Record<string, unknown>) : fromV1(body, meta as Record<string, unknown>);
      return event ? [event] : [];
    },
    ensureSubscriptions: (targetUrl, options) => ensureSubscriptions(api, auth, targetUrl, options),
    removeSubscriptions: (options) => removeSubscriptions(api, `/webhooks/${encodeURIComponent(connectorId)}`, options),
    subscriptionsPage: 'Settings → Tools and apps → Webhooks',
  };
}

function fromV2(body: Record<string, unknown>, meta: Record<string, unknown>): PipedriveWebhookEvent | null {
  const entity = str(meta.entity);
  const action = str(meta.action);
  const eventId = str(meta.id);
  const recordId = str(meta.entity_id);
  if (!entity || !action || !eventId || !recordId) throw invalid('webhook meta lacks id, action, entity or entity_id');
  const objectType = OBJECTS[entity];
  if (!objectType) return null;
  const kind = V2_KINDS[action];
  if (!kind) throw invalid(`unknown webhook action '${action}'`);
  const occurred = typeof meta.timestamp === 'string' ? Date.parse(meta.timestamp) : Number.NaN;
  const event: PipedriveWebhookEvent = {
    eventId, objectType, recordId, kind, occurredAt: new Date(Number.isFinite(occurred) ? occurred : 0).toISOString(), raw: body,
  };
  if (kind === 'updated') {
    const changed = changedKeys(body.previous);
    // A deal's synthetic stage_name (stages.ts) is made of these two: a change of either changes it.
    if (objectType === 'deals' && changed.some((k) => k === 'stage_id' || k === 'status')) changed.push(STAGE_FIELD);
    event.changedFields = changed;
  }
  const source = str(meta.change_source);
  if (source) event.changeSource = source;
  const userId = str(meta.user_id);
  if (userId) event.userId = userId;
  if (typeof meta.attempt === 'number') event.attempt = meta.attempt;
  return event;
}

function fromV1(body: Record<string, unknown>, meta: Record<string, unknown>): PipedriveWebhookEvent | null {
  const object = str(meta.object);
  const action = str(meta.action);
  const recordId = str(meta.id);
  if (!object || !action || !recordId) throw invalid('webhook meta lacks id, action or object');
  const objectType = OBJECTS[object];
  if (!objectType) return null;
  const kind = V1_KINDS[action];
  if (!kind) throw invalid(`unknown webhook action '${action}'`);
  // v1 has no event id: the webhook, record and microsecond timestamp name one change, and stay the same on retries.
  const micro = str(meta.timestamp_micro) ?? str(meta.timestamp) ?? '0';
  const seconds = Number(meta.timestamp);
  const source = str(meta.change_source);
  return {
    eventId: `v1:${str(meta.webhook_id) ?? ''}:${object}:${recordId}:${action}:${micro}`,
    objectType, recordId, kind,
    occurredAt: new Date(Number.isFinite(seconds) ? seconds * 1000 : 0).toISOString(),
    raw: body,
    ...(source ? { changeSource: source } : {}),
  };
}

/** The native keys of a v2 `previous` object: only the changed keys are in it. */
function changedKeys(previous: unknown): string[] {
  if (typeof previous !== 'object' || previous === null) return [];
  const keys: string[] = [];
  for (const [key, value] of Object.entries(previous)) {
    if (key === 'update_time') continue;
    if (key === 'custom_fields' && typeof value === 'object' && value !== null) keys.push(...Object.keys(value));
    else keys.push(NATIVE_KEYS[key] ?? key);
  }
  return keys;
}

interface Subscription {
  id: number | string;
  subscription_url?: string;
  event_action?: string;
  event_object?: string;
  version?: string;
  http_auth_user?: string | null;
  is_active?: number | boolean;
}

/** The path the gateway takes this connector's deliveries at: `/webhooks/<connector id>` (gateway/webhooks.ts). */
const OWN_PATH = /\/webhooks\/[^/]+$/;

const pathOf = (url: string | undefined): string | undefined => {
  if (!url) return undefined;
  try {
    return new URL(url).pathname.replace(/\/+$/, '');
  } catch {
    return undefined;
  }
};

/** Pipedrive ids are integers; by number, so every gateway picks the same one to keep. */
const byId = (a: Subscription, b: Subscription) => Number(a.id) - Number(b.id) || String(a.id).localeCompare(String(b.id));

/**
 * One subscription per synced object with action `*`, Basic credentials and version 2.0, delivering to
 * `targetUrl`; and no other subscription of ours. Ours are those at this connector's own path
 * (`…/webhooks/<connector id>`, the end of `targetUrl`) on any host: an old public URL, an old webhook user, an
 * object or action we do not want, a switched-off or v1 subscription, or a second one for the same object (two
 * gateways started at once) are removed. Subscriptions at any other path belong to the customer's other tools and
 * are never touched. The missing ones are created first and the stale ones removed after, so deliveries never
 * stop while the URL or the user changes; a stale one Pipedrive refuses to delete is reported in `notRemoved`.
 *
 * The password cannot be compared: Pipedrive lists `http_auth_password` as null, never the value. A subscription
 * made with an old password and the same user is kept (every delivery then gets 401): change the webhook user with
 * the password, and the old subscriptions are replaced.
 */
async function ensureSubscriptions(api: PipedriveApi, auth: PipedriveWebhookAuth, targetUrl: string, options?: CallOptions): Promise<WebhookSubscriptionReport> {
  const call = callOptions(options);
  const ownPath = pathOf(targetUrl)?.match(OWN_PATH)?.[0];
  // Without our path in the target URL nothing can be told ours but the subscriptions at that exact URL.
  const ours = (await listed(api, call)).filter((s) => s.subscription_url === targetUrl || atPath(s, ownPath));
  const report: WebhookSubscriptionReport = { existing: [], created: [], removed: [], notRemoved: [] };
  const kept = new Set<Subscription>();
  for (const object of Object.keys(OBJECTS)) {
    // The oldest wanted one stays; two gateways tidying at the same time keep the same one.
    const found = ours.find((s) => s.subscription_url === targetUrl && s.event_object === object && s.event_action === '*' &&
      s.http_auth_user === auth.user && s.is_active !== 0 && s.is_active !== false && String(s.version ?? '1.0').startsWith('2'));
    if (found) {
      kept.add(found);
      report.existing.push(String(found.id));
      continue;
    }
    const created = await api.request<Subscription>(call.lane, {
      method: 'POST', path: `${PIPEDRIVE_V1}/webhooks`, ...call.signal,
      json: { subscription_url: targetUrl, event_action: '*', event_object: object, version: '2.0', http_auth_user: auth.user, http_auth_password: auth.password, name: `customer-graph ${object}` },
    });
    report.created.push(String(created.data.id));
  }
  // The wanted ones exist now: a stale one that cannot be deleted is reported, not thrown, since deliveries work.
  const { removed, notRemoved } = await deleteAll(api, call, ours.filter((s) => !kept.has(s)));
  return { ...report, removed, notRemoved };
}

/** Every subscription whose URL's path ends in `ownPath` (this connector's, on any host); no other. */
async function removeSubscriptions(api: PipedriveApi, ownPath: string, options?: CallOptions): Promise<WebhookSubscriptionRemoval> {
  const call = callOptions(options);
  return deleteAll(api, call, (await listed(api, call)).filter((s) => atPath(s, ownPath)));
}

interface Call {
  lane: NonNullable<CallOptions['lane']>;
  signal: { signal?: AbortSignal };
}

const callOptions = (options: CallOptions | undefined): Call => ({ lane: options?.lane ?? 'sync', signal: options?.signal ? { signal: options.signal } : {} });

const atPath = (s: Subscription, ownPath: string | undefined): boolean => ownPath !== undefined && pathOf(s.subscription_url)?.endsWith(ownPath) === true;

/** The account's subscriptions, oldest first. */
async function listed(api: PipedriveApi, call: Call): Promise<Subscription[]> {
  return expectList<Subscription>(await api.request(call.lane, { path: `${PIPEDRIVE_V1}/webhooks`, ...call.signal }), 'the webhook list').sort(byId);
}

/** Deletes each subscription; one already gone (another gateway removed it first) is what was wanted, and not listed. */
async function deleteAll(api: PipedriveApi, call: Call, subscriptions: readonly Subscription[]): Promise<WebhookSubscriptionRemoval> {
  const removed: string[] = [];
  const notRemoved: UnremovedSubscription[] = [];
  for (const s of subscriptions) {
    try {
      await api.request(call.lane, { method: 'DELETE', path: `${PIPEDRIVE_V1}/webhooks/${encodeURIComponent(String(s.id))}`, noData: true, ...call.signal });
      removed.push(String(s.id));
    } catch (err) {
      if (err instanceof ConnectorError && err.code === 'CRM_NOT_FOUND') continue;
      notRemoved.push({ id: String(s.id), url: s.subscription_url ?? null, reason: err instanceof Error ? err.message : String(err) });
    }
  }
  return { removed, notRemoved };
}
