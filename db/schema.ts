/**
 * The one database schema, for both drivers (postgres.js and embedded PGlite). Migrations are generated from it
 * with `npm run db:generate` (drizzle-kit) into `db/migrations/` and applied on every start.
 */
import { sql } from 'drizzle-orm';
import { bigint, bigserial, boolean, doublePrecision, index, integer, jsonb, pgTable, primaryKey, serial, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';

const createdAt = () => timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow();
const updatedAt = () => timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow();

/** A configured CRM account. Credentials are only ever stored encrypted (see credential-cipher.ts). */
export const connectors = pgTable('connectors', {
  id: text('id').primaryKey(),
  crm: text('crm').notNull(),
  name: text('name').notNull(),
  baseUrl: text('base_url'),
  settings: jsonb('settings').$type<Record<string, unknown>>().notNull().default({}),
  /** `v1:<key id>:<iv>:<tag>:<ciphertext>` — AES-256-GCM, connector id bound as associated data. */
  credentialsCiphertext: text('credentials_ciphertext'),
  /** active | needs_reauthorisation | disabled | unavailable (its CRM could not be read at start; retried: cli/crm-retry.ts) */
  status: text('status').notNull().default('active'),
  statusReason: text('status_reason'),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

/**
 * A deleted connector whose links are (being) retired (sync/connector-retirement.ts): written with the deletion, in
 * the same transaction, so a retirement cut short (a crash, a deploy) is found and finished by any process
 * (sync/retirement-resumer.ts). A connector merely disabled, or stored but not run by this process, has no row here.
 * One process at a time works on a row: the one holding its lease (`lease_owner` until `lease_until`).
 */
export const connectorRetirements = pgTable('connector_retirements', {
  connectorId: text('connector_id').primaryKey(),
  crm: text('crm').notNull(),
  /** When the connector was deleted (a second deletion of a re-added connector starts it again). */
  requestedAt: timestamp('requested_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  /** Set once no active link of the connector is left; null while the retirement is due. */
  finishedAt: timestamp('finished_at', { withTimezone: true, mode: 'date' }),
  leaseOwner: text('lease_owner'),
  leaseUntil: timestamp('lease_until', { withTimezone: true, mode: 'date' }),
  /** Links retired so far, over every run. */
  linksRetired: integer('links_retired').notNull().default(0),
  updatedAt: updatedAt(),
  /** The connector's name when it was deleted (the admin API's `connectorRetirements`; migration 0015). */
  connectorName: text('connector_name'),
  /** Golden records left without a source and deleted, over every run. */
  goldenDeleted: integer('golden_deleted').notNull().default(0),
  /** Golden records whose snapshot was recomputed without the connector, over every run. */
  snapshotsChanged: integer('snapshots_changed').notNull().default(0),
  /** When a pass last committed (a lease claim or release is not progress). */
  progressAt: timestamp('progress_at', { withTimezone: true, mode: 'date' }),
  /** The last thing that went wrong (a run failed, a CRM could not be read), with its time; kept once finished. */
  lastError: text('last_error'),
  lastErrorAt: timestamp('last_error_at', { withTimezone: true, mode: 'date' }),
});

/**
 * The admin API's re-reading of every CRM record (`startResync`; cli/resync.ts, db/resync-store.ts): one row per run,
 * so every replica answers `resyncStatus` alike and a run cut short (a deploy, a crash) is resumed by the next check of
 * any process. At most one unfinished run (the partial unique index): a second start anywhere is refused.
 */
export const resyncRuns = pgTable(
  'resync_runs',
  {
    id: text('id').primaryKey(),
    /** running (until finished_at is set) | done | failed; "interrupted" is a running row whose lease expired. */
    state: text('state').notNull(),
    startedAt: timestamp('started_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    finishedAt: timestamp('finished_at', { withTimezone: true, mode: 'date' }),
    leaseOwner: text('lease_owner'),
    leaseUntil: timestamp('lease_until', { withTimezone: true, mode: 'date' }),
    /** Records read per golden type and CRM object, in reading order. */
    objects: jsonb('objects').$type<{ goldenType: string; crm: string; objectType: string; records: number }[]>().notNull().default([]),
    /** Golden types read and stored completely: a resumed run skips them. */
    doneTypes: jsonb('done_types').$type<string[]>().notNull().default([]),
    goldenCreated: integer('golden_created').notNull().default(0),
    linksCreated: integer('links_created').notNull().default(0),
    snapshotsChanged: integer('snapshots_changed').notNull().default(0),
    failedObjects: jsonb('failed_objects').$type<{ crm: string; objectType: string; code: string; message: string }[]>().notNull().default([]),
    error: text('error'),
    /** How many times a process took the run over after its holder stopped or died. */
    resumes: integer('resumes').notNull().default(0),
    /** The golden types this run reads (`startResync(goldenTypes:)`); null: every type of the configuration. */
    goldenTypes: jsonb('golden_types').$type<string[]>(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex('resync_runs_one_unfinished_uq').on(t.state).where(sql`finished_at is null`)],
);

/**
 * Leases of work one process per database does at a time (db/process-lease-store.ts; sync/leadership.ts): the
 * 'change-capture' lease names the process that polls the CRMs, keeps their change streams open and upkeeps their
 * webhook subscriptions. Times are the database's clock; a lease past `expires_at` is free for any process to take.
 */
export const processLeases = pgTable('process_leases', {
  name: text('name').primaryKey(),
  /** The holding process (host, pid and a random part: two processes on one host never share it). */
  owner: text('owner').notNull(),
  /** When this owner took the lease (kept through its renewals). */
  acquiredAt: timestamp('acquired_at', { withTimezone: true, mode: 'date' }).notNull(),
  renewedAt: timestamp('renewed_at', { withTimezone: true, mode: 'date' }).notNull(),
  expiresAt: timestamp('expires_at', { withTimezone: true, mode: 'date' }).notNull(),
});

/**
 * Which mapping configuration version the stored golden snapshots of a golden type follow (db/snapshot-basis-store.ts):
 * written when a full read of the type (start link run, `sync --backfill`, a resync) completes with no failed object,
 * with the version the read started with. Compared with the version in force, it says whether listing, search and
 * change detection still follow an older mapping (cli/stored-records.ts).
 */
export const snapshotBasis = pgTable('snapshot_basis', {
  goldenType: text('golden_type').primaryKey(),
  mappingVersion: integer('mapping_version').notNull(),
  readAt: timestamp('read_at', { withTimezone: true, mode: 'date' }),
});

/** A golden record: one Customer, Company or Deal, whatever number of CRM records it is linked to. */
export const goldenRecords = pgTable(
  'golden_records',
  {
    id: text('id').primaryKey(),
    /** Customer | Company | Deal */
    entityType: text('entity_type').notNull(),
    /** active | deleted | merged */
    status: text('status').notNull().default('active'),
    mergedInto: text('merged_into'),
    /** The last merged values, recomputed by the sync worker; used for listing, search and change detection. */
    snapshot: jsonb('snapshot').$type<Record<string, unknown>>(),
    snapshotHash: text('snapshot_hash'),
    /**
     * How many times the snapshot changed: +1 with every write that changes it (link-store.ts). Change events carry
     * it, so a subscriber can tell a newer state of a customer from one it already holds.
     */
    snapshotVersion: integer('snapshot_version').notNull().default(0),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index('golden_records_type_idx').on(t.entityType, t.status),
    // The exact-key lookups of the list filters (`customers(filter: {email})`, `{phone}`; db/golden-store.ts writes the
    // same expressions): without them each lookup scans every stored record of the type (bench/customer-lookup.ts).
    // The id comes last so that the list's `order by id limit n` reads the matches in order from the index, instead of
    // walking the primary key and filtering.
    index('golden_records_email_idx').on(t.entityType, sql`lower(trim(${t.snapshot} ->> 'email'))`, t.id).where(sql`${t.status} = 'active'`),
    index('golden_records_phone_idx').on(t.entityType, sql`lower(trim(${t.snapshot} ->> 'phone'))`, t.id).where(sql`${t.status} = 'active'`),
  ],
);

/** Which native CRM record belongs to which golden record. */
export const recordLinks = pgTable(
  'record_links',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    goldenId: text('golden_id').notNull().references(() => goldenRecords.id),
    entityType: text('entity_type').notNull(),
    connectorId: text('connector_id').notNull(),
    crm: text('crm').notNull(),
    objectType: text('object_type').notNull(),
    recordId: text('record_id').notNull(),
    /** active | deleted — a deleted link keeps its history. */
    status: text('status').notNull().default('active'),
    matchKey: text('match_key'),
    matchDetail: jsonb('match_detail').$type<Record<string, unknown>>(),
    /**
     * Per native field, a fingerprint of its value and when change capture first saw it (resolver-engine
     * field-clock.ts): makes last-write-wins field-level for CRMs that only report a record modification time.
     */
    fieldClock: jsonb('field_clock').$type<Record<string, { h: string; at: string }>>(),
    /**
     * The references the record held when sync last read it, as `relation=crm/objectType/recordId` keys
     * (resolver-engine relationReferenceKeys): the inverse lists (Company.customers) find records pointing to a golden record by them.
     */
    refs: jsonb('refs').$type<string[]>(),
    linkedAt: createdAt(),
    deletedAt: timestamp('deleted_at', { withTimezone: true, mode: 'date' }),
  },
  (t) => [
    uniqueIndex('record_links_native_uq').on(t.connectorId, t.objectType, t.recordId),
    // Golden relations look records up by CRM object and id, whatever the connector (db/relation-store.ts).
    index('record_links_record_idx').on(t.objectType, t.recordId),
    index('record_links_refs_idx').using('gin', t.refs),
    index('record_links_golden_idx').on(t.goldenId),
    index('record_links_match_key_idx').on(t.entityType, t.matchKey),
    // Change capture finds identity candidates by blocking key (`match_detail -> 'blocking' ?| keys`).
    index('record_links_blocking_idx').using('gin', sql`(${t.matchDetail} -> 'blocking')`),
  ],
);

/** Mapping and rule documents, versioned: saving never overwrites, it adds a version. */
export const configVersions = pgTable(
  'config_versions',
  {
    id: serial('id').primaryKey(),
    /** mappings | rules */
    kind: text('kind').notNull(),
    version: integer('version').notNull(),
    document: jsonb('document').$type<Record<string, unknown>>().notNull(),
    comment: text('comment'),
    createdBy: text('created_by'),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('config_versions_kind_version_uq').on(t.kind, t.version)],
);

/** Where each polling reader got to, per connector and object; written in the same transaction as the batch. */
export const syncCursors = pgTable(
  'sync_cursors',
  {
    connectorId: text('connector_id').notNull(),
    objectType: text('object_type').notNull(),
    cursor: jsonb('cursor').$type<unknown>().notNull(),
    updatedAt: updatedAt(),
  },
  (t) => [primaryKey({ columns: [t.connectorId, t.objectType] })],
);

/**
 * How the last poll of each connector object went (migration 0006), written by the poller once per object per round.
 * Apart from `sync_cursors` because a cursor only moves when changes were committed: a quiet object polled every few
 * seconds and a dead poller look alike there, and a poll that fails before its first batch never writes a cursor.
 */
export const syncPollStatus = pgTable(
  'sync_poll_status',
  {
    connectorId: text('connector_id').notNull(),
    objectType: text('object_type').notNull(),
    /** When the last poll (successful or not) ended. */
    lastAttemptAt: timestamp('last_attempt_at', { withTimezone: true, mode: 'date' }).notNull(),
    lastSuccessAt: timestamp('last_success_at', { withTimezone: true, mode: 'date' }),
    /** Records (changed or deleted) read by the last successful poll; 0: nothing had changed. */
    recordsLastRound: integer('records_last_round'),
    /** The failure of the last poll: connector error code (CRM_AUTH_FAILED…) and message; cleared by a success. */
    lastErrorCode: text('last_error_code'),
    lastErrorMessage: text('last_error_message'),
    lastErrorAt: timestamp('last_error_at', { withTimezone: true, mode: 'date' }),
    /** The CRM that failed: this object's own, or another whose records applying the changes needed. */
    lastErrorCrm: text('last_error_crm'),
    /** Failed polls since the last success (0 when the last poll succeeded). */
    consecutiveFailures: integer('consecutive_failures').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.connectorId, t.objectType] })],
);

/**
 * How often clients asked for each field of the API, per day and client (the `apollographql-client-name` header),
 * so a field can be removed knowing who still uses it (gateway/field-usage.ts counts, db/field-usage-store.ts adds).
 */
export const fieldUsage = pgTable(
  'field_usage',
  {
    /** Schema coordinate: `Customer.email`, `Query.customers`. */
    coordinate: text('coordinate').notNull(),
    /** UTC day, YYYY-MM-DD. */
    day: text('day').notNull(),
    client: text('client').notNull(),
    requests: bigint('requests', { mode: 'number' }).notNull(),
    lastSeenAt: timestamp('last_seen_at', { withTimezone: true, mode: 'date' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.coordinate, t.day, t.client] })],
);

/** Webhook events, stored before they are acknowledged; the event id de-duplicates redeliveries. */
export const webhookInbox = pgTable(
  'webhook_inbox',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    connectorId: text('connector_id').notNull(),
    eventId: text('event_id').notNull(),
    payload: jsonb('payload').$type<unknown>().notNull(),
    receivedAt: timestamp('received_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    processedAt: timestamp('processed_at', { withTimezone: true, mode: 'date' }),
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
  },
  (t) => [uniqueIndex('webhook_inbox_event_uq').on(t.connectorId, t.eventId), index('webhook_inbox_pending_idx').on(t.processedAt)],
);

/** Write-back work: committed with the golden change that caused it, claimed with FOR UPDATE SKIP LOCKED. */
export const writebackOutbox = pgTable(
  'writeback_outbox',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    connectorId: text('connector_id').notNull(),
    objectType: text('object_type').notNull(),
    recordId: text('record_id'),
    goldenId: text('golden_id'),
    operation: text('operation').notNull().default('update'),
    fields: jsonb('fields').$type<Record<string, unknown>>().notNull(),
    idempotencyKey: text('idempotency_key').notNull(),
    /** pending | in_flight | done | stale (the record changed in the CRM since the plan: not written) | dead */
    status: text('status').notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    // Set by our clock on insert, like every time a claim compares it with (outbox-store.ts claimableAt): with the
    // database's now() (microseconds, the server's clock) a row queued in the same millisecond as a claim was not due
    // yet, so a drain right after an enqueue could miss it.
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow().$defaultFn(() => new Date()),
    claimedBy: text('claimed_by'),
    claimedAt: timestamp('claimed_at', { withTimezone: true, mode: 'date' }),
    /**
     * A fresh token per claim (migration 0005): every outcome update (done, retry, stale, dead, release) and every
     * lease renewal matches it, so a worker that stalled past its lease and lost the row to another claim changes
     * nothing when it wakes up.
     */
    claimToken: text('claim_token'),
    lastError: text('last_error'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('writeback_outbox_idem_uq').on(t.idempotencyKey),
    index('writeback_outbox_claim_idx').on(t.status, t.nextAttemptAt),
    // The retention job's lookup (outbox-store.ts pruneDeliveredOutbox: status 'done' and updated_at before the
    // cut-off): only delivered rows, by completion time, so finding the few past the retention reads just those
    // instead of every row (migration 0011). Stale and dead rows are kept, so they need no entry here.
    index('writeback_outbox_prune_idx').on(t.updatedAt).where(sql`${t.status} = 'done'`),
  ],
);

/**
 * Write-back rows a CRM refused for good (validation, unknown record…): kept with the CRM's own code and message so
 * an admin can see why, fix the value and replay. The outbox row itself is marked 'dead' in the same transaction.
 */
export const writebackDeadLetters = pgTable(
  'writeback_dead_letters',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    outboxId: bigint('outbox_id', { mode: 'number' }).notNull(),
    connectorId: text('connector_id').notNull(),
    objectType: text('object_type').notNull(),
    recordId: text('record_id'),
    goldenId: text('golden_id'),
    fields: jsonb('fields').$type<Record<string, unknown>>().notNull(),
    /** The connector error code (CRM_VALIDATION, CRM_NOT_FOUND…) and the CRM's native code when it gave one. */
    code: text('code').notNull(),
    nativeCode: text('native_code'),
    reason: text('reason').notNull(),
    createdAt: createdAt(),
    replayedAt: timestamp('replayed_at', { withTimezone: true, mode: 'date' }),
  },
  (t) => [
    uniqueIndex('writeback_dead_letters_outbox_uq').on(t.outboxId),
    index('writeback_dead_letters_golden_idx').on(t.goldenId),
  ],
);

/** Everything an admin may need to reconstruct: configuration changes, merges, conflicts seen, write-back results. */
export const auditLog = pgTable(
  'audit_log',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    at: timestamp('at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    /** audit | conflict */
    kind: text('kind').notNull().default('audit'),
    actor: text('actor'),
    action: text('action').notNull(),
    entityType: text('entity_type'),
    entityId: text('entity_id'),
    detail: jsonb('detail').$type<Record<string, unknown>>(),
    archived: boolean('archived').notNull().default(false),
  },
  (t) => [index('audit_log_entity_idx').on(t.entityType, t.entityId), index('audit_log_at_idx').on(sql`${t.at} desc`)],
);

/**
 * Identity decisions, kept so later linker runs respect them. A pair of keys — `golden:<id>` or
 * `native:<connector>|<object>|<record id>` — stored in sorted order so (a, b) and (b, a) are one row; the latest
 * decision about a pair replaces the previous one (the audit log keeps the history).
 * must_link | cannot_link | review_pending | review_accepted | review_rejected
 */
export const matchDecisions = pgTable(
  'match_decisions',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    entityType: text('entity_type').notNull(),
    leftKey: text('left_key').notNull(),
    rightKey: text('right_key').notNull(),
    decision: text('decision').notNull(),
    score: doublePrecision('score'),
    reasons: jsonb('reasons').$type<unknown[]>(),
    actor: text('actor'),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('match_decisions_pair_uq').on(t.entityType, t.leftKey, t.rightKey),
    index('match_decisions_decision_idx').on(t.decision),
    // The review queue, most likely pairs first (decision-store.ts pendingReviews): pages start at their place in it.
    index('match_decisions_review_score_idx').on(t.score.desc().nullsLast(), t.id).where(sql`${t.decision} = 'review_pending'`),
  ],
);

/**
 * The durable customer change feed (db/change-log.ts): one row per `customerChanged` event, written by
 * publishCustomerChanged in the statement that NOTIFYs, so a consumer that was away replays exactly what it missed
 * (`customerChanged(after:)`, `customerChanges(after:)`). `seq` is the cursor; publishers serialise on an advisory
 * lock, so seq order is commit order. Pruned past CUSTOMER_GRAPH_CHANGE_LOG_RETENTION_HOURS, oldest first.
 */
export const customerChangeLog = pgTable(
  'customer_change_log',
  {
    seq: bigserial('seq', { mode: 'number' }).primaryKey(),
    customerId: text('customer_id').notNull(),
    /** Golden fields whose merged value changed; null: any field (ids-only event). */
    changedFields: text('changed_fields').array(),
    /** golden_records.snapshot_version after the change; null for deletions and merges. */
    snapshotVersion: integer('snapshot_version'),
    /** When the change was detected (the event's `at`). */
    at: timestamp('at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [
    // Replay of a few customers (`ids`) without reading everyone's changes.
    index('customer_change_log_customer_idx').on(t.customerId, t.seq),
    // Retention: the newest row past the cutoff (the last of equal times), one index probe.
    index('customer_change_log_at_idx').on(t.at, t.seq),
  ],
);
