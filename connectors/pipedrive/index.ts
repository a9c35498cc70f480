/**
 * The Pipedrive connector: the `Connector` contract over Pipedrive's HTTP API (v2 records, v1 field metadata and
 * recents) with plain fetch, and auth, the account's rate budget, timeouts and retries from the shared runtime.
 * See README.md.
 */
import type {
  CallOptions, ChangeBatch, ChangeCursor, ChangeOptions, Connector, ConnectorLimits, CreateItem, FetchOptions, NativeRecord,
  ObjectDescription, PageOptions, RateLimitState, UpdateItem, UpsertItem, UpsertOptions, WriteOptions, WriteResult,
} from '../contract/index.ts';
import { registerSecret } from '../contract/index.ts';
import { PIPEDRIVE_WINDOW_MS, TokenProvider, createConnectorRuntime, formTokenEndpoint, pipedriveRateLimitParser } from '../runtime/index.ts';
import type { ConnectorCommonOptions, ConnectorRuntime } from '../runtime/index.ts';
import { changeCursorAt, latestChangeAt, readChanges } from './changes.ts';
import { DEFAULT_PIPEDRIVE_BASE_URL, DEFAULT_PIPEDRIVE_OAUTH_URL, PIPEDRIVE, PipedriveApi } from './client.ts';
import { FieldCatalog, STANDARD_OBJECTS } from './describe.ts';
import { classifyPipedriveError } from './errors.ts';
import { MAX_IDS, MAX_PAGE, fetchByIds, pageRecords } from './reads.ts';
import { createPipedriveWebhookHandler } from './webhooks.ts';
import type { PipedriveWebhookAuth } from './webhooks.ts';
import { MAX_WRITE_ITEMS, createMany, deleteMany, updateMany, upsertMany } from './writes.ts';

export { classifyPipedriveError, PipedriveHttpError } from './errors.ts';
export { PIPEDRIVE_OBJECTS, STANDARD_OBJECTS, toFieldType, toFieldDescription, isCustomKey } from './describe.ts';
export { toNativeRecord, toPipedriveBody } from './records.ts';
export { DEFAULT_OVERLAP_MS } from './changes.ts';
export { PIPEDRIVE, DEFAULT_PIPEDRIVE_BASE_URL, DEFAULT_PIPEDRIVE_OAUTH_URL } from './client.ts';
export { pipedriveConnectionForm } from './connection-form.ts';
export { createPipedriveWebhookHandler } from './webhooks.ts';
export type { PipedriveWebhookAuth, PipedriveWebhookEvent } from './webhooks.ts';

export type PipedriveAuth =
  /** A user's personal API token: it never expires; a 401 means someone must supply a new one. */
  | { kind: 'api-token'; apiToken: string }
  /** An OAuth app: access tokens (1 h) refreshed at `<oauthUrl>/oauth/token` with Basic client auth. */
  | { kind: 'refresh-token'; clientId: string; clientSecret: string; refreshToken?: string };

export interface PipedriveConnectorOptions extends ConnectorCommonOptions {
  /** The company domain, `https://{company}.pipedrive.com` (a sandbox URL in tests and the demo). Default https://api.pipedrive.com. */
  baseUrl?: string;
  auth: PipedriveAuth;
  /** Where OAuth tokens are refreshed. Default https://oauth.pipedrive.com (the sandbox serves it on its own URL). */
  oauthUrl?: string;
  /** The Pipedrive company: connectors of one account (one token) share one rate budget. Default: `connectorId`. */
  accountId?: string;
  /**
   * Starting limits of the account's budget; the x-ratelimit-* headers refine the 2 s window. Pipedrive reports
   * only what is left of the day, so give `daily.limit` for an exact used count.
   */
  budget?: { concurrency?: number; window?: { max: number; intervalMs: number }; daily?: { limit: number } };
  /** Per-call timeout (default 30 s). */
  timeoutMs?: number;
  /** How long field metadata is held for record mapping (custom keys, option labels). Default 5 min. */
  metadataTtlMs?: number;
  /**
   * The HTTP Basic credentials of this connector's webhooks (Pipedrive sends them with every delivery). Without
   * them the connector takes no webhooks and polling alone catches changes.
   */
  webhookAuth?: PipedriveWebhookAuth;
}

export interface PipedriveConnector extends Connector {
  /** The runtime bundle (token provider, budget), for health pages and tests. */
  readonly runtime: ConnectorRuntime;
}

/** Pipedrive has no batch writes: 100 items per call of ours, one request each. Lists: 100 ids, 500 records. */
export const PIPEDRIVE_LIMITS: ConnectorLimits = {
  fetchByIds: MAX_IDS, create: MAX_WRITE_ITEMS, update: MAX_WRITE_ITEMS, upsert: MAX_WRITE_ITEMS, delete: MAX_WRITE_ITEMS, maxPageSize: MAX_PAGE,
};

function tokenProvider(options: PipedriveConnectorOptions): TokenProvider {
  const common = {
    connectorId: options.connectorId,
    crm: PIPEDRIVE,
    ...(options.tokenStore ? { store: options.tokenStore } : {}),
    ...(options.onNeedsReauthorisation ? { onNeedsReauthorisation: options.onNeedsReauthorisation } : {}),
  };
  const { auth } = options;
  if (auth.kind === 'api-token') return new TokenProvider({ ...common, flow: { kind: 'static', accessToken: auth.apiToken } });
  // Pipedrive authenticates the client with Basic auth, so the secret stays out of the form body.
  registerSecret(auth.clientSecret);
  const basic = Buffer.from(`${auth.clientId}:${auth.clientSecret}`).toString('base64');
  const oauthUrl = (options.oauthUrl ?? DEFAULT_PIPEDRIVE_OAUTH_URL).replace(/\/+$/, '');
  return new TokenProvider({
    ...common,
    flow: { kind: 'refresh-token', clientId: auth.clientId, ...(auth.refreshToken ? { refreshToken: auth.refreshToken } : {}) },
    tokenEndpoint: formTokenEndpoint(`${oauthUrl}/oauth/token`, { headers: { authorization: `Basic ${basic}` } }),
  });
}

export function createPipedriveConnector(options: PipedriveConnectorOptions): PipedriveConnector {
  const baseUrl = (options.baseUrl ?? DEFAULT_PIPEDRIVE_BASE_URL).replace(/\/+$/, '');
  const rt = createConnectorRuntime({
    crm: PIPEDRIVE,
    accountId: options.accountId ?? options.connectorId,
    auth: tokenProvider(options),
    budget: {
      concurrency: options.budget?.concurrency ?? 8,
      // The lowest API-token burst limit (20 per 2 s) until the account's headers say otherwise.
      window: options.budget?.window ?? { max: 20, intervalMs: PIPEDRIVE_WINDOW_MS },
      ...(options.budget?.daily ? { daily: options.budget.daily } : {}),
      headerParsers: [pipedriveRateLimitParser(options.budget?.daily?.limit)],
    },
    classifyError: classifyPipedriveError,
    ...(options.registry ? { registry: options.registry } : {}),
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
    ...(options.retry ? { retry: options.retry } : {}),
    ...(options.onRetry ? { onRetry: options.onRetry } : {}),
  });
  const api = new PipedriveApi(rt, baseUrl, options.auth.kind === 'api-token' ? 'x-api-token' : 'bearer');
  const catalog = new FieldCatalog(api, options.metadataTtlMs ?? 5 * 60_000);

  return {
    crm: PIPEDRIVE,
    limits: PIPEDRIVE_LIMITS,
    runtime: rt,
    // Webhooks when credentials for them are configured; polling (readChanges) catches what they miss.
    ...(options.webhookAuth ? { webhooks: createPipedriveWebhookHandler(options.webhookAuth, api, options.connectorId) } : {}),
    describeObjects: (objectTypes?: string[], o?: CallOptions): Promise<ObjectDescription[]> => catalog.describe(objectTypes, o),
    // Pipedrive's objects are fixed (no custom objects): the list needs no call.
    listObjects: async (): Promise<string[]> => [...STANDARD_OBJECTS],
    fetchByIds: (objectType: string, ids: readonly string[], o?: FetchOptions): Promise<Map<string, NativeRecord>> => fetchByIds(api, catalog, objectType, ids, o),
    pageRecords: (objectType: string, o?: PageOptions): AsyncGenerator<NativeRecord[]> => pageRecords(api, catalog, objectType, o),
    readChanges: (objectType: string, cursor: ChangeCursor | null, o?: ChangeOptions): AsyncGenerator<ChangeBatch> => readChanges(api, catalog, objectType, cursor, o),
    changeCursorAt: (_objectType: string, at: Date): ChangeCursor => changeCursorAt(at),
    latestChangeAt: (objectType: string, o?: CallOptions): Promise<Date | null> => latestChangeAt(api, objectType, o),
    createMany: (objectType: string, items: readonly CreateItem[], o?: WriteOptions): Promise<WriteResult[]> => createMany(api, catalog, objectType, items, o),
    updateMany: (objectType: string, items: readonly UpdateItem[], o?: WriteOptions): Promise<WriteResult[]> => updateMany(api, catalog, objectType, items, o),
    upsertMany: (objectType: string, items: readonly UpsertItem[], o: UpsertOptions): Promise<WriteResult[]> => upsertMany(api, catalog, objectType, items, o),
    deleteMany: (objectType: string, ids: readonly string[], o?: WriteOptions): Promise<WriteResult[]> => deleteMany(api, catalog, objectType, ids, o),
    rateLimitState: (): RateLimitState => rt.rateLimitState(),
  };
}
