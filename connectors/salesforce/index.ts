/**
 * The Salesforce connector: the `Connector` contract over Salesforce's REST API (v{SALESFORCE_API_VERSION}) on
 * jsforce, with auth, rate budget, timeouts and retries from the shared runtime. See README.md.
 */
import type {
  CallOptions, ChangeOptions, ChangeStream, Connector, ConnectorLimits, FetchOptions, PageOptions, RateLimitState, UpsertOptions, WriteOptions, WriteResult,
} from '../contract/connector.ts';
import type { ObjectDescription } from '../contract/describe.ts';
import type { ChangeBatch, ChangeCursor, CreateItem, NativeRecord, UpdateItem, UpsertItem } from '../contract/records.ts';
import { TokenProvider, createConnectorRuntime, formTokenEndpoint, paginate, sforceLimitInfoParser } from '../runtime/index.ts';
import type { ConnectorRuntime, RateBudgetOptions, RateBudgetRegistry, RetryInfo, RetryPolicy, TokenStore } from '../runtime/index.ts';
import type { Lane } from '../contract/connector.ts';
import { SalesforceClient, unexpectedShape } from './client.ts';
import { BulkJobTimedOut, BulkUnavailable, DEFAULT_BULK_MAX_WAIT_MS, DEFAULT_BULK_PAGE_SIZE, DEFAULT_BULK_THRESHOLD, bulkPages, bulkSelect, columnTypes } from './bulk-query.ts';
import { changeCursorAt, latestChangeAt, readChanges } from './changes.ts';
import { SalesforceChangeStream } from './change-stream.ts';
import { DEFAULT_OBJECTS, DescribeCache, defaultSelect, toObjectDescription } from './describe.ts';
import { CRM, classifySalesforceError } from './errors.ts';
import { pagesWithFreshFields, readWithFreshFields } from './fresh-fields.ts';
import type { FieldSource } from './fresh-fields.ts';
import { asQueryPage, toNativeRecord } from './records.ts';
import type { QueryPage } from './records.ts';
import { MAX_IDS_PER_QUERY, batchSizeHeader, byIdsFixedLength, byIdsQuery, chunkIdsForQuery, nextPagePath, objectName, queryPath, selectList, to18 } from './soql.ts';
import { COLLECTION_LIMIT, createMany, deleteMany, updateMany, upsertMany } from './writes.ts';

export { DEFAULT_BULK_MAX_WAIT_MS, DEFAULT_BULK_THRESHOLD } from './bulk-query.ts';
export { classifySalesforceError } from './errors.ts';
export { DEFAULT_OVERLAP_MS } from './changes.ts';
export { changeEventChannel, changeEvents } from './change-stream.ts';
export { salesforceConnectionForm } from './connection-form.ts';

export type SalesforceAuth =
  /** Server-to-server: the connected app's client-credentials flow. */
  | { kind: 'client-credentials'; clientId: string; clientSecret: string; scope?: string }
  /** A user-authorised connected app; `refreshToken` seeds the token store on first use. */
  | { kind: 'refresh-token'; clientId: string; clientSecret?: string; refreshToken?: string }
  /** A session id / access token supplied by a person; needs `instanceUrl`. */
  | { kind: 'static'; accessToken: string };

export interface SalesforceConnectorOptions {
  /** Our id of this CRM connection (the token store key). */
  connectorId: string;
  /** `https://login.salesforce.com`, `https://test.salesforce.com`, a My Domain URL, or a sandbox server. */
  loginUrl: string;
  /** API host when the token answer does not name one (static tokens); the token's `instance_url` wins otherwise. */
  instanceUrl?: string;
  auth: SalesforceAuth;
  tokenStore?: TokenStore;
  onNeedsReauthorisation?: (connectorId: string, reason: string) => void | Promise<void>;
  /** The org whose API budget this connector shares; default the instance (or login) URL. Use the org id when known. */
  accountId?: string;
  /** Limits of the org's budget, used when it is first created (Sforce-Limit-Info refines the daily one). */
  budget?: Pick<RateBudgetOptions, 'concurrency' | 'window' | 'daily' | 'defaultRetryAfterMs' | 'exhaustedProbeIntervalMs'>;
  /** Default: the process-wide registry. Tests pass their own. */
  registry?: RateBudgetRegistry;
  /** Per-attempt timeout. Default 30 s. */
  timeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  /** How long describes are reused for default field lists. Default 5 min. */
  metadataTtlMs?: number;
  onRetry?: (info: RetryInfo & { crm: string; lane: Lane }) => void;
  /**
   * Change Data Capture over the Streaming API (`changeStream`). Default true; false for orgs where CDC is not
   * enabled for the mapped objects (their subscriptions would be refused), leaving polling as the change capture.
   */
  changeStream?: boolean;
  /**
   * Full reads (`pageRecords` of a whole object) of objects holding at least this many records go through a Bulk
   * API 2.0 query job instead of `/query` pages of 2,000 (the first page's `totalSize` decides). Default 10,000; 0 = never.
   */
  bulkThreshold?: number;
  /** Records per Bulk results chunk, i.e. per page of a Bulk read. Default 10,000. */
  bulkPageSize?: number;
  /** First and longest wait between Bulk job status reads. Default 250 ms and 2 s. */
  bulkPollMs?: { min: number; max: number };
  /**
   * How long a Bulk job may take to complete before it is aborted and the read goes on by REST pages. Default 30
   * minutes; 0 = no limit.
   */
  bulkMaxWaitMs?: number;
  /**
   * The org refused a Bulk job (Bulk API not enabled), or a job did not complete within `bulkMaxWaitMs`; the read went
   * on by REST. Default: one console warning per connector.
   */
  onBulkUnavailable?: (objectType: string, reason: string) => void;
}

/** How full reads use Bulk API 2.0 (bulk-query.ts). */
export interface BulkSettings {
  threshold: number;
  pageSize: number;
  pollMinMs: number;
  pollMaxMs: number;
  maxWaitMs: number;
  onUnavailable?: (objectType: string, reason: string) => void;
}

export class SalesforceConnector implements Connector {
  readonly crm = CRM;
  readonly limits: ConnectorLimits = {
    fetchByIds: MAX_IDS_PER_QUERY, create: COLLECTION_LIMIT, update: COLLECTION_LIMIT, upsert: COLLECTION_LIMIT, delete: COLLECTION_LIMIT, maxPageSize: 2000,
  };
  /** Salesforce has no webhooks: it pushes changes as Change Data Capture events over the stream below. */
  readonly webhooks = undefined;
  /** Change Data Capture over the Streaming API (change-stream.ts); absent when switched off. */
  readonly changeStream: ChangeStream | undefined;
  private readonly describes: DescribeCache;
  private readonly bulk: BulkSettings;
  private bulkRefusalLogged = false;

  constructor(private readonly rt: ConnectorRuntime, private readonly client: SalesforceClient, metadataTtlMs: number, changeStream?: ChangeStream, bulk?: Partial<BulkSettings>) {
    this.changeStream = changeStream;
    this.bulk = { threshold: DEFAULT_BULK_THRESHOLD, pageSize: DEFAULT_BULK_PAGE_SIZE, pollMinMs: 250, pollMaxMs: 2_000, maxWaitMs: DEFAULT_BULK_MAX_WAIT_MS, ...bulk };
    this.describes = new DescribeCache(metadataTtlMs, (type) => this.describeOne(type, 'sync'));
  }

  async describeObjects(objectTypes?: string[], options: CallOptions = {}): Promise<ObjectDescription[]> {
    const lane = options.lane ?? 'interactive';
    const described = await Promise.all((objectTypes ?? [...DEFAULT_OBJECTS]).map((type) => this.describeOne(type, lane, options.signal)));
    for (const d of described) this.describes.put(d);
    return described;
  }

  /** describeGlobal (`GET /sobjects`): every sObject of the org, custom ones included. */
  async listObjects(options: CallOptions = {}): Promise<string[]> {
    const body = await this.client.call(options.lane ?? 'interactive', { method: 'GET', path: '/sobjects' }, options.signal ? { signal: options.signal } : {});
    const sobjects = (body as { sobjects?: unknown } | null)?.sobjects;
    if (!Array.isArray(sobjects)) throw unexpectedShape('describeGlobal');
    return sobjects.map((o: { name?: unknown }) => o?.name).filter((n): n is string => typeof n === 'string');
  }

  async fetchByIds(objectType: string, ids: readonly string[], options: FetchOptions = {}): Promise<Map<string, NativeRecord>> {
    const type = objectName(objectType);
    // Ids that are not id-shaped cannot exist; sending them would fail the whole query (invalid ID field).
    const wanted = new Map<string, string[]>();
    for (const id of ids) {
      const long = to18(id)?.toLowerCase();
      if (long) wanted.set(long, [...(wanted.get(long) ?? []), id]);
    }
    const out = new Map<string, NativeRecord>();
    if (wanted.size === 0) return out;
    const unique = [...wanted.values()].map((aliases) => to18(aliases[0] as string) as string);
    const lane = options.lane ?? 'interactive';
    // The whole read is retried (every chunk) when a field deleted since the held describe fails it.
    const { select, rows } = await readWithFreshFields(this.fieldSource(type, options.fields), async (fields) => {
      const select = selectList(fields, ['Id', 'SystemModstamp']);
      const chunks = chunkIdsForQuery(unique, byIdsFixedLength(type, select));
      const pages = await Promise.all(chunks.map((chunk) => this.queryAll(lane, queryPath(byIdsQuery(type, select, chunk), false), options.signal)));
      return { select, rows: pages.flat() };
    });
    for (const row of rows) {
      const record = toNativeRecord(type, row, select);
      // Keyed by the id as the caller wrote it (a DataLoader looks up its own keys), 15 or 18 characters.
      for (const alias of wanted.get(record.id.toLowerCase()) ?? []) out.set(alias, record);
    }
    return out;
  }

  async *pageRecords(objectType: string, options: PageOptions = {}): AsyncGenerator<NativeRecord[]> {
    const type = objectName(objectType);
    yield* pagesWithFreshFields(this.fieldSource(type, options.fields), (fields) => this.pages(type, fields, options));
  }

  async *readChanges(objectType: string, cursor: ChangeCursor | null, options: ChangeOptions = {}): AsyncGenerator<ChangeBatch> {
    const type = objectName(objectType);
    yield* pagesWithFreshFields(this.fieldSource(type, options.fields), (fields) => readChanges(this.client, type, fields, cursor, options));
  }

  changeCursorAt(objectType: string, at: Date): ChangeCursor {
    objectName(objectType);
    return changeCursorAt(at);
  }

  latestChangeAt(objectType: string, options?: CallOptions): Promise<Date | null> {
    return latestChangeAt(this.client, objectType, options);
  }

  createMany(objectType: string, items: readonly CreateItem[], options?: WriteOptions): Promise<WriteResult[]> {
    return createMany(this.client, objectType, items, options);
  }

  updateMany(objectType: string, items: readonly UpdateItem[], options?: WriteOptions): Promise<WriteResult[]> {
    return updateMany(this.client, objectType, items, options);
  }

  upsertMany(objectType: string, items: readonly UpsertItem[], options: UpsertOptions): Promise<WriteResult[]> {
    return upsertMany(this.client, objectType, items, options);
  }

  deleteMany(objectType: string, ids: readonly string[], options?: WriteOptions): Promise<WriteResult[]> {
    return deleteMany(this.client, objectType, ids, options);
  }

  rateLimitState(): RateLimitState {
    return this.rt.rateLimitState();
  }

  /** Why the connector needs re-authorisation (credentials refused), or null. */
  needsReauthorisation(): string | null {
    return this.rt.auth?.needsReauthorisation() ?? null;
  }

  private async describeOne(objectType: string, lane: Lane, signal?: AbortSignal): Promise<ObjectDescription> {
    const body = await this.client.call(lane, { method: 'GET', path: `/sobjects/${objectName(objectType)}/describe` }, signal ? { signal } : {});
    return toObjectDescription(body);
  }

  private async defaultFields(objectType: string): Promise<string[]> {
    return defaultSelect(await this.describes.get(objectType));
  }

  /**
   * The fields a read asks for, without well-formed names the object's describe (the one held, never fetched for
   * this) does not list: a field deleted or renamed in Salesforce — or mistyped in a mapping — would otherwise fail
   * the whole SOQL query (INVALID_FIELD), and with it every poll and backfill of the object. Left out, it reads as
   * missing, as HubSpot treats unknown properties; the mapping-problems report names it. Relationship paths and
   * malformed names are left to the query (CRM_VALIDATION). A field deleted after the held describe was taken
   * still goes in; the read that fails on it refreshes the describe and runs again (fresh-fields.ts).
   */
  private async fieldsToRead(objectType: string, fields: readonly string[] | undefined): Promise<string[]> {
    if (!fields) return this.defaultFields(objectType);
    const held = await this.describes.peek(objectType)?.catch(() => undefined);
    if (!held) return [...fields];
    const served = new Set(held.fields.map((f) => f.name.toLowerCase()));
    return fields.filter((f) => !/^[A-Za-z][A-Za-z0-9_]*$/.test(f) || served.has(f.toLowerCase()));
  }

  /** Where a read gets its field list from, and how it refreshes the describe behind it (fresh-fields.ts). */
  private fieldSource(objectType: string, fields: readonly string[] | undefined): FieldSource {
    return { current: () => this.fieldsToRead(objectType, fields), refresh: () => this.describes.refresh(objectType) };
  }

  /**
   * A full read. Its first `/query` page tells the object's size (`totalSize`) at no extra call: an object of at
   * least `bulkThreshold` records is then read by a Bulk API 2.0 query job instead (bulk-query.ts), leaving that
   * REST cursor to expire; a smaller one, or an org that refuses Bulk, goes on paging from that first page.
   */
  private async *pages(type: string, fields: string[], options: PageOptions): AsyncGenerator<NativeRecord[]> {
    const includeDeleted = options.includeDeleted ?? false;
    const select = selectList(fields, includeDeleted ? ['Id', 'SystemModstamp', 'IsDeleted'] : ['Id', 'SystemModstamp']);
    const lane = options.lane ?? 'sync';
    const headers = batchSizeHeader(options.pageSize);
    const signal = options.signal ? { signal: options.signal } : {};
    const fetchPage = async (path: string): Promise<QueryPage> => asQueryPage(await this.client.call(lane, { method: 'GET', path, headers }, signal));
    const firstPath = queryPath(`SELECT ${select.join(', ')} FROM ${type}`, includeDeleted);
    let first = await fetchPage(firstPath);
    if (this.worthBulk(first)) {
      const description = await this.describes.get(type);
      const bulkFields = bulkSelect(select, description);
      const types = await columnTypes(bulkFields, description, (parent) => this.describes.get(parent));
      try {
        yield* bulkPages(this.client, type, bulkFields, types, {
          lane, includeDeleted, pageSize: this.bulk.pageSize, pollMinMs: this.bulk.pollMinMs, pollMaxMs: this.bulk.pollMaxMs, maxWaitMs: this.bulk.maxWaitMs, ...signal,
        });
        return;
      } catch (err) {
        // Refused at the job create, or timed out before its first results chunk: no page was given yet, so this read
        // goes on by REST. After a long wait the first page's cursor may have expired (Salesforce keeps an idle one
        // about 15 minutes): the read starts over from a new first page.
        if (err instanceof BulkJobTimedOut) {
          this.bulkFellBack(type, `${err.message}; the read goes on by REST query pages (CUSTOMER_GRAPH_SALESFORCE_BULK_MAX_WAIT_MS sets the wait)`);
          first = await fetchPage(firstPath);
        } else if (err instanceof BulkUnavailable) {
          this.bulkFellBack(type, `the org refused a Bulk API 2.0 query job (${err.reason.message}); full reads use REST query pages`);
        } else {
          throw err;
        }
      }
    }
    const toRecords = (page: QueryPage) => page.records.map((row) => toNativeRecord(type, row, select));
    const firstRecords = toRecords(first);
    if (firstRecords.length > 0) yield firstRecords;
    if (first.done) return;
    yield* paginate<NativeRecord, string>(nextPagePath(first.nextRecordsUrl as string), async (path) => {
      const page = await fetchPage(path as string);
      return { items: toRecords(page), next: page.done ? null : nextPagePath(page.nextRecordsUrl as string) };
    });
  }

  /** Whether a full read whose first REST page is `first` should go through Bulk: more pages, and enough records. */
  private worthBulk(first: QueryPage): boolean {
    if (this.bulk.threshold <= 0 || first.done) return false;
    const total = (first as QueryPage & { totalSize?: unknown }).totalSize;
    return typeof total === 'number' && total >= this.bulk.threshold;
  }

  private bulkFellBack(type: string, reason: string): void {
    if (this.bulk.onUnavailable) return this.bulk.onUnavailable(type, reason);
    if (this.bulkRefusalLogged) return;
    this.bulkRefusalLogged = true;
    console.warn(`salesforce: ${reason}`);
  }

  /** Every row of a query (a by-ids query of ≤300 ids is one page of ≤2,000, but follow the locator anyway). */
  private async queryAll(lane: Lane, firstPath: string, signal?: AbortSignal): Promise<Record<string, unknown>[]> {
    const rows: Record<string, unknown>[] = [];
    let path: string | null = firstPath;
    while (path) {
      const page: QueryPage = asQueryPage(await this.client.call(lane, { method: 'GET', path }, signal ? { signal } : {}));
      rows.push(...page.records);
      path = page.done ? null : nextPagePath(page.nextRecordsUrl as string);
    }
    return rows;
  }
}

export function createSalesforceConnector(options: SalesforceConnectorOptions): SalesforceConnector {
  const loginUrl = options.loginUrl.replace(/\/+$/, '');
  const instanceUrl = (options.instanceUrl ?? loginUrl).replace(/\/+$/, '');
  const auth = new TokenProvider({
    connectorId: options.connectorId,
    crm: CRM,
    flow: options.auth,
    // Salesforce token answers carry `instance_url` (kept by the provider) and no `expires_in`: a token is used
    // until a 401, then refreshed once for every caller.
    ...(options.auth.kind === 'static' ? {} : { tokenEndpoint: formTokenEndpoint(`${loginUrl}/services/oauth2/token`) }),
    ...(options.tokenStore ? { store: options.tokenStore } : {}),
    ...(options.onNeedsReauthorisation ? { onNeedsReauthorisation: options.onNeedsReauthorisation } : {}),
  });
  const timeoutMs = options.timeoutMs ?? 30_000;
  const rt = createConnectorRuntime({
    crm: CRM,
    accountId: options.accountId ?? instanceUrl,
    auth,
    budget: { concurrency: 8, ...options.budget, headerParsers: [sforceLimitInfoParser] },
    ...(options.registry ? { registry: options.registry } : {}),
    timeoutMs,
    ...(options.retry ? { retry: options.retry } : {}),
    ...(options.onRetry ? { onRetry: options.onRetry } : {}),
    classifyError: classifySalesforceError,
  });
  const changeStream = options.changeStream === false ? undefined : new SalesforceChangeStream(rt, instanceUrl, { openTimeoutMs: timeoutMs });
  const bulk: Partial<BulkSettings> = {
    ...(options.bulkThreshold !== undefined ? { threshold: options.bulkThreshold } : {}),
    ...(options.bulkPageSize !== undefined ? { pageSize: options.bulkPageSize } : {}),
    ...(options.bulkPollMs ? { pollMinMs: options.bulkPollMs.min, pollMaxMs: options.bulkPollMs.max } : {}),
    ...(options.bulkMaxWaitMs !== undefined ? { maxWaitMs: options.bulkMaxWaitMs } : {}),
    ...(options.onBulkUnavailable ? { onUnavailable: options.onBulkUnavailable } : {}),
  };
  return new SalesforceConnector(rt, new SalesforceClient(rt, instanceUrl, timeoutMs), options.metadataTtlMs ?? 5 * 60_000, changeStream, bulk);
}
