/**
 * The HubSpot connector: the `Connector` contract on @hubspot/api-client, with auth, the account's rate budget,
 * timeouts and retries from the shared runtime. See README.md.
 */
import type {
  CallOptions, ChangeBatch, ChangeCursor, ChangeOptions, Connector, ConnectorLimits, CreateItem, FetchOptions, NativeRecord,
  ObjectDescription, PageOptions, RateLimitState, UpdateItem, UpsertItem, UpsertOptions, WriteOptions, WriteResult,
} from '../contract/index.ts';
import { TokenProvider, createConnectorRuntime, formTokenEndpoint, hubspotRateLimitParser } from '../runtime/index.ts';
import type { ConnectorRuntime, RateBudgetRegistry, RetryInfo, RetryPolicy, TokenStore } from '../runtime/index.ts';
import { DEFAULT_HUBSPOT_BASE_URL, HUBSPOT, HubSpotApi } from './client.ts';
import { PropertyCatalog } from './describe.ts';
import { classifyHubSpotError } from './errors.ts';
import { changeCursorAt, latestChangeAt, readChanges } from './changes.ts';
import { MAX_BATCH, MAX_LIST_PAGE, fetchByIds, pageRecords } from './reads.ts';
import { createWebhookHandler } from './webhooks.ts';
import type { HubSpotWebhookHandler } from './webhooks.ts';
import { createMany, deleteMany, updateMany, upsertMany } from './writes.ts';
import { DEFAULT_SEARCH_PER_SECOND, searchLimiterFor } from './search-limit.ts';

export { classifyHubSpotError } from './errors.ts';
export { canonicalObjectType, modifiedPropertyOf, toFieldType, STANDARD_OBJECTS } from './describe.ts';
export { signatureV3, MAX_WEBHOOK_AGE_MS } from './webhooks.ts';
export type { HubSpotWebhookEvent, HubSpotWebhookHandler } from './webhooks.ts';
export { DEFAULT_OVERLAP_MS } from './changes.ts';
export { DEFAULT_SEARCH_PER_SECOND } from './search-limit.ts';
export { HUBSPOT, DEFAULT_HUBSPOT_BASE_URL } from './client.ts';
export { hubspotConnectionForm } from './connection-form.ts';

export type HubSpotAuth =
  /** A private-app access token (`pat-…`); it never expires, a 401 means someone must supply a new one. */
  | { kind: 'static'; accessToken: string }
  /** An OAuth app installed on the portal: access tokens (30 min) refreshed through `/oauth/v1/token`. */
  | { kind: 'refresh-token'; clientId: string; clientSecret: string; refreshToken: string };

export interface HubSpotConnectorOptions {
  /** Our id of this CRM connection: the token-store key and what `onNeedsReauthorisation` reports. */
  connectorId: string;
  /** API host; default https://api.hubapi.com (a sandbox URL in tests and the demo). */
  baseUrl?: string;
  auth: HubSpotAuth;
  /** The HubSpot portal (hub id): connectors of one portal share one rate budget. Default: `connectorId`. */
  portalId?: string;
  tokenStore?: TokenStore;
  onNeedsReauthorisation?: (connectorId: string, reason: string) => void | Promise<void>;
  /**
   * Starting limits of the portal's budget; the X-HubSpot-RateLimit-* headers refine them. `searchPerSecond`
   * spaces out search calls (HubSpot's separate search limit): default 4, 0 turns our limiter off.
   */
  budget?: { concurrency?: number; window?: { max: number; intervalMs: number }; daily?: { limit: number }; searchPerSecond?: number };
  /** Per-call timeout (default 30 s). */
  timeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  /** Secret the webhook signatures are keyed with: the app's client secret (default for OAuth auth). */
  webhookSecret?: string;
  /** How long property names are cached for "all fields" reads. Default 5 min. */
  metadataTtlMs?: number;
  /** Budgets are process-wide by default; tests pass their own registry. */
  registry?: RateBudgetRegistry;
  onRetry?: (info: RetryInfo & { crm: string }) => void;
}

export interface HubSpotConnector extends Connector {
  readonly webhooks?: HubSpotWebhookHandler;
  /** The runtime bundle (token provider, budget), for health pages and tests. */
  readonly runtime: ConnectorRuntime;
}

/** HubSpot's batch limits (100 inputs) and list page size. */
export const HUBSPOT_LIMITS: ConnectorLimits = {
  fetchByIds: MAX_BATCH, create: MAX_BATCH, update: MAX_BATCH, upsert: MAX_BATCH, delete: MAX_BATCH, maxPageSize: MAX_LIST_PAGE,
};

export function createHubSpotConnector(options: HubSpotConnectorOptions): HubSpotConnector {
  const baseUrl = (options.baseUrl ?? DEFAULT_HUBSPOT_BASE_URL).replace(/\/+$/, '');
  const auth = new TokenProvider({
    connectorId: options.connectorId,
    crm: HUBSPOT,
    flow: options.auth.kind === 'static'
      ? { kind: 'static', accessToken: options.auth.accessToken }
      : { kind: 'refresh-token', clientId: options.auth.clientId, clientSecret: options.auth.clientSecret, refreshToken: options.auth.refreshToken },
    tokenEndpoint: formTokenEndpoint(`${baseUrl}/oauth/v1/token`),
    ...(options.tokenStore ? { store: options.tokenStore } : {}),
    ...(options.onNeedsReauthorisation ? { onNeedsReauthorisation: options.onNeedsReauthorisation } : {}),
  });
  const rt = createConnectorRuntime({
    crm: HUBSPOT,
    accountId: options.portalId ?? options.connectorId,
    auth,
    budget: {
      concurrency: options.budget?.concurrency ?? 8,
      // The lowest HubSpot tier's window until the portal's headers say otherwise.
      window: options.budget?.window ?? { max: 100, intervalMs: 10_000 },
      ...(options.budget?.daily ? { daily: options.budget.daily } : {}),
      headerParsers: [hubspotRateLimitParser],
    },
    classifyError: classifyHubSpotError,
    ...(options.registry ? { registry: options.registry } : {}),
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
    ...(options.retry ? { retry: options.retry } : {}),
    ...(options.onRetry ? { onRetry: options.onRetry } : {}),
  });
  const api = new HubSpotApi(rt, baseUrl, searchLimiterFor(rt.budget, options.budget?.searchPerSecond ?? DEFAULT_SEARCH_PER_SECOND));
  const catalog = new PropertyCatalog(api, options.metadataTtlMs ?? 5 * 60_000);
  const webhookSecret = options.webhookSecret ?? (options.auth.kind === 'refresh-token' ? options.auth.clientSecret : undefined);

  return {
    crm: HUBSPOT,
    limits: HUBSPOT_LIMITS,
    runtime: rt,
    ...(webhookSecret ? { webhooks: createWebhookHandler(webhookSecret) } : {}),
    describeObjects: (objectTypes?: string[], o?: CallOptions): Promise<ObjectDescription[]> => catalog.describe(objectTypes, o),
    listObjects: (o?: CallOptions): Promise<string[]> => catalog.listObjects(o),
    fetchByIds: (objectType: string, ids: readonly string[], o?: FetchOptions): Promise<Map<string, NativeRecord>> => fetchByIds(api, catalog, objectType, ids, o),
    pageRecords: (objectType: string, o?: PageOptions): AsyncGenerator<NativeRecord[]> => pageRecords(api, catalog, objectType, o),
    readChanges: (objectType: string, cursor: ChangeCursor | null, o?: ChangeOptions): AsyncGenerator<ChangeBatch> => readChanges(api, catalog, objectType, cursor, o),
    changeCursorAt: (_objectType: string, at: Date): ChangeCursor => changeCursorAt(at),
    latestChangeAt: (objectType: string, o?: CallOptions): Promise<Date | null> => latestChangeAt(api, objectType, o),
    createMany: (objectType: string, items: readonly CreateItem[], o?: WriteOptions): Promise<WriteResult[]> => createMany(api, catalog, objectType, items, o),
    updateMany: (objectType: string, items: readonly UpdateItem[], o?: WriteOptions): Promise<WriteResult[]> => updateMany(api, catalog, objectType, items, o),
    upsertMany: (objectType: string, items: readonly UpsertItem[], o: UpsertOptions): Promise<WriteResult[]> => upsertMany(api, catalog, objectType, items, o),
    deleteMany: (objectType: string, ids: readonly string[], o?: WriteOptions): Promise<WriteResult[]> => deleteMany(api, objectType, ids, o),
    rateLimitState: (): RateLimitState => rt.rateLimitState(),
  };
}
