/**
 * The connector contract: everything the subgraphs, the sync worker and the write-back worker need from a CRM,
 * and nothing more. A CRM is supported once one object implements `Connector`.
 */
import type { ObjectDescription } from './describe.ts';
import type { ConnectorError } from './errors.ts';
import type { ChangeBatch, ChangeCursor, CreateItem, NativeRecord, UpdateItem, UpsertItem } from './records.ts';

/**
 * Who is calling, which decides who waits when the account's rate budget is tight: a waiting interactive
 * call is served before waiting write-back, which is served before background sync.
 */
export const LANES = ['interactive', 'writeback', 'sync'] as const;
export type Lane = (typeof LANES)[number];

/** Options every call accepts. */
export interface CallOptions {
  /** Defaults: reads by id → 'interactive', writes → 'writeback', paging and change feeds → 'sync'. */
  lane?: Lane;
  /** Aborts waiting for budget and the call in flight. */
  signal?: AbortSignal;
}

export interface FetchOptions extends CallOptions {
  /** Native field names to read; all readable fields when absent. */
  fields?: string[];
}

export interface PageOptions extends CallOptions {
  fields?: string[];
  /** Records per page; the connector clamps it to what the CRM allows (`limits.maxPageSize`). */
  pageSize?: number;
  /** Include records in the recycle bin / archive (flagged `deleted: true`). */
  includeDeleted?: boolean;
}

export interface ChangeOptions extends CallOptions {
  fields?: string[];
  pageSize?: number;
  /**
   * How far before the cursor to re-read (default chosen by the connector). CRMs commit timestamps late and
   * clocks drift, so a small overlap trades a few duplicate records for never missing one.
   */
  overlapMs?: number;
}

export interface WriteOptions extends CallOptions {
  /** When true the CRM rolls the whole batch back if one item fails (Salesforce allOrNone). Default false. */
  allOrNone?: boolean;
}

export interface UpsertOptions extends WriteOptions {
  /** The unique / external-id field matched on ('Email', 'Ext_Id__c', 'email'). */
  externalIdField: string;
}

/** One result per input item, in input order. */
export type WriteResult = { ok: true; id: string; created?: boolean } | { ok: false; id?: string; error: ConnectorError };

export interface WebhookRequest {
  method: string;
  /** The full URL the CRM posted to, as it signed it. */
  url: string;
  /** Lower-case header names. */
  headers: Record<string, string | string[] | undefined>;
  /** The exact bytes received: signatures are computed over them, not over re-serialised JSON. */
  rawBody: string | Uint8Array;
}

export type WebhookEventKind = 'created' | 'updated' | 'deleted' | 'merged' | 'restored' | 'associationChanged';

export interface WebhookEvent {
  /** Unique per delivery attempt group, for de-duplication (delivery is at-least-once). */
  eventId: string;
  objectType: string;
  recordId: string;
  kind: WebhookEventKind;
  /** ISO-8601. */
  occurredAt: string;
  /** Fields the CRM says changed, when it says. */
  changedFields?: string[];
  /** For merges: the ids merged into `recordId`. */
  mergedIds?: string[];
  /** The CRM's own event payload, for the inbox. */
  raw: unknown;
}

export interface WebhookHandler {
  /** True when the signature is valid; false (or a thrown CRM_AUTH_FAILED) otherwise. */
  verify(req: WebhookRequest): boolean;
  parse(rawBody: string | Uint8Array): WebhookEvent[];
  /**
   * For CRMs whose webhooks are created through their API (Pipedrive): makes sure the CRM delivers this
   * connector's objects to `targetUrl`, creating only the subscriptions that are missing, then removing this
   * connector's stale ones (an old URL or credentials, duplicates); never another tool's. Absent where webhooks
   * are set up outside the API (HubSpot app settings).
   */
  ensureSubscriptions?(targetUrl: string, options?: CallOptions): Promise<WebhookSubscriptionReport>;
  /**
   * Where webhooks are created through the API: removes every subscription of this connector's own path
   * (`…/webhooks/<connector id>`, on any host), never one at another path. For a connector being deleted, whose
   * path then answers 404. Running it again removes nothing more. Throws when the subscriptions cannot be listed;
   * a subscription that cannot be deleted is reported in `notRemoved`.
   */
  removeSubscriptions?(options?: CallOptions): Promise<WebhookSubscriptionRemoval>;
  /** Where a person sees and removes this CRM's webhook subscriptions by hand ('Settings → Tools and apps → Webhooks'), for messages that ask them to. */
  readonly subscriptionsPage?: string;
}

/**
 * Where the CRM pushes changes over a channel the connector opens (Salesforce Change Data Capture over the Streaming
 * API), not to a URL of ours: nothing has to reach the gateway from outside, and changes arrive within seconds
 * instead of one polling interval. Delivery is at-least-once (a reopened stream may hand over events again), so
 * consumers de-duplicate by `eventId` as they do webhook events.
 */
export interface ChangeStream {
  /**
   * Opens the stream for these object types, from `position` (what the last delivered batch carried; null: only
   * changes from now). `onEvents` is awaited before the next batch is handed over; the position it carries is the one
   * to store once the events are stored. Resolves once subscribed; rejects with a ConnectorError when it cannot
   * subscribe (CRM_AUTH_FAILED, CRM_UNAVAILABLE, CRM_VALIDATION for a position the CRM no longer retains — the
   * caller then opens again from null and lets polling cover the gap).
   */
  open(objectTypes: string[], position: string | null, handlers: ChangeStreamHandlers, options?: CallOptions): Promise<OpenChangeStream>;
}

export interface ChangeStreamHandlers {
  /** One batch of events, oldest first, and the opaque position to store once they are stored. */
  onEvents(batch: { events: WebhookEvent[]; position: string }): Promise<void>;
  /** The stream broke after opening (auth lost, CRM gone) and is closed; the caller reopens from its stored position. */
  onError(error: ConnectorError): void;
  /**
   * The CRM said changes of `objectType` happened without naming the records (Salesforce GAP_OVERFLOW: over 100,000
   * changes in one transaction): the caller reads the object with `readChanges` from `changeCursorAt(objectType, since)`.
   * `since` already allows for the connector's overlap. Awaited before the batch whose position passes the notice is
   * handed over: store the request durably here and a crash cannot lose it. Without this handler the notice is dropped
   * (polling catches the changes).
   */
  onCatchUp?(request: { objectType: string; since: Date; reason: string }): Promise<void>;
}

export interface OpenChangeStream {
  /** Ends the subscription and any long-poll in flight; no batch is handed over once it resolves. */
  close(): Promise<void>;
}

/** A subscription of this connector's that could not be removed, and why. */
export interface UnremovedSubscription {
  id: string;
  /** Where it delivers, when the CRM said. */
  url: string | null;
  reason: string;
}

export interface WebhookSubscriptionRemoval {
  /** Subscription ids removed by this call. */
  removed: string[];
  /** Ours still at the CRM: the CRM refused or did not answer the delete. */
  notRemoved: UnremovedSubscription[];
}

export interface WebhookSubscriptionReport {
  /** Subscription ids at the CRM that already delivered to the URL. */
  existing: string[];
  /** Subscription ids created by this call. */
  created: string[];
  /** Subscription ids of this connector's removed by this call: to an old URL, with an old user, unwanted or duplicates. */
  removed: string[];
  /**
   * Stale ones of this connector's the CRM refused or failed to delete (one already gone is not listed). The wanted
   * subscriptions are in place all the same; these may deliver twice or to an old address until removed.
   */
  notRemoved: UnremovedSubscription[];
}

/** What the rate budget of the connector's account looks like now: for health pages and metrics. */
export interface RateLimitState {
  crm: string;
  accountId: string;
  /** Epoch ms until which nothing is sent (after a 429), or null. */
  blockedUntil: number | null;
  /** Daily API budget, when known (configured or learnt from headers). */
  daily: { used: number; limit: number; remaining: number } | null;
  /** Short window limit (e.g. HubSpot 190 per 10 s), when known. */
  window: { max: number; remaining: number; intervalMs: number } | null;
  concurrency: { limit: number; inFlight: number };
  /** Calls waiting for budget, per lane. */
  waiting: Record<Lane, number>;
  /** Counters since start. */
  totals: { sent: number; rateLimited: number; refusedBudget: number };
}

/** Largest batch each operation accepts in one CRM call; callers (DataLoader, outbox workers) size batches to these. */
export interface ConnectorLimits {
  fetchByIds: number;
  create: number;
  update: number;
  upsert: number;
  delete: number;
  maxPageSize: number;
}

export interface Connector {
  /** The CRM id: 'salesforce', 'hubspot'… Errors carry the same value. */
  readonly crm: string;
  readonly limits: ConnectorLimits;
  /** Present when the CRM can push changes to a URL of ours. */
  readonly webhooks?: WebhookHandler;
  /** Present when the CRM pushes changes over a stream the connector opens (Salesforce Change Data Capture). */
  readonly changeStream?: ChangeStream;

  /** Objects and fields from the CRM's metadata API; only the named objects when given. */
  describeObjects(objectTypes?: string[], options?: CallOptions): Promise<ObjectDescription[]>;

  /**
   * The names of every object the CRM has (asked of the CRM each time, custom objects included), whether or not the
   * graph serves it: what a mapping naming an object is checked against. Optional: a connector without it is not
   * checked.
   */
  listObjects?(options?: CallOptions): Promise<string[]>;

  /** Reads records by id in as few calls as the CRM allows. Ids the CRM does not know are absent from the map. */
  fetchByIds(objectType: string, ids: readonly string[], options?: FetchOptions): Promise<Map<string, NativeRecord>>;

  /** Every record of an object, page by page. */
  pageRecords(objectType: string, options?: PageOptions): AsyncGenerator<NativeRecord[]>;

  /**
   * Changes since `cursor` (null: from the beginning), deletions included, oldest first. Each batch carries the
   * cursor to store once that batch is committed; the generator ends when caught up.
   */
  readChanges(objectType: string, cursor: ChangeCursor | null, options?: ChangeOptions): AsyncGenerator<ChangeBatch>;

  /**
   * The cursor from which `readChanges` returns every change (deletions included) made at or after `at`: what a
   * full read that began at `at` stores, so the first poll after it does not read every record again. Made
   * locally, without calling the CRM. `at` is our clock; `readChanges` still re-reads its overlap before the
   * cursor, which also covers clock skew between us and the CRM up to that overlap. Records changed a little
   * before `at` may come back too (harmless: changes are applied idempotently); nothing at or after it is skipped.
   */
  changeCursorAt(objectType: string, at: Date): ChangeCursor;

  /**
   * When the object last changed by the CRM's own clock: the newest modification time of its records (null when it
   * has none). One call. A full read asks before its first page: every change made after that carries a later
   * stamp, whatever our clock says, so the cursor the read leaves behind never starts after it — the overlap alone
   * covers only skew up to `overlapMs`.
   */
  latestChangeAt(objectType: string, options?: CallOptions): Promise<Date | null>;

  createMany(objectType: string, items: readonly CreateItem[], options?: WriteOptions): Promise<WriteResult[]>;
  updateMany(objectType: string, items: readonly UpdateItem[], options?: WriteOptions): Promise<WriteResult[]>;
  upsertMany(objectType: string, items: readonly UpsertItem[], options: UpsertOptions): Promise<WriteResult[]>;
  deleteMany(objectType: string, ids: readonly string[], options?: WriteOptions): Promise<WriteResult[]>;

  /** The state of the account's shared rate budget. */
  rateLimitState(): RateLimitState;
}
