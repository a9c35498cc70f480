/**
 * `syncHealth`: the admin subgraph's read-only view of change capture and write-back (db/sync-health.ts), for the
 * admin UI's Sync health page. Being a root field of the admin subgraph it is token-guarded like the rest
 * (gateway/admin-access.ts). Times are ISO strings; ages are whole seconds at the moment the report was read.
 * Per connector object, `changeCapture` says both when the cursor last moved (changes read) and when the object was
 * last polled, with the last poll's error and the run of failures, so a quiet object is not mistaken for a dead one.
 * Replaying dead letters stays on the CLI (`customer-graph deadletters replay`): this field only reports.
 */
import type { Database } from '../../db/open-database.ts';
import { syncHealth } from '../../db/sync-health.ts';

export const SYNC_HEALTH_TYPE_DEFS = `
"Why the last poll of a connector object failed."
type SyncPollError {
  "The connector error code: CRM_AUTH_FAILED (credentials refused), CRM_RATE_LIMITED, CRM_BUDGET_EXHAUSTED, CRM_UNAVAILABLE, CRM_TIMEOUT, CRM_VALIDATION…"
  code: String!
  message: String!
  "When it failed (ISO time)."
  at: String!
  "The CRM that failed: usually the object's own; another one when applying the changes needed that CRM's records."
  crm: String
}

"Where change polling stands for one connector object."
type SyncCursorHealth {
  connectorId: String!
  "The CRM (salesforce, hubspot…); the connector id when the connector is not configured any more."
  crm: String!
  connectorName: String
  "Null: this connector has neither a cursor nor a poll outcome yet."
  objectType: String
  "When the cursor last moved, i.e. changes were read and committed (ISO time); null: no cursor yet, the first successful poll reads everything."
  updatedAt: String
  "Seconds since updatedAt; null when no cursor."
  ageSeconds: Int
  "When the last poll of this object ended, successful or not (ISO time); null: no poll recorded yet. Polling is alive when this is recent, even if the cursor does not move."
  lastPolledAt: String
  "Seconds since lastPolledAt."
  lastPollAgeSeconds: Int
  "When a poll of this object last succeeded (ISO time)."
  lastSuccessAt: String
  "Seconds since lastSuccessAt."
  lastSuccessAgeSeconds: Int
  "Records (changed or deleted) read by the last successful poll; 0: nothing had changed."
  recordsLastPoll: Int
  "Why the last poll failed; null when it succeeded."
  lastError: SyncPollError
  "Polls failed in a row since the last success (0: the last poll succeeded)."
  consecutiveFailures: Int!
}

"Webhook events of one connector stored but not processed yet."
type SyncInboxHealth {
  connectorId: String!
  crm: String!
  unprocessed: Int!
  oldestUnprocessedAt: String
  oldestAgeSeconds: Int
  "Unprocessed events tried at least once and failed."
  failed: Int!
  "The latest failure's reason, if any."
  lastError: String
}

"Write-back outbox of one connector object, by status."
type SyncOutboxHealth {
  connectorId: String!
  crm: String!
  objectType: String!
  "Waiting for their first attempt."
  pending: Int!
  "Failed for a passing reason; tried again at their retry time."
  retrying: Int!
  inFlight: Int!
  doneLastHour: Int!
  "Not sent because the CRM record changed since the write was planned."
  stale: Int!
  "Refused by the CRM for good (see deadLetters)."
  dead: Int!
  "The oldest waiting (pending or retrying) row's creation time."
  oldestPendingAt: String
  oldestPendingAgeSeconds: Int
}

"A write the CRM refused for good, not replayed yet."
type SyncDeadLetter {
  id: ID!
  connectorId: String!
  crm: String!
  objectType: String!
  recordId: String
  customerId: ID
  "The connector error code (CRM_VALIDATION, CRM_NOT_FOUND…)."
  code: String!
  "The CRM's own code, when it gave one."
  nativeCode: String
  message: String!
  createdAt: String!
}

type SyncDeadLetters {
  "Dead letters not replayed yet."
  open: Int!
  "The newest open ones."
  newest: [SyncDeadLetter!]!
  "How to replay them (the CLI; the API does not replay)."
  replayHint: String!
}

"The process that runs change capture's CRM-facing loops (polling, change streams, webhook upkeep) for the database: one per database, whatever the number of gateways and workers."
type SyncChangeCaptureLeader {
  "The process's name in its lease: host, process id and a random part."
  owner: String!
  "When it took the lease over (ISO time)."
  since: String!
  "When it last renewed it (ISO time); it renews every third of the lease."
  renewedAt: String!
  "When the lease runs out unless renewed (ISO time); past it, another process takes over."
  expiresAt: String!
  "True when the lease ran out unrenewed: the process stopped or lost the database, and another one takes over at its next check."
  expired: Boolean!
}

"Change capture and write-back at a glance."
type SyncHealth {
  generatedAt: String!
  "Which process polls the CRMs and keeps their change streams open; null while none does."
  changeCaptureLeader: SyncChangeCaptureLeader
  changeCapture: [SyncCursorHealth!]!
  webhookInbox: [SyncInboxHealth!]!
  writeBack: [SyncOutboxHealth!]!
  deadLetters: SyncDeadLetters!
}
`;

export const SYNC_HEALTH_QUERY_FIELDS = `
  "Sync health: change polling per connector object, the webhook inbox, the write-back outbox and dead letters."
  syncHealth(newestDeadLetters: Int = 5): SyncHealth!`;

export function syncHealthResolver(db: Database) {
  return async (_: unknown, args: { newestDeadLetters?: number | null }) => {
    const r = await syncHealth(db, { newestDeadLetters: args.newestDeadLetters ?? 5 });
    const now = r.generatedAt.getTime();
    const iso = (d: Date | null) => (d ? d.toISOString() : null);
    const age = (d: Date | null) => (d ? Math.max(0, Math.floor((now - d.getTime()) / 1000)) : null);
    return {
      generatedAt: r.generatedAt.toISOString(),
      changeCaptureLeader: r.changeCaptureLeader && {
        owner: r.changeCaptureLeader.owner, since: r.changeCaptureLeader.acquiredAt.toISOString(), renewedAt: r.changeCaptureLeader.renewedAt.toISOString(),
        expiresAt: r.changeCaptureLeader.expiresAt.toISOString(), expired: r.changeCaptureLeader.expired,
      },
      changeCapture: r.cursors.map((c) => ({
        ...c,
        updatedAt: iso(c.updatedAt), ageSeconds: age(c.updatedAt),
        lastPolledAt: iso(c.lastAttemptAt), lastPollAgeSeconds: age(c.lastAttemptAt),
        lastSuccessAt: iso(c.lastSuccessAt), lastSuccessAgeSeconds: age(c.lastSuccessAt),
        lastError: c.lastError ? { ...c.lastError, at: c.lastError.at.toISOString() } : null,
      })),
      webhookInbox: r.inbox.map((i) => ({ ...i, oldestUnprocessedAt: iso(i.oldestUnprocessedAt), oldestAgeSeconds: age(i.oldestUnprocessedAt) })),
      writeBack: r.outbox.map((o) => ({ ...o, oldestPendingAt: iso(o.oldestPendingAt), oldestPendingAgeSeconds: age(o.oldestPendingAt) })),
      deadLetters: {
        open: r.deadLetters.open,
        newest: r.deadLetters.newest.map((d) => ({ ...d, id: String(d.id), customerId: d.goldenId, message: d.reason, createdAt: d.createdAt.toISOString() })),
        replayHint: 'customer-graph deadletters replay --id <id> (or --all), after fixing the cause',
      },
    };
  };
}
