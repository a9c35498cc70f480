/**
 * Zoho's Notifications API channels (`/crm/v8/actions/watch`): what a channel is, how one item of a `watch` body is
 * checked (per-item errors with `details.api_name`, like record writes), and how channels are rendered. A channel
 * lives until its `channel_expiry` (at most 7 days ahead, 1 hour when absent); an expired channel is gone: it is not
 * listed, not notified, cannot be patched, and its id may be taken again.
 */
import { isHttpUrl } from '../common/webhook-delivery.ts';
import { moduleId } from './metadata.ts';
import { isRecordModule } from './schema.ts';
import type { ModuleName } from './schema.ts';
import type { Org } from './store.ts';
import { formatTime, parseTime } from './time.ts';

export const WATCH_OPERATIONS = ['all', 'create', 'edit', 'delete'] as const;
export type WatchOperation = (typeof WATCH_OPERATIONS)[number];

export interface WatchEvent {
  module: ModuleName;
  operation: WatchOperation;
}

export interface WatchChannel {
  id: string;
  events: WatchEvent[];
  /** Epoch ms, whole seconds. */
  expiresAt: number;
  notifyUrl: string;
  token: string | null;
  notifyOnRelatedAction: boolean;
}

export const MAX_EXPIRY_MS = 7 * 24 * 3600_000;
export const DEFAULT_EXPIRY_MS = 3600_000;
/** A client that computes "7 days ahead" a moment before the call, or rounds up to the second, is not refused. */
const EXPIRY_GRACE_MS = 60_000;
const MAX_TOKEN_LENGTH = 50;

export interface ItemError {
  code: string;
  message: string;
  details: Record<string, unknown>;
}

/** The channel an item describes (all fields for a subscribe; only the given ones, over `existing`, for a patch). */
export type ItemCheck = { channel: WatchChannel } | { error: ItemError };

const fail = (code: string, message: string, name: string, i: number): { error: ItemError } =>
  ({ error: { code, message, details: { api_name: name, json_path: `$.watch[${i}].${name}` } } });
const invalid = (name: string, i: number) => fail('INVALID_DATA', 'invalid data', name, i);
const missing = (name: string, i: number) => fail('MANDATORY_NOT_FOUND', 'required field not found', name, i);

/** `channel_id` as a digit string (a JSON number is taken too), or undefined when it is not one. */
export function channelIdOf(raw: unknown): string | undefined {
  const id = typeof raw === 'number' && Number.isSafeInteger(raw) && raw >= 0 ? String(raw) : raw;
  return typeof id === 'string' && /^\d{1,20}$/.test(id) ? id : undefined;
}

function parseEvents(raw: unknown): WatchEvent[] | undefined {
  if (!Array.isArray(raw) || !raw.length) return undefined;
  const events: WatchEvent[] = [];
  for (const e of raw) {
    const m = typeof e === 'string' ? /^([A-Za-z_]+)\.([a-z]+)$/.exec(e) : null;
    if (!m || !isRecordModule(m[1]!) || !(WATCH_OPERATIONS as readonly string[]).includes(m[2]!)) return undefined;
    events.push({ module: m[1] as ModuleName, operation: m[2] as WatchOperation });
  }
  return events;
}

/**
 * One item of a POST (no `existing`) or PATCH (`existing`: the live channel it names) body. Checked in the order
 * channel_id, events, notify_url, channel_expiry, token, notify_on_related_action; the first problem is the answer.
 * The caller checks that the channel id is free (POST) or live (PATCH).
 */
export function checkItem(raw: unknown, i: number, now: number, existing?: WatchChannel): ItemCheck {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return { error: { code: 'INVALID_DATA', message: 'invalid data', details: { json_path: `$.watch[${i}]` } } };
  const item = raw as Record<string, unknown>;
  const given = (name: string) => item[name] !== undefined && item[name] !== null;
  if (!given('channel_id')) return missing('channel_id', i);
  const id = channelIdOf(item.channel_id);
  if (!id) return invalid('channel_id', i);

  let events = existing?.events;
  if (given('events') || !existing) {
    if (!given('events')) return missing('events', i);
    events = parseEvents(item.events);
    if (!events) return invalid('events', i);
  }
  let notifyUrl = existing?.notifyUrl;
  if (given('notify_url') || !existing) {
    if (!given('notify_url')) return missing('notify_url', i);
    if (!isHttpUrl(item.notify_url)) return invalid('notify_url', i);
    notifyUrl = item.notify_url;
  }
  let expiresAt = existing?.expiresAt ?? Math.floor((now + DEFAULT_EXPIRY_MS) / 1000) * 1000;
  if (given('channel_expiry')) {
    // An offset is required: a bare local time would be read in the sandbox's own zone.
    const text = item.channel_expiry;
    const at = typeof text === 'string' && /(Z|[+-]\d{2}:?\d{2})$/.test(text) ? parseTime(text) : undefined;
    if (at === undefined || at <= now || at > now + MAX_EXPIRY_MS + EXPIRY_GRACE_MS) return invalid('channel_expiry', i);
    expiresAt = at;
  }
  let token = existing?.token ?? null;
  if (given('token')) {
    if (typeof item.token !== 'string' || item.token.length > MAX_TOKEN_LENGTH) return invalid('token', i);
    token = item.token;
  }
  let related = existing?.notifyOnRelatedAction ?? false;
  if (given('notify_on_related_action')) {
    if (typeof item.notify_on_related_action !== 'boolean') return invalid('notify_on_related_action', i);
    related = item.notify_on_related_action;
  }
  return { channel: { id, events: events!, expiresAt, notifyUrl: notifyUrl!, token, notifyOnRelatedAction: related } };
}

/** Whether a channel's events cover an operation of a module (`all` covers create, edit and delete). */
export function covers(channel: WatchChannel, module: ModuleName, operation: 'create' | 'edit' | 'delete'): boolean {
  return channel.events.some((e) => e.module === module && (e.operation === 'all' || e.operation === operation));
}

/** The channel's modules, each once, in the order its events first name them. */
function modulesOf(channel: WatchChannel): ModuleName[] {
  return [...new Set(channel.events.map((e) => e.module))];
}

export function resourceUri(apiUrl: string, module: ModuleName): string {
  return `${apiUrl}/${module}`;
}

/** `details.events` of a successful subscribe or patch: one entry per module watched. */
export function renderSubscribed(org: Org, apiUrl: string, channel: WatchChannel): Record<string, unknown>[] {
  return modulesOf(channel).map((module) => ({
    channel_expiry: formatTime(channel.expiresAt, org.cfg.offset), resource_uri: resourceUri(apiUrl, module),
    resource_id: moduleId(org, module), resource_name: module, channel_id: channel.id,
  }));
}

/** A channel as `GET /actions/watch` lists it. */
export function renderChannel(org: Org, apiUrl: string, channel: WatchChannel): Record<string, unknown> {
  return {
    channel_id: channel.id,
    events: modulesOf(channel).map((module) => ({ resource_name: module, resource_uri: resourceUri(apiUrl, module), resource_id: moduleId(org, module) })),
    channel_expiry: formatTime(channel.expiresAt, org.cfg.offset),
    notify_url: channel.notifyUrl,
    token: channel.token,
    notify_on_related_action: channel.notifyOnRelatedAction,
  };
}
