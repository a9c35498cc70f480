/**
 * Zoho watch channels (`/crm/v8/actions/watch`) kept in place for one connector: one channel, whose id is derived
 * from the connector id, covering Contacts, Accounts and Deals and delivering to the gateway. Channels are found
 * again by that id and by this connector's path (`/webhooks/<connector id>`, on any host), never duplicated; a
 * channel at any other path belongs to another tool and is never touched.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { ConnectorError } from '../contract/index.ts';
import type { CallOptions, Lane, UnremovedSubscription, WebhookSubscriptionRemoval, WebhookSubscriptionReport } from '../contract/index.ts';
import type { ZohoApi } from './client.ts';
import { ZOHO, recordError, unusable, zohoError } from './errors.ts';

/** The modules the channel covers, every operation (create, edit, delete). */
export const WATCH_EVENTS: readonly string[] = ['Contacts.all', 'Accounts.all', 'Deals.all'];
const DAY_MS = 86_400_000;
/** Zoho accepts an expiry at most 7 days ahead; a minute less, so a clock a little ahead of Zoho's is not refused. */
export const WATCH_LIFETIME_MS = 7 * DAY_MS - 60_000;
/** A channel with less than this left is renewed (the product calls ensureSubscriptions every 6 hours). */
export const WATCH_RENEW_BEFORE_MS = DAY_MS;
/** Zoho's limit for a channel's token. */
export const MAX_WATCH_TOKEN_LENGTH = 50;

/**
 * A 13-digit channel id from the connector id: the same for every gateway running this connector, so they find one
 * channel instead of making one each. 13 digits also stay exact where Zoho answers the id as a JSON number.
 */
export function watchChannelId(connectorId: string): string {
  const n = createHash('sha256').update(`customer-graph:${connectorId}`, 'utf8').digest().readBigUInt64BE(0);
  return String(1_000_000_000_000n + (n % 9_000_000_000_000n));
}

export interface OwnChannel {
  channelId: string;
  /** `/webhooks/<connector id>` (URL-encoded). */
  ownPath: string;
  token: string;
}

interface WatchChannel {
  channel_id?: unknown;
  events?: unknown;
  channel_expiry?: unknown;
  notify_url?: unknown;
  token?: unknown;
  notify_on_related_action?: unknown;
}

interface Call {
  lane: Lane;
  signal?: AbortSignal;
}

const callOf = (options: CallOptions | undefined): Call => ({ lane: options?.lane ?? 'sync', ...(options?.signal ? { signal: options.signal } : {}) });

const idOf = (c: WatchChannel): string =>
  typeof c.channel_id === 'string' ? c.channel_id : typeof c.channel_id === 'number' ? String(c.channel_id) : '';
const urlOf = (c: WatchChannel): string | null => (typeof c.notify_url === 'string' ? c.notify_url : null);

function pathOf(url: string | null): string | undefined {
  if (!url) return undefined;
  try {
    return new URL(url).pathname.replace(/\/+$/, '');
  } catch {
    return undefined;
  }
}

const atPath = (c: WatchChannel, ownPath: string): boolean => pathOf(urlOf(c))?.endsWith(ownPath) === true;

const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();

/** The modules a listed channel covers; `Module.op` strings count only with `all`. */
function coveredModules(events: unknown): Set<string> {
  const modules = new Set<string>();
  if (!Array.isArray(events)) return modules;
  for (const e of events) {
    if (typeof e === 'string') {
      const [module, op] = e.split('.');
      if (module && op === 'all') modules.add(module);
    } else if (typeof e === 'object' && e !== null && typeof (e as { resource_name?: unknown }).resource_name === 'string') {
      modules.add((e as { resource_name: string }).resource_name);
    }
  }
  return modules;
}

/**
 * Delivers what we want where we want it for at least another day. Zoho lists a channel's token; when it does not,
 * the token cannot be compared and the channel is kept (as Pipedrive's password).
 */
function isWanted(c: WatchChannel, targetUrl: string, token: string, now: number): boolean {
  const expiry = typeof c.channel_expiry === 'string' ? Date.parse(c.channel_expiry) : Number.NaN;
  if (!(expiry - now > WATCH_RENEW_BEFORE_MS)) return false;
  if (urlOf(c) !== targetUrl || c.notify_on_related_action === true) return false;
  if (c.token !== undefined && c.token !== null && (typeof c.token !== 'string' || !timingSafeEqual(digest(c.token), digest(token)))) return false;
  const modules = coveredModules(c.events);
  const wanted = WATCH_EVENTS.map((e) => e.split('.')[0]!);
  return modules.size === wanted.length && wanted.every((m) => modules.has(m));
}

/** Zoho's own time format (ISO-8601 with an offset, no milliseconds), in UTC. */
const zohoTime = (ms: number): string => new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', '+00:00');

/** The org's live channels (Zoho lists no expired one; 204 when there are none). */
async function listChannels(api: ZohoApi, call: Call): Promise<WatchChannel[]> {
  const { body } = await api.request<{ watch?: unknown }>(call.lane, { path: 'actions/watch', ...(call.signal ? { signal: call.signal } : {}) });
  if (body === null) return [];
  if (!Array.isArray(body.watch)) throw unusable('answered the watch channel list without a watch list');
  return body.watch.filter((c): c is WatchChannel => typeof c === 'object' && c !== null);
}

/** The per-item results of a watch write or delete (HTTP 200 or a per-item 400). */
async function watchResults(api: ZohoApi, call: Call, method: 'POST' | 'PATCH' | 'DELETE', options: { json?: unknown; query?: Record<string, string> }): Promise<unknown[]> {
  const { body } = await api.request<{ watch?: unknown }>(call.lane, {
    method, path: 'actions/watch', ...options, recordResults: true, resultsKey: 'watch',
    // A channel id is ours alone: a repeated create is refused as a duplicate and then patched, never doubled.
    idempotent: true,
    ...(call.signal ? { signal: call.signal } : {}),
  });
  if (!Array.isArray(body?.watch)) throw unusable(`answered ${method} actions/watch without a watch list`);
  return body.watch;
}

const succeeded = (item: unknown): boolean => (item as { status?: unknown } | null)?.status === 'success';
const namesChannelId = (item: unknown): boolean => zohoError(item).details?.api_name === 'channel_id';

/**
 * Creates the channel (POST) or updates it (PATCH). A create refused because the id exists (an expired channel Zoho
 * does not list, or another gateway just made it) becomes an update; an update of an id Zoho no longer has, a create.
 */
async function writeChannel(api: ZohoApi, call: Call, own: OwnChannel, targetUrl: string, exists: boolean): Promise<void> {
  const json = {
    watch: [{
      channel_id: own.channelId, events: WATCH_EVENTS, channel_expiry: zohoTime(Date.now() + WATCH_LIFETIME_MS),
      token: own.token, notify_url: targetUrl, notify_on_related_action: false,
    }],
  };
  let method: 'POST' | 'PATCH' = exists ? 'PATCH' : 'POST';
  for (let attempt = 0; ; attempt++) {
    const [item] = await watchResults(api, call, method, { json });
    if (succeeded(item)) return;
    const code = zohoError(item).code;
    const switchTo = method === 'POST' && code === 'DUPLICATE_DATA' ? 'PATCH' : method === 'PATCH' && code === 'INVALID_DATA' && namesChannelId(item) ? 'POST' : undefined;
    if (!switchTo || attempt > 0) throw recordError(item);
    method = switchTo;
  }
}

/**
 * One channel (this connector's id) delivering Contacts, Accounts and Deals to `targetUrl` for at least another day;
 * and no other channel of ours. Ours: the channel id, and channels at this connector's path on any host or at
 * `targetUrl` itself. Found with the wanted url, token, events and more than a day left → `existing`; otherwise it is
 * patched (or created) with a new 7-day expiry → `created`. Channels of ours with another id are removed after, so
 * deliveries never stop while the URL changes; one Zoho refuses to delete is reported in `notRemoved`.
 */
export async function ensureWatchChannel(api: ZohoApi, own: OwnChannel, targetUrl: string, options?: CallOptions): Promise<WebhookSubscriptionReport> {
  if (own.token.length > MAX_WATCH_TOKEN_LENGTH) {
    throw new ConnectorError('CRM_VALIDATION', ZOHO, `the webhook token is longer than the ${MAX_WATCH_TOKEN_LENGTH} characters Zoho accepts for a watch channel`);
  }
  const call = callOf(options);
  const ours = (await listChannels(api, call)).filter((c) => idOf(c) === own.channelId || urlOf(c) === targetUrl || atPath(c, own.ownPath));
  const mine = ours.find((c) => idOf(c) === own.channelId);
  const report: WebhookSubscriptionReport = { existing: [], created: [], removed: [], notRemoved: [] };
  if (mine && isWanted(mine, targetUrl, own.token, Date.now())) {
    report.existing.push(own.channelId);
  } else {
    await writeChannel(api, call, own, targetUrl, mine !== undefined);
    report.created.push(own.channelId);
  }
  // The wanted channel delivers now: a stale one that cannot be deleted is reported, not thrown.
  const { removed, notRemoved } = await deleteChannels(api, call, ours.filter((c) => idOf(c) !== own.channelId));
  return { ...report, removed, notRemoved };
}

/** Every channel at this connector's path (any host); none at another path. */
export async function removeWatchChannels(api: ZohoApi, ownPath: string, options?: CallOptions): Promise<WebhookSubscriptionRemoval> {
  const call = callOf(options);
  return deleteChannels(api, call, (await listChannels(api, call)).filter((c) => atPath(c, ownPath)));
}

/** Deletes the channels in one call; one Zoho no longer has (`INVALID_DATA`: gone already) is not listed. */
async function deleteChannels(api: ZohoApi, call: Call, channels: readonly WatchChannel[]): Promise<WebhookSubscriptionRemoval> {
  const removed: string[] = [];
  const notRemoved: UnremovedSubscription[] = [];
  const ids = [...new Set(channels.map(idOf).filter((id) => id !== ''))];
  if (ids.length === 0) return { removed, notRemoved };
  const urls = new Map(channels.map((c) => [idOf(c), urlOf(c)]));
  let results: unknown[];
  try {
    results = await watchResults(api, call, 'DELETE', { query: { channel_ids: ids.join(',') } });
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    return { removed, notRemoved: ids.map((id) => ({ id, url: urls.get(id) ?? null, reason })) };
  }
  ids.forEach((id, index) => {
    // Items name their channel; by position when one does not.
    const item = results.find((r) => String(zohoError(r).details?.channel_id ?? '') === id) ?? results[index];
    if (succeeded(item)) removed.push(id);
    else if (zohoError(item).code !== 'INVALID_DATA') {
      notRemoved.push({ id, url: urls.get(id) ?? null, reason: item === undefined ? 'Zoho did not answer for it' : recordError(item).message });
    }
  });
  return { removed, notRemoved };
}
