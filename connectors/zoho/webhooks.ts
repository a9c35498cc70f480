/**
 * Zoho CRM Notifications ("actions/watch") as the contract's webhooks. Zoho signs nothing: a watch channel carries a
 * `token` (at most 50 characters) that Zoho echoes in the body of every delivery, so `verify` reads the body and
 * compares that token with the connector's webhook token in constant time. `parse` turns one delivery (one module,
 * one operation, several ids) into one event per id.
 *
 * Channels are made through the API, like Pipedrive's webhooks: `ensureSubscriptions` keeps exactly one channel per
 * connector (its id derived from the connector id, so every gateway of this connector finds the same one) covering
 * Contacts, Accounts and Deals, and removes this connector's stale ones (watch-channels.ts). Channels expire within
 * 7 days: the product calls `ensureSubscriptions` again every few hours and the channel is renewed when less than a
 * day is left.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { ConnectorError, parseWebhookJson, registerSecret } from '../contract/index.ts';
import type { WebhookEvent, WebhookEventKind, WebhookHandler, WebhookRequest } from '../contract/index.ts';
import type { ZohoApi } from './client.ts';
import { ZOHO } from './errors.ts';
import { ensureWatchChannel, removeWatchChannels, watchChannelId } from './watch-channels.ts';

export { WATCH_EVENTS, WATCH_LIFETIME_MS, WATCH_RENEW_BEFORE_MS, MAX_WATCH_TOKEN_LENGTH, watchChannelId } from './watch-channels.ts';

/** Zoho's operations → the contract's kinds. */
const KINDS: Record<string, WebhookEventKind> = { insert: 'created', update: 'updated', delete: 'deleted' };

/**
 * Where messages asking someone to remove a stale channel by hand point. Zoho's UI lists no watch channels, so the
 * text says so and names the way that works.
 */
export const ZOHO_SUBSCRIPTIONS_PAGE =
  'Setup → Developer Hub → APIs and SDKs; Zoho lists no watch channels in its UI: they lapse within 7 days, or are deleted through the API (DELETE /crm/v8/actions/watch)';

const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();

function invalid(message: string): ConnectorError {
  return new ConnectorError('CRM_VALIDATION', ZOHO, message);
}

const idString = (value: unknown): string | undefined =>
  typeof value === 'string' && value !== '' ? value : typeof value === 'number' && Number.isSafeInteger(value) ? String(value) : undefined;

/** The body as an object, or undefined when it is not JSON or not an object (verify must not throw). */
function bodyObject(rawBody: string | Uint8Array): Record<string, unknown> | undefined {
  try {
    const payload = parseWebhookJson(ZOHO, rawBody);
    return typeof payload === 'object' && payload !== null && !Array.isArray(payload) ? (payload as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** `connectorId` names this connector's path, `/webhooks/<connector id>`, and derives its channel id. */
export function createZohoWebhookHandler(webhookToken: string, api: ZohoApi, connectorId: string): WebhookHandler {
  registerSecret(webhookToken);
  // Digests of equal length, so the comparison takes the same time whatever was sent.
  const expected = digest(webhookToken);
  const channelId = watchChannelId(connectorId);
  const ownPath = `/webhooks/${encodeURIComponent(connectorId)}`;
  return {
    verify(req: WebhookRequest): boolean {
      const token = bodyObject(req.rawBody)?.token;
      return typeof token === 'string' && timingSafeEqual(digest(token), expected);
    },
    parse: (rawBody) => parseZohoNotification(rawBody),
    ensureSubscriptions: (targetUrl, options) => ensureWatchChannel(api, { channelId, ownPath, token: webhookToken }, targetUrl, options),
    removeSubscriptions: (options) => removeWatchChannels(api, ownPath, options),
    subscriptionsPage: ZOHO_SUBSCRIPTIONS_PAGE,
  };
}

/**
 * One event per id of a delivery. The event id is `${channel_id}:${server_time}:${operation}:${id}`: a retried
 * delivery repeats the body, so its events are stored once. What is kept as `raw` lacks the `token` (the inbox is
 * not a place for a secret). A body that passed `verify` but lacks what an event needs is CRM_VALIDATION (400).
 */
export function parseZohoNotification(rawBody: string | Uint8Array): WebhookEvent[] {
  const payload = parseWebhookJson(ZOHO, rawBody);
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) throw invalid('webhook body is not a JSON object');
  const { token: _token, ...body } = payload as Record<string, unknown>;
  const module = typeof body.module === 'string' && body.module !== '' ? body.module : undefined;
  const operation = typeof body.operation === 'string' ? body.operation : undefined;
  const channelId = idString(body.channel_id);
  if (!module || !operation || !channelId) throw invalid('webhook body lacks module, operation or channel_id');
  const kind = KINDS[operation];
  if (!kind) throw invalid(`unknown webhook operation '${operation.slice(0, 40)}'`);
  const serverTime = typeof body.server_time === 'number' ? body.server_time : typeof body.server_time === 'string' && /^\d+$/.test(body.server_time) ? Number(body.server_time) : Number.NaN;
  if (!Number.isSafeInteger(serverTime) || serverTime < 0) throw invalid('webhook body lacks server_time (epoch milliseconds)');
  if (!Array.isArray(body.ids) || body.ids.length === 0) throw invalid('webhook body lacks ids');
  const ids = body.ids.map(idString);
  if (ids.some((id) => id === undefined)) throw invalid('webhook body has an id that is not a string');
  const changed = kind === 'updated' ? affectedFields(body.affected_fields) : undefined;
  const occurredAt = new Date(serverTime).toISOString();
  return (ids as string[]).map((recordId) => {
    const event: WebhookEvent = { eventId: `${channelId}:${serverTime}:${operation}:${recordId}`, objectType: module, recordId, kind, occurredAt, raw: body };
    const fields = changed?.get(recordId);
    if (fields) event.changedFields = fields;
    return event;
  });
}

/** `[{"<id>": ["Phone", "First_Name"]}, …]` → id → field API names (the connector's native keys). */
function affectedFields(value: unknown): Map<string, string[]> {
  const byId = new Map<string, string[]>();
  if (!Array.isArray(value)) return byId;
  for (const entry of value) {
    if (typeof entry !== 'object' || entry === null) continue;
    for (const [id, fields] of Object.entries(entry as Record<string, unknown>)) {
      if (!Array.isArray(fields)) continue;
      const list = byId.get(id) ?? [];
      for (const field of fields) if (typeof field === 'string' && !list.includes(field)) list.push(field);
      byId.set(id, list);
    }
  }
  return byId;
}
