/**
 * The Dynamics 365 connector: the `Connector` contract over the Dataverse Web API v9.2 with plain fetch, and auth
 * (Entra ID client credentials), the client id's rate budget, timeouts and retries from the shared runtime.
 * See README.md.
 */
import type {
  CallOptions, ChangeBatch, ChangeCursor, ChangeOptions, Connector, ConnectorLimits, CreateItem, FetchOptions, NativeRecord,
  ObjectDescription, PageOptions, RateLimitState, UpdateItem, UpsertItem, UpsertOptions, WriteOptions, WriteResult,
} from '../contract/index.ts';
import { createConnectorRuntime } from '../runtime/index.ts';
import type { ConnectorCommonOptions, ConnectorRuntime } from '../runtime/index.ts';
import { dynamicsTokenProvider } from './auth.ts';
import type { DynamicsAuth } from './auth.ts';
import { changeCursorAt, latestChangeAt, readChanges } from './changes.ts';
import type { ChangeFeedReset } from './changes.ts';
import { DATAVERSE_REQUEST_LIMIT, DATAVERSE_WINDOW_MS, DEFAULT_DYNAMICS_AUTHORITY_URL, DYNAMICS, DynamicsApi, dataverseRateLimitParser } from './client.ts';
import { DynamicsCatalog } from './describe.ts';
import { classifyDynamicsError } from './errors.ts';
import { MAX_IDS, MAX_PAGE, fetchByIds, pageRecords } from './reads.ts';
import { createDynamicsWebhookHandler } from './webhooks.ts';
import { MAX_WRITE_ITEMS, createMany, deleteMany, updateMany, upsertMany } from './writes.ts';

export { classifyDynamicsError, DynamicsHttpError, DATAVERSE_CODES } from './errors.ts';
export { DYNAMICS, DEFAULT_DYNAMICS_AUTHORITY_URL, DATAVERSE_API_VERSION, dataverseRateLimitParser } from './client.ts';
export { DYNAMICS_OBJECTS, toFieldType } from './describe.ts';
export { toNativeRecord, toDataverseBody } from './records.ts';
export { DEFAULT_OVERLAP_MS } from './changes.ts';
export type { ChangeFeedReset } from './changes.ts';
export { dynamicsConnectionForm } from './connection-form.ts';
export type { DynamicsAuth } from './auth.ts';
export {
  createDynamicsWebhookHandler, parseRemoteExecutionContext, dynamicsSubscriptionsPage, keyFingerprint, serviceEndpointDescription, serviceEndpointName,
  WEBHOOK_KEY_HEADER, WEBHOOK_MESSAGES, WEBHOOK_TABLES,
} from './webhooks.ts';

export interface DynamicsConnectorOptions extends ConnectorCommonOptions {
  /** The org URL, `https://{org}.crm.dynamics.com` (the sandbox URL in tests and the demo). */
  baseUrl: string;
  /** Where tokens are requested: `{authorityUrl}/{tenantId}/oauth2/v2.0/token`. Default https://login.microsoftonline.com. */
  authorityUrl?: string;
  auth: DynamicsAuth;
  /** Connectors of one org and client id share one budget (Dataverse counts per user). Default: org host + client id. */
  accountId?: string;
  /**
   * Starting limits of the client id's budget. Dataverse has no daily quota: its service protection counts 6000
   * requests per 5 minutes per user, which the budget keeps as its period (`daily` with `periodMs` 300 s);
   * `x-ms-ratelimit-burst-remaining-xrm-requests` then says how much of it is left.
   */
  budget?: { concurrency?: number; daily?: { limit: number; periodMs?: number } };
  /** Per-call timeout (default 30 s); also bounds the token request. */
  timeoutMs?: number;
  /** How long table metadata is held for record mapping (lookups, option labels). Default 5 min. */
  metadataTtlMs?: number;
  /** The change feed had to read a table again (its delta token expired); default: a warning on the console. */
  onChangeFeedReset?: (reset: ChangeFeedReset) => void;
  /**
   * Enables `webhooks` (a Dataverse service endpoint with HttpHeader auth and its steps): the key every delivery must
   * carry in `x-customer-graph-key`. A secret: registered for redaction, never in errors or logs.
   */
  webhookKey?: string;
}

export interface DynamicsConnector extends Connector {
  /** The runtime bundle (token provider, budget), for health pages and tests. */
  readonly runtime: ConnectorRuntime;
}

/** 100 ids per `In` filter, 100 writes per `$batch` request, pages of up to 5000 rows. */
export const DYNAMICS_LIMITS: ConnectorLimits = {
  fetchByIds: MAX_IDS, create: MAX_WRITE_ITEMS, update: MAX_WRITE_ITEMS, upsert: MAX_WRITE_ITEMS, delete: MAX_WRITE_ITEMS, maxPageSize: MAX_PAGE,
};

export function createDynamicsConnector(options: DynamicsConnectorOptions): DynamicsConnector {
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const limit = options.budget?.daily?.limit ?? DATAVERSE_REQUEST_LIMIT;
  // The token provider reports a 429 of the token endpoint to the budget, which exists once the runtime does.
  const late: { rt?: ConnectorRuntime } = {};
  const auth = dynamicsTokenProvider({
    connectorId: options.connectorId,
    baseUrl,
    authorityUrl: options.authorityUrl ?? DEFAULT_DYNAMICS_AUTHORITY_URL,
    auth: options.auth,
    ...(options.tokenStore ? { tokenStore: options.tokenStore } : {}),
    ...(options.onNeedsReauthorisation ? { onNeedsReauthorisation: options.onNeedsReauthorisation } : {}),
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
    onRateLimited: (ms) => late.rt?.budget.blockFor(ms),
    blockedUntil: () => late.rt?.budget.state().blockedUntil ?? null,
  });
  const runtime = createConnectorRuntime({
    crm: DYNAMICS,
    accountId: options.accountId ?? `${new URL(baseUrl).host}/${options.auth.clientId}`,
    auth,
    budget: {
      concurrency: options.budget?.concurrency ?? 8,
      // A fixed 5-minute window of Dataverse's 6000 requests, refined by the remaining count it reports.
      daily: { limit, periodMs: options.budget?.daily?.periodMs ?? DATAVERSE_WINDOW_MS },
      headerParsers: [dataverseRateLimitParser(limit)],
    },
    classifyError: classifyDynamicsError,
    ...(options.registry ? { registry: options.registry } : {}),
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
    ...(options.retry ? { retry: options.retry } : {}),
    ...(options.onRetry ? { onRetry: options.onRetry } : {}),
  });
  late.rt = runtime;
  const api = new DynamicsApi(runtime, baseUrl);
  const catalog = new DynamicsCatalog(api, options.metadataTtlMs ?? 5 * 60_000);
  const onReset = options.onChangeFeedReset ?? ((reset: ChangeFeedReset) =>
    console.warn(`dynamics: the change-tracking token of ${reset.objectType} could not be used (${reset.reason}); reading the table again from ${reset.since ?? 'the beginning'} — deletions made meanwhile are not seen`));

  return {
    crm: DYNAMICS,
    limits: DYNAMICS_LIMITS,
    runtime,
    // Dataverse webhooks (a service endpoint and its steps, registered through the Web API) when a key is configured;
    // polling catches changes either way.
    ...(options.webhookKey ? { webhooks: createDynamicsWebhookHandler(options.webhookKey, api, options.connectorId) } : {}),
    describeObjects: (objectTypes?: string[], o?: CallOptions): Promise<ObjectDescription[]> => catalog.describe(objectTypes, o),
    listObjects: async (o?: CallOptions): Promise<string[]> => (await catalog.entities(o, true)).map((e) => e.entitySetName),
    fetchByIds: (objectType: string, ids: readonly string[], o?: FetchOptions): Promise<Map<string, NativeRecord>> => fetchByIds(api, catalog, objectType, ids, o),
    pageRecords: (objectType: string, o?: PageOptions): AsyncGenerator<NativeRecord[]> => pageRecords(api, catalog, objectType, o),
    readChanges: (objectType: string, cursor: ChangeCursor | null, o?: ChangeOptions): AsyncGenerator<ChangeBatch> => readChanges(api, catalog, objectType, cursor, o, { onReset }),
    changeCursorAt: (_objectType: string, at: Date): ChangeCursor => changeCursorAt(at),
    latestChangeAt: (objectType: string, o?: CallOptions): Promise<Date | null> => latestChangeAt(api, catalog, objectType, o),
    createMany: (objectType: string, items: readonly CreateItem[], o?: WriteOptions): Promise<WriteResult[]> => createMany(api, catalog, objectType, items, o),
    updateMany: (objectType: string, items: readonly UpdateItem[], o?: WriteOptions): Promise<WriteResult[]> => updateMany(api, catalog, objectType, items, o),
    upsertMany: (objectType: string, items: readonly UpsertItem[], o: UpsertOptions): Promise<WriteResult[]> => upsertMany(api, catalog, objectType, items, o),
    deleteMany: (objectType: string, ids: readonly string[], o?: WriteOptions): Promise<WriteResult[]> => deleteMany(api, catalog, objectType, ids, o),
    rateLimitState: (): RateLimitState => runtime.rateLimitState(),
  };
}
