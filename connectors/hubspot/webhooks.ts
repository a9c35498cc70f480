/**
 * HubSpot app webhooks. `verify` checks the v3 signature (base64 HMAC-SHA256 keyed with the app's client secret
 * over method + URL + raw body + timestamp) and refuses timestamps older than 5 minutes, so a captured delivery
 * cannot be replayed later. `parse` turns a delivery (a JSON array of events) into contract events, keeping
 * `changeSource`/`sourceId` so the sync layer can recognise the echo of its own writes.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { ConnectorError, parseWebhookJson } from '../contract/index.ts';
import type { WebhookEvent, WebhookEventKind, WebhookHandler, WebhookRequest } from '../contract/index.ts';
import { HUBSPOT } from './client.ts';
import { canonicalObjectType } from './describe.ts';

export const MAX_WEBHOOK_AGE_MS = 300_000;

/** The contract's event plus what HubSpot says about the change itself. */
export interface HubSpotWebhookEvent extends WebhookEvent {
  propertyName?: string;
  propertyValue?: string;
  /** 'API', 'CRM_UI', 'IMPORT', 'INTEGRATION'… */
  changeSource?: string;
  /** Who wrote: `private-app`, an OAuth client id, `userId:45678`… */
  sourceId?: string;
  portalId?: string;
  attemptNumber?: number;
  /** associationChange events: the record on the other end (`recordId` is this end). */
  toObjectId?: string;
  /** `DEAL_TO_COMPANY`, `CONTACT_TO_COMPANY`… (one event per direction). */
  associationType?: string;
  associationRemoved?: boolean;
}

export interface HubSpotWebhookHandler extends WebhookHandler {
  parse(rawBody: string | Uint8Array): HubSpotWebhookEvent[];
}

/**
 * The read-only references an association event changes on the record it names. A contact's associatedcompanyid
 * is a real HubSpot property that follows the primary company; a deal's two are the connector's synthetic ones
 * (associations.ts). Other directions (a company's deals, a contact's deals) change no field we read.
 */
const ASSOCIATION_FIELDS: Record<string, string> = {
  DEAL_TO_COMPANY: 'associatedcompanyid',
  DEAL_TO_CONTACT: 'associatedcontactid',
  CONTACT_TO_COMPANY: 'associatedcompanyid',
};

const KINDS: Record<string, WebhookEventKind> = {
  creation: 'created',
  propertyChange: 'updated',
  deletion: 'deleted',
  privacyDeletion: 'deleted',
  merge: 'merged',
  restore: 'restored',
  associationChange: 'associationChanged',
};

export function signatureV3(secret: string, method: string, url: string, rawBody: string | Uint8Array, timestamp: string): string {
  const hmac = createHmac('sha256', secret);
  hmac.update(method.toUpperCase() + url);
  hmac.update(rawBody);
  hmac.update(timestamp);
  return hmac.digest('base64');
}

function header(headers: WebhookRequest['headers'], name: string): string | undefined {
  const value = headers[name] ?? headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

export function createWebhookHandler(clientSecret: string, now: () => number = Date.now): HubSpotWebhookHandler {
  return {
    verify(req) {
      const signature = header(req.headers, 'x-hubspot-signature-v3');
      const timestamp = header(req.headers, 'x-hubspot-request-timestamp');
      if (!signature || !timestamp || !/^\d+$/.test(timestamp)) return false;
      // Too old is a replay; far in the future is a forged or broken clock.
      if (Math.abs(now() - Number(timestamp)) > MAX_WEBHOOK_AGE_MS) return false;
      const expected = Buffer.from(signatureV3(clientSecret, req.method, req.url, req.rawBody, timestamp));
      const given = Buffer.from(signature);
      return given.length === expected.length && timingSafeEqual(given, expected);
    },
    parse(rawBody) {
      const payload = parseWebhookJson(HUBSPOT, rawBody);
      const events = Array.isArray(payload) ? payload : [payload];
      return events.map((raw, index) => toEvent(raw, index));
    },
  };
}

function toEvent(raw: unknown, index: number): HubSpotWebhookEvent {
  if (typeof raw !== 'object' || raw === null) throw new ConnectorError('CRM_VALIDATION', HUBSPOT, `webhook event ${index} is not an object`);
  const e = raw as Record<string, unknown>;
  const [subject, action] = String(e.subscriptionType ?? '').split('.') as [string, string | undefined];
  const kind = action ? KINDS[action] : undefined;
  // Association events name their record as fromObjectId; objectId may be absent there.
  const recordId = e.objectId ?? (kind === 'associationChanged' ? e.fromObjectId : undefined);
  if (e.eventId === undefined || recordId === undefined || recordId === null || !kind) {
    throw new ConnectorError('CRM_VALIDATION', HUBSPOT, `webhook event ${index} lacks eventId, objectId (fromObjectId) or a known subscriptionType (${String(e.subscriptionType)})`);
  }
  // `object.*` events name the type by id (0-1…); the others by a singular name (contact, company, deal).
  const objectType = canonicalObjectType(subject === 'object' ? String(e.objectTypeId ?? '') : subject);
  const occurred = Number(e.occurredAt);
  const event: HubSpotWebhookEvent = {
    eventId: String(e.eventId),
    objectType,
    recordId: String(recordId),
    kind,
    occurredAt: Number.isFinite(occurred) ? new Date(occurred).toISOString() : new Date(0).toISOString(),
    raw,
  };
  if (typeof e.propertyName === 'string') {
    event.propertyName = e.propertyName;
    event.changedFields = [e.propertyName];
  }
  if (e.propertyValue !== undefined && e.propertyValue !== null) event.propertyValue = String(e.propertyValue);
  if (typeof e.changeSource === 'string') event.changeSource = e.changeSource;
  if (e.sourceId !== undefined && e.sourceId !== null) event.sourceId = String(e.sourceId);
  if (e.portalId !== undefined) event.portalId = String(e.portalId);
  if (typeof e.attemptNumber === 'number') event.attemptNumber = e.attemptNumber;
  if (kind === 'merged' && Array.isArray(e.mergedObjectIds)) event.mergedIds = e.mergedObjectIds.map(String);
  if (kind === 'associationChanged') {
    if (e.toObjectId !== undefined && e.toObjectId !== null) event.toObjectId = String(e.toObjectId);
    if (typeof e.associationRemoved === 'boolean') event.associationRemoved = e.associationRemoved;
    if (typeof e.associationType === 'string') {
      event.associationType = e.associationType;
      const field = ASSOCIATION_FIELDS[e.associationType.toUpperCase()];
      if (field) event.changedFields = [field];
    }
  }
  return event;
}
