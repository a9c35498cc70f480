/**
 * Customer change events over Postgres LISTEN/NOTIFY: the sync worker publishes one when a merged (golden) value of
 * a customer changes, and every gateway process LISTENs, so any replica can serve the subscribers of any customer.
 *
 * The wire format is small JSON on channel `customer_changed`:
 *   `{ "seq": 42, "customerId": "cus_…", "changedFields": ["phone"], "version": 7, "at": "2025-…Z" }`
 * `seq` is the event's row in `customer_change_log` (change-log.ts): every published event is logged in the same
 * statement that NOTIFYs, so a consumer that was away replays exactly what it missed from its last cursor.
 * Postgres refuses NOTIFY payloads of 8000 bytes or more, so an event whose field list would not fit is sent
 * without `changedFields` ("ids only"); receivers treat that as "any field may have changed".
 *
 * NOTIFY is transactional: publish with the transaction that wrote the new snapshot (pass `tx`) and the event is
 * delivered (and its log row visible) only once that data is committed, never before and never for a rolled-back
 * change.
 */
import { z } from 'zod';
import type { SQL } from 'drizzle-orm';
import type { DatabaseHandle } from './open-database.ts';
import { decodeJsonPayload, listenDecoded } from './notify-channel.ts';
import { logAndNotifyStatement } from './change-log.ts';
import type { ChangeLogEntry } from './change-log.ts';

export const CUSTOMER_CHANGED_CHANNEL = 'customer_changed';

/** Postgres' limit is 8000 bytes; keep a margin for multi-byte surprises. */
export const MAX_CHANGE_PAYLOAD_BYTES = 7900;

export interface CustomerChangedEvent {
  /** The event's sequence in customer_change_log (its cursor); absent from a publisher that predates the log. */
  seq?: number | undefined;
  customerId: string;
  /** Golden field names whose merged value changed; `undefined` means unknown or too many to send: any field. */
  changedFields?: string[] | undefined;
  /** golden_records.snapshot_version after the change (lets receivers drop stale events); absent for deletions and merges. */
  version?: number | undefined;
  /** When the change was detected (ISO 8601). */
  at: string;
}

export interface CustomerChangedInput {
  customerId: string;
  changedFields?: readonly string[] | undefined;
  version?: number | undefined;
  /** Default: now. */
  at?: Date | string | undefined;
}

/**
 * Where to publish: the database handle (outside a transaction: the log rows and NOTIFYs are one statement, so
 * still atomic) or a drizzle database / transaction (delivered and visible when it commits).
 */
export type ChangeEventTarget = Pick<DatabaseHandle, 'db'> | { execute(query: SQL): PromiseLike<unknown> };

const eventSchema = z.object({
  seq: z.number().int().positive().optional(),
  customerId: z.string().min(1).max(200),
  changedFields: z.array(z.string().min(1).max(200)).optional(),
  version: z.number().int().optional(),
  at: z.string().min(1).max(64),
});

/** The NOTIFY payload of an event without its `seq`: the full form when it fits, the ids-only form otherwise. */
export function encodeCustomerChanged(input: CustomerChangedInput): string {
  return encodeForLog(input).payload;
}

function encodeForLog(input: CustomerChangedInput): { payload: string; at: string; fields: string[] | null } {
  if (!input.customerId) throw new Error('a customer change event needs a customerId');
  const at = input.at === undefined ? new Date().toISOString() : typeof input.at === 'string' ? input.at : input.at.toISOString();
  const base = { customerId: input.customerId, ...(input.version !== undefined ? { version: input.version } : {}), at };
  const fields = input.changedFields ? [...new Set(input.changedFields)] : null;
  // The limit leaves room for the `"seq":N,` the publishing statement puts in front (at most 24 bytes).
  const full = JSON.stringify(fields ? { ...base, changedFields: fields } : base);
  if (Buffer.byteLength(full) <= MAX_CHANGE_PAYLOAD_BYTES) return { payload: full, at, fields };
  const idsOnly = JSON.stringify(base);
  if (Buffer.byteLength(idsOnly) > MAX_CHANGE_PAYLOAD_BYTES) throw new Error('customer change event too large even without its field list');
  // The log keeps what the subscribers were told: "any field" (a replay then matches what live delivery matched).
  return { payload: idsOnly, at, fields: null };
}

/** Parses a payload received on the channel; null for anything malformed (any session may NOTIFY on it). */
export function decodeCustomerChanged(payload: string): CustomerChangedEvent | null {
  return decodeJsonPayload(eventSchema, payload);
}

/**
 * Publishes change events, in order: one statement logs them all in customer_change_log and NOTIFYs each with its
 * `seq`. With a transaction as target, they are delivered (and readable from the log) when it commits.
 */
export async function publishCustomerChanged(target: ChangeEventTarget, events: CustomerChangedInput | readonly CustomerChangedInput[]): Promise<void> {
  const list: readonly CustomerChangedInput[] = Array.isArray(events) ? events : [events as CustomerChangedInput];
  if (list.length === 0) return;
  const entries: ChangeLogEntry[] = list.map((event) => {
    const { payload, at, fields } = encodeForLog(event);
    return { customerId: event.customerId, changedFields: fields, version: event.version ?? null, at, payloadRest: payload.slice(1) };
  });
  const statement = logAndNotifyStatement(CUSTOMER_CHANGED_CHANNEL, entries);
  await ('execute' in target ? target : target.db).execute(statement);
}

/** LISTENs for change events; malformed payloads go to `onMalformed`. Resolves to the unlisten function. */
export function listenCustomerChanged(
  database: Pick<DatabaseHandle, 'listen'>,
  onEvent: (event: CustomerChangedEvent) => void,
  onMalformed: (payload: string) => void = () => {},
): Promise<() => Promise<void>> {
  return listenDecoded(database, CUSTOMER_CHANGED_CHANNEL, decodeCustomerChanged, onEvent, onMalformed);
}
