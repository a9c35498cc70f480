/**
 * Receiving a CRM webhook delivery, independent of the HTTP framework: the signature is checked on the raw bytes
 * (401, nothing stored, when bad or outside the connector's time window), the body is parsed (400, nothing stored,
 * when malformed), and the events are stored in `webhook_inbox` BEFORE the caller answers 200 — an event that was
 * acknowledged is never lost. The inbox is unique on (connector, event id): a redelivered event is stored once.
 */
import type { Connector, WebhookEvent, WebhookRequest } from '../connectors/contract/index.ts';
import type { Tx } from '../db/link-store.ts';
import type { Database } from '../db/open-database.ts';
import { insertInboxEvents } from '../db/sync-store.ts';

export interface WebhookTarget {
  connectorId: string;
  connector: Connector;
}

export interface WebhookOutcome {
  status: 200 | 400 | 401 | 404;
  body: { received?: number; stored?: number; error?: string };
}

/** What an inbox row's payload holds: the parsed event, so the worker needs no CRM-specific parsing. */
export interface InboxPayload {
  crm: string;
  objectType: string;
  recordId: string;
  kind: string;
  occurredAt: string;
  mergedIds?: string[];
  raw: unknown;
}

export async function receiveWebhook(db: Database, target: WebhookTarget | undefined, request: WebhookRequest): Promise<WebhookOutcome> {
  const handler = target?.connector.webhooks;
  if (!target || !handler) return { status: 404, body: { error: 'no webhook endpoint for this connector' } };
  let verified: boolean;
  try {
    verified = handler.verify(request);
  } catch {
    verified = false;
  }
  if (!verified) return { status: 401, body: { error: 'invalid or expired signature' } };
  let events;
  try {
    events = handler.parse(request.rawBody);
  } catch (err) {
    return { status: 400, body: { error: `malformed webhook body: ${(err as Error).message}` } };
  }
  const stored = await db.transaction((tx) => insertInboxEventsOf(tx, target.connectorId, target.connector.crm, events));
  return { status: 200, body: { received: events.length, stored } };
}

/**
 * Stores a connector's parsed events in the inbox as the inbox worker reads them; returns how many were new. Shared
 * by webhook deliveries and change streams (change-stream.ts): one event id is stored once per connector, whichever
 * way, and how often, it arrived.
 */
export async function insertInboxEventsOf(tx: Tx, connectorId: string, crm: string, events: readonly WebhookEvent[]): Promise<number> {
  const rows = events.map((e) => ({
    eventId: e.eventId,
    payload: {
      crm, objectType: e.objectType, recordId: e.recordId, kind: e.kind, occurredAt: e.occurredAt,
      ...(e.mergedIds ? { mergedIds: e.mergedIds } : {}), raw: e.raw,
    } satisfies InboxPayload,
  }));
  // One delivery can repeat an event id (HubSpot batches); the unique index handles redeliveries across requests.
  const unique = [...new Map(rows.map((r) => [r.eventId, r])).values()];
  return insertInboxEvents(tx, connectorId, unique);
}
