/**
 * Reading native records for resolvers: one DataLoader per (GraphQL request, object type), so every entity a
 * request asks for goes to the CRM in one `fetchByIds` call per `limits.fetchByIds` ids, behind a short
 * lru-cache shared across requests. Fields that cost CRM calls of their own (FieldDescription.separateRead) are
 * not part of that read: a second loader reads them for the records whose query selects them, cached apart.
 *
 * The loaders hang off the GraphQL context object through a WeakMap, created lazily: the gateway's
 * LocalGraphQLDataSource passes its own context, which we cannot extend, and the HTTP server makes a fresh one
 * per request. A request's loaders are collected with its context.
 */
import DataLoader from 'dataloader';
import { LRUCache } from 'lru-cache';
import type { Connector, NativeRecord } from '../../connectors/contract/index.ts';

export interface RecordAccessOptions {
  /** How long a record read from the CRM is served without asking again; 0 turns the cache off. Default 5 s. */
  cacheTtlMs?: number;
  /** Most records kept. Default 10,000. */
  cacheMax?: number;
}

export const DEFAULT_CACHE_TTL_MS = 5_000;
export const DEFAULT_CACHE_MAX = 10_000;

/** The per-request view: loaders plus the errors already reported in this request. */
export class RequestRecords {
  private readonly loaders = new Map<string, DataLoader<string, NativeRecord | null>>();
  /** By object type and field. */
  private readonly separateLoaders = new Map<string, DataLoader<string, unknown>>();
  /** One failed CRM call fails many entities; it is reported once per request, the other entities are just null. */
  private readonly reported = new WeakSet<object>();

  constructor(private readonly access: RecordAccess) {}

  load(objectType: string, id: string): Promise<NativeRecord | null> {
    return this.loader(objectType).load(id);
  }

  /**
   * A separately read field (FieldDescription.separateRead) of a record the request holds: batched with every other
   * record of the object the request asks it for, in one connector call per `limits.fetchByIds` ids. Each field is
   * read on its own, so a query selecting one pays for that one.
   */
  loadSeparate(objectType: string, id: string, field: string): Promise<unknown> {
    const key = `${objectType}\u0000${field}`;
    let loader = this.separateLoaders.get(key);
    if (!loader) {
      loader = new DataLoader((ids) => this.access.fetchSeparate(objectType, field, ids), { maxBatchSize: this.access.maxBatch });
      this.separateLoaders.set(key, loader);
    }
    return loader.load(id);
  }

  /** Forgets a record in this request and in the shared cache (after a write). */
  forget(objectType: string, id: string): void {
    this.loaders.get(objectType)?.clear(id);
    for (const [key, loader] of this.separateLoaders) if (key.startsWith(`${objectType}\u0000`)) loader.clear(id);
    this.access.forget(objectType, id);
  }

  /** True the first time this error is seen in this request. */
  firstReport(err: unknown): boolean {
    if (typeof err !== 'object' || err === null) return true;
    if (this.reported.has(err)) return false;
    this.reported.add(err);
    return true;
  }

  private loader(objectType: string): DataLoader<string, NativeRecord | null> {
    let loader = this.loaders.get(objectType);
    if (!loader) {
      loader = new DataLoader((ids) => this.access.fetch(objectType, ids), { maxBatchSize: this.access.maxBatch });
      this.loaders.set(objectType, loader);
    }
    return loader;
  }
}

export class RecordAccess {
  private readonly cache: LRUCache<string, NativeRecord> | null;
  /** Separately read values by record and field, cached like records (same TTL), apart: a record read does not carry them. */
  private readonly separateCache: LRUCache<string, Record<string, unknown>> | null;
  private readonly requests = new WeakMap<object, RequestRecords>();
  /** Records being fetched right now: concurrent requests that miss the cache on the same id share one CRM call. */
  private readonly inFlight = new Map<string, Promise<NativeRecord | null>>();

  constructor(
    private readonly connector: Connector,
    /** Native fields to read for an object type (the current model's, so a refresh changes what is read). */
    private readonly fieldsOf: (objectType: string) => string[] | undefined,
    options: RecordAccessOptions = {},
    /** The object type's separately read fields (read by `fetchSeparate`, only when a query selects one). */
    private readonly separateFieldsOf: (objectType: string) => string[] = () => [],
  ) {
    const ttl = options.cacheTtlMs ?? DEFAULT_CACHE_TTL_MS;
    this.cache = ttl > 0 ? new LRUCache({ max: options.cacheMax ?? DEFAULT_CACHE_MAX, ttl }) : null;
    this.separateCache = ttl > 0 ? new LRUCache({ max: options.cacheMax ?? DEFAULT_CACHE_MAX, ttl }) : null;
  }

  get maxBatch(): number {
    return Math.max(1, this.connector.limits.fetchByIds);
  }

  /** The request's records; a context that is not an object (a bare `graphql()` call) gets a fresh one, unbatched. */
  forContext(context: unknown): RequestRecords {
    if (typeof context !== 'object' || context === null) return new RequestRecords(this);
    let records = this.requests.get(context);
    if (!records) {
      records = new RequestRecords(this);
      this.requests.set(context, records);
    }
    return records;
  }

  /**
   * The DataLoader batch function: cached records first, then records another request is already fetching, then
   * one connector call for the rest. With the cache off (TTL 0) every request reads the CRM, as configured.
   */
  async fetch(objectType: string, ids: readonly string[]): Promise<(NativeRecord | null)[]> {
    const found = new Map<string, NativeRecord>();
    const joined: Promise<void>[] = [];
    const missing: string[] = [];
    for (const id of ids) {
      const key = cacheKey(objectType, id);
      const hit = this.cache?.get(key);
      const pending = this.cache ? this.inFlight.get(key) : undefined;
      if (hit) found.set(id, hit);
      else if (pending) joined.push(pending.then((record) => void (record && found.set(id, record))));
      else missing.push(id);
    }
    if (missing.length > 0) {
      const fields = this.fieldsOf(objectType);
      const call = this.connector.fetchByIds(objectType, missing, { lane: 'interactive', ...(fields ? { fields } : {}) });
      if (this.cache) this.shareInFlight(objectType, missing, call);
      const fetched = await call;
      for (const [id, record] of fetched) {
        found.set(id, record);
        this.remember(record);
      }
    }
    // A failed shared fetch fails the requests that joined it too: they report the CRM's error, not a silent null.
    await Promise.all(joined);
    // Unknown ids are not cached: a record created a moment later must be found.
    return ids.map((id) => found.get(id) ?? null);
  }

  /**
   * The DataLoader batch function of a separately read field: cached values first, then one connector call asking for
   * that field alone (a connector may then skip the record read: HubSpot reads only the deals' associations).
   */
  async fetchSeparate(objectType: string, field: string, ids: readonly string[]): Promise<unknown[]> {
    const found = new Map<string, unknown>();
    const missing = ids.filter((id) => {
      const hit = this.separateCache?.get(cacheKey(objectType, id));
      if (hit && field in hit) found.set(id, hit[field]);
      return !(hit && field in hit);
    });
    if (missing.length > 0 && this.separateFieldsOf(objectType).includes(field)) {
      const fetched = await this.connector.fetchByIds(objectType, missing, { lane: 'interactive', fields: [field] });
      for (const id of missing) {
        // A value for every id (null when the CRM gave none), so an answer is never mistaken for a miss.
        const value = fetched.get(id)?.fields[field] ?? null;
        found.set(id, value);
        const key = cacheKey(objectType, id);
        const cached = this.separateCache?.get(key);
        // Another field's value cached earlier keeps its own expiry: the entry's TTL is not restarted for it.
        this.separateCache?.set(key, { ...cached, [field]: value }, { noUpdateTTL: cached !== undefined });
      }
    }
    return ids.map((id) => found.get(id) ?? null);
  }

  private shareInFlight(objectType: string, ids: string[], call: Promise<Map<string, NativeRecord>>): void {
    for (const id of ids) {
      const key = cacheKey(objectType, id);
      const shared = call.then((m) => m.get(id) ?? null);
      shared.catch(() => {}); // rejections reach the requests that join; an unjoined one is not an unhandled rejection
      this.inFlight.set(key, shared);
      const clear = () => {
        if (this.inFlight.get(key) === shared) this.inFlight.delete(key);
      };
      shared.then(clear, clear);
    }
  }

  /** Keeps a complete record (from a fetch or a list page) for the next requests. */
  remember(record: NativeRecord): void {
    this.cache?.set(cacheKey(record.objectType, record.id), record);
  }

  forget(objectType: string, id: string): void {
    this.cache?.delete(cacheKey(objectType, id));
    this.separateCache?.delete(cacheKey(objectType, id));
  }

  /** After a metadata change cached records lack the new fields. */
  clear(): void {
    this.cache?.clear();
    this.separateCache?.clear();
  }
}

function cacheKey(objectType: string, id: string): string {
  return `${objectType}\u0000${id}`;
}
