/** The connector contract: types every CRM connector implements and every consumer relies on. Imports nothing of ours. */
export type { JsonValue, NativeRecord, Deletion, ChangeCursor, ChangeBatch, CreateItem, UpdateItem, UpsertItem } from './records.ts';
export { FIELD_TYPES } from './describe.ts';
export type { FieldType, PicklistValue, FieldDescription, ObjectDescription } from './describe.ts';
export { LANES } from './connector.ts';
export type {
  Lane, CallOptions, FetchOptions, PageOptions, ChangeOptions, WriteOptions, UpsertOptions, WriteResult,
  WebhookRequest, WebhookEventKind, WebhookEvent, WebhookHandler, ChangeStream, ChangeStreamHandlers, OpenChangeStream, WebhookSubscriptionReport, WebhookSubscriptionRemoval, UnremovedSubscription, RateLimitState, ConnectorLimits, Connector,
} from './connector.ts';
export { CONNECTOR_ERROR_CODES, ConnectorError, isConnectorError, asConnectorError } from './errors.ts';
export type { ErrorCodeDefinition, ConnectorErrorCode, ConnectorErrorOptions } from './errors.ts';
export { redact, redactString, registerSecret, REDACTED } from './redact.ts';
export { parseWebhookJson } from './webhook-body.ts';
export type { ConnectionForm, ConnectionAuthKind, ConnectionFormField } from './connection-form.ts';
