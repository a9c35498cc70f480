/**
 * The Zoho CRM connector: the `Connector` contract over Zoho CRM's REST API v8 with plain fetch, and auth (refresh
 * token at the data centre's accounts server), the account's credit budget, timeouts and retries from the shared
 * runtime. See README.md.
 */
import type {
  CallOptions, ChangeBatch, ChangeCursor, ChangeOptions, Connector, ConnectorLimits, CreateItem, FetchOptions, NativeRecord,
  ObjectDescription, PageOptions, RateLimitState, UpdateItem, UpsertItem, UpsertOptions, WriteOptions, WriteResult,
} from '../contract/index.ts';
import { createConnectorRuntime } from '../runtime/index.ts';
import type { ConnectorCommonOptions, ConnectorRuntime } from '../runtime/index.ts';
import { zohoTokenProvider } from './auth.ts';
import type { ZohoAuth } from './auth.ts';
import { changeCursorAt, latestChangeAt, readChanges } from './changes.ts';
import { ZohoApi } from './client.ts';
import { ZohoCatalog } from './describe.ts';
import { ZOHO, classifyZohoError } from './errors.ts';
import { MAX_IDS, MAX_PAGE, fetchByIds, pageRecords } from './reads.ts';
import { createZohoWebhookHandler } from './webhooks.ts';
import { MAX_WRITE_ITEMS, createMany, deleteMany, updateMany, upsertMany } from './writes.ts';

export { ZOHO, classifyZohoError, ZohoHttpError, recordError } from './errors.ts';
export { accountsUrlFor, ZOHO_DATA_CENTRES, TOKEN_LIMIT_PAUSE_MS } from './auth.ts';
export type { ZohoAuth } from './auth.ts';
export { ZOHO_API_VERSION } from './client.ts';
export { ZOHO_OBJECTS, toFieldType, toFieldDescription } from './describe.ts';
export { toNativeRecord, toZohoBody, toUtc } from './records.ts';
export { DEFAULT_OVERLAP_MS } from './changes.ts';
export { MAX_FIELDS, fieldGroups } from './reads.ts';
export { zohoConnectionForm, DEFAULT_ZOHO_API_DOMAIN } from './connection-form.ts';
export {
  createZohoWebhookHandler, parseZohoNotification, watchChannelId, ZOHO_SUBSCRIPTIONS_PAGE, WATCH_EVENTS, WATCH_LIFETIME_MS, WATCH_RENEW_BEFORE_MS,
  MAX_WATCH_TOKEN_LENGTH,
} from './webhooks.ts';

export interface ZohoConnectorOptions extends ConnectorCommonOptions {
  /** The accounts server, e.g. https://accounts.zoho.eu (the sandbox: its own URL). */
  accountsUrl: string;
  /** The API domain; when given it wins over the token answer's api_domain (tests point it at proxies). */
  apiDomain?: string;
  auth: ZohoAuth;
  /** Connectors of one Zoho org share one budget. Default: accounts server + client id. */
  accountId?: string;
  /**
   * Zoho counts API credits per 24 h (one per request here; the edition decides the limit) and caps requests in
   * flight per org, and reports neither in headers: the budget counts our own calls. Defaults: 25,000 per 24 h, 5 at once.
   */
  budget?: { concurrency?: number; daily?: { limit: number; periodMs?: number } };
  /** Per-call timeout (default 30 s); also bounds the token request (at most 15 s). */
  timeoutMs?: number;
  /**
   * Enables `webhooks` (Zoho's Notifications API): the token (at most 50 characters) every watch channel is made with
   * and every delivery must echo. A secret: registered for redaction, never in errors or logs.
   */
  webhookToken?: string;
}

export interface ZohoConnector extends Connector {
  /** The runtime bundle (token provider, budget), for health pages and tests. */
  readonly runtime: ConnectorRuntime;
}

export const ZOHO_DAILY_CREDITS = 25_000;
const DAY_MS = 86_400_000;

/** 100 ids per read, 100 records per write, pages of up to 200. */
export const ZOHO_LIMITS: ConnectorLimits = {
  fetchByIds: MAX_IDS, create: MAX_WRITE_ITEMS, update: MAX_WRITE_ITEMS, upsert: MAX_WRITE_ITEMS, delete: MAX_WRITE_ITEMS, maxPageSize: MAX_PAGE,
};

export function createZohoConnector(options: ZohoConnectorOptions): ZohoConnector {
  const accountsUrl = options.accountsUrl.replace(/\/+$/, '');
  // The token endpoint reports its pauses to the budget, which exists once the runtime does.
  const late: { rt?: ConnectorRuntime } = {};
  const auth = zohoTokenProvider({
    connectorId: options.connectorId,
    accountsUrl,
    auth: options.auth,
    ...(options.tokenStore ? { tokenStore: options.tokenStore } : {}),
    ...(options.onNeedsReauthorisation ? { onNeedsReauthorisation: options.onNeedsReauthorisation } : {}),
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
    onRateLimited: (ms) => late.rt?.budget.blockFor(ms),
    blockedUntil: () => late.rt?.budget.state().blockedUntil ?? null,
  });
  const runtime = createConnectorRuntime({
    crm: ZOHO,
    accountId: options.accountId ?? `${hostOf(accountsUrl)}/${options.auth.clientId}`,
    auth,
    budget: {
      concurrency: options.budget?.concurrency ?? 5,
      daily: { limit: options.budget?.daily?.limit ?? ZOHO_DAILY_CREDITS, periodMs: options.budget?.daily?.periodMs ?? DAY_MS },
    },
    classifyError: classifyZohoError,
    ...(options.registry ? { registry: options.registry } : {}),
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
    ...(options.retry ? { retry: options.retry } : {}),
    ...(options.onRetry ? { onRetry: options.onRetry } : {}),
  });
  late.rt = runtime;
  const api = new ZohoApi(runtime, options.apiDomain?.replace(/\/+$/, ''));
  const catalog = new ZohoCatalog(api, options.metadataTtlMs ?? 5 * 60_000);

  return {
    crm: ZOHO,
    limits: ZOHO_LIMITS,
    runtime,
    // Zoho's Notifications API when a webhook token is configured; polling catches changes either way.
    ...(options.webhookToken ? { webhooks: createZohoWebhookHandler(options.webhookToken, api, options.connectorId) } : {}),
    describeObjects: (objectTypes?: string[], o?: CallOptions): Promise<ObjectDescription[]> => catalog.describe(objectTypes, o),
    listObjects: (o?: CallOptions): Promise<string[]> => catalog.modules(o),
    fetchByIds: (objectType: string, ids: readonly string[], o?: FetchOptions): Promise<Map<string, NativeRecord>> => fetchByIds(api, catalog, objectType, ids, o),
    pageRecords: (objectType: string, o?: PageOptions): AsyncGenerator<NativeRecord[]> => pageRecords(api, catalog, objectType, o),
    readChanges: (objectType: string, cursor: ChangeCursor | null, o?: ChangeOptions): AsyncGenerator<ChangeBatch> => readChanges(api, catalog, objectType, cursor, o),
    changeCursorAt: (_objectType: string, at: Date): ChangeCursor => changeCursorAt(at),
    latestChangeAt: (objectType: string, o?: CallOptions): Promise<Date | null> => latestChangeAt(api, objectType, o),
    createMany: (objectType: string, items: readonly CreateItem[], o?: WriteOptions): Promise<WriteResult[]> => createMany(api, catalog, objectType, items, o),
    updateMany: (objectType: string, items: readonly UpdateItem[], o?: WriteOptions): Promise<WriteResult[]> => updateMany(api, catalog, objectType, items, o),
    upsertMany: (objectType: string, items: readonly UpsertItem[], o: UpsertOptions): Promise<WriteResult[]> => upsertMany(api, catalog, objectType, items, o),
    deleteMany: (objectType: string, ids: readonly string[], o?: WriteOptions): Promise<WriteResult[]> => deleteMany(api, catalog, objectType, ids, o),
    rateLimitState: (): RateLimitState => runtime.rateLimitState(),
  };
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}
