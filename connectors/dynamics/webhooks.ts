/**
 * Dataverse webhooks as the contract's webhooks. Dataverse signs nothing: a service endpoint registered with
 * `authtype` HttpHeader carries headers that every delivery repeats, so the connector registers its key as
 * `x-customer-graph-key` and `verify` compares that header with the key in constant time. A delivery is the
 * RemoteExecutionContext of one message (Create, Update, Delete) on one row, serialised as JSON: `parse` turns it into
 * one event.
 *
 * Endpoints and steps are made through the Web API, like Pipedrive's webhooks and Zoho's channels:
 * `ensureSubscriptions` keeps one service endpoint per connector with its nine steps (service-endpoints.ts).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { ConnectorError, parseWebhookJson, registerSecret } from '../contract/index.ts';
import type { WebhookEvent, WebhookEventKind, WebhookHandler, WebhookRequest } from '../contract/index.ts';
import { DYNAMICS } from './client.ts';
import type { DynamicsApi } from './client.ts';
import { ensureServiceEndpoint, removeServiceEndpoints, serviceEndpointName } from './service-endpoints.ts';
import { STAGE_FIELD } from './stages.ts';

export { WEBHOOK_KEY_HEADER, WEBHOOK_TABLES, WEBHOOK_MESSAGES, serviceEndpointName, serviceEndpointDescription, keyFingerprint } from './service-endpoints.ts';

/** Dataverse's messages → the contract's kinds. */
const KINDS: Record<string, WebhookEventKind> = { Create: 'created', Update: 'updated', Delete: 'deleted' };

/** Table logical names → the connector's object types (entity set names). */
const OBJECT_TYPES: Record<string, string> = { contact: 'contacts', account: 'accounts', opportunity: 'opportunities' };

/** The opportunity columns `stage_name` is read from (stages.ts): a change of either changes it. */
const STAGE_COLUMNS = new Set(['statecode', 'salesstage']);

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** WCF's JSON date: `/Date(1733568000000)/`, an offset (`+0000`) allowed after the milliseconds. */
const WCF_DATE = /^\/Date\((-?\d+)(?:[+-]\d{4})?\)\/$/;

/** Where a person sees and removes the registrations by hand. */
export const dynamicsSubscriptionsPage = (connectorId: string): string =>
  `Plug-in Registration Tool (or Power Apps → Solutions → Default Solution → Service Endpoints): the service endpoint '${serviceEndpointName(connectorId)}' and its steps`;

const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();

function invalid(message: string): ConnectorError {
  return new ConnectorError('CRM_VALIDATION', DYNAMICS, message);
}

function header(headers: WebhookRequest['headers'], name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** `connectorId` names this connector's service endpoint (`customer-graph <connector id>`). */
export function createDynamicsWebhookHandler(webhookKey: string, api: DynamicsApi, connectorId: string): WebhookHandler {
  registerSecret(webhookKey);
  // Digests of equal length, so the comparison takes the same time whatever was sent.
  const expected = digest(webhookKey);
  const own = { connectorId, key: webhookKey };
  return {
    verify(req: WebhookRequest): boolean {
      const given = header(req.headers, 'x-customer-graph-key');
      return given !== undefined && timingSafeEqual(digest(given), expected);
    },
    parse: (rawBody) => parseRemoteExecutionContext(rawBody),
    ensureSubscriptions: (targetUrl, options) => ensureServiceEndpoint(api, own, targetUrl, options),
    removeSubscriptions: (options) => removeServiceEndpoints(api, connectorId, options),
    subscriptionsPage: dynamicsSubscriptionsPage(connectorId),
  };
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** A DataCollection (`[{ key, value }, …]`) as entries; anything else as none. */
function collection(value: unknown): [string, unknown][] {
  if (!Array.isArray(value)) return [];
  return value.filter(isObject).filter((e) => typeof e.key === 'string').map((e) => [e.key as string, e.value]);
}

/**
 * The one event of a delivery. Its id is `${OperationId}:${PrimaryEntityId}`: the async job's id, which a retry of
 * the same job repeats, so a retried delivery is stored once. A table the connector does not sync parses to no event
 * (acknowledged, not refused: Dataverse retries refused deliveries). A body that lacks what an event needs is
 * CRM_VALIDATION (400).
 */
export function parseRemoteExecutionContext(rawBody: string | Uint8Array): WebhookEvent[] {
  const body = parseWebhookJson(DYNAMICS, rawBody);
  if (!isObject(body)) throw invalid('webhook body is not a JSON object');
  const message = typeof body.MessageName === 'string' ? body.MessageName : undefined;
  const table = typeof body.PrimaryEntityName === 'string' && body.PrimaryEntityName !== '' ? body.PrimaryEntityName : undefined;
  const recordId = typeof body.PrimaryEntityId === 'string' && GUID.test(body.PrimaryEntityId) ? body.PrimaryEntityId.toLowerCase() : undefined;
  const operationId = typeof body.OperationId === 'string' && body.OperationId !== '' ? body.OperationId : undefined;
  if (!message || !table || !recordId || !operationId) {
    throw invalid('webhook body is not a RemoteExecutionContext: it lacks MessageName, PrimaryEntityName, PrimaryEntityId (a guid) or OperationId');
  }
  const kind = KINDS[message];
  if (!kind) throw invalid(`unexpected webhook message '${message.slice(0, 40)}' (steps are registered for Create, Update and Delete only)`);
  const created = typeof body.OperationCreatedOn === 'string' ? WCF_DATE.exec(body.OperationCreatedOn) : null;
  const occurred = created ? Number(created[1]) : Number.NaN;
  if (!Number.isSafeInteger(occurred)) throw invalid('webhook body lacks OperationCreatedOn (/Date(epoch milliseconds)/)');
  const target = collection(body.InputParameters).find(([key]) => key === 'Target')?.[1];
  if (!isObject(target)) throw invalid('webhook body lacks the Target input parameter');
  const objectType = OBJECT_TYPES[table];
  if (!objectType) return [];
  const event: WebhookEvent = {
    eventId: `${operationId}:${recordId}`, objectType, recordId, kind, occurredAt: new Date(occurred).toISOString(), raw: body,
  };
  if (kind === 'updated') event.changedFields = changedAttributes(table, target);
  return [event];
}

/** The Target's attribute names but the primary key: an Update's Target holds only the columns written. */
function changedAttributes(table: string, target: Record<string, unknown>): string[] {
  if (!Array.isArray(target.Attributes)) throw invalid('webhook body\'s Target has no Attributes');
  const primaryId = `${table}id`;
  const changed = collection(target.Attributes).map(([key]) => key).filter((key) => key !== primaryId);
  // The synthetic stage (stages.ts) is made of these columns: a change of any changes it.
  if (table === 'opportunity' && changed.some((k) => STAGE_COLUMNS.has(k)) && !changed.includes(STAGE_FIELD)) changed.push(STAGE_FIELD);
  return changed;
}
