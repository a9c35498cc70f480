/**
 * Customer change events over Postgres LISTEN/NOTIFY: the sync worker publishes one when a merged (golden) value of
 * a customer changes, and every gateway process LISTENs, so any replica can serve the subscribers of any customer.
 *
 * The wire format is small JSON on channel `customer_changed`:
 *   `{ "customerId": "cus_…", "changedFields": ["phone"], "version": 7, "at": "2025-…Z" }`
 * Postgres refuses NOTIFY payloads of 8000 bytes or more, so an event whose field list would not fit is sent
 * without `changedFields` ("ids only"); receivers treat that as "any field may have changed".
 *
 * NOTIFY is transactional: publish with the transaction that wrote the new snapshot (pass `tx`) and the event is
 * delivered only once that data is committed, never before and never for a rolled-back change.
 */
import { z } from 'zod';
import type { DatabaseHandle } from './open-database.ts';
import { decodeJsonPayload, listenDecoded, notifyOn } from './notify-channel.ts';
import type { NotifyTarget } from './notify-channel.ts';

export const CUSTOMER_CHANGED_CHANNEL = 'customer_changed';

/** Postgres' limit is 8000 bytes; keep a margin for multi-byte surprises. */
export const MAX_CHANGE_PAYLOAD_BYTES = 7900;

export interface CustomerChangedEvent {
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

/** Where to publish: the database handle (outside a transaction) or a drizzle database / transaction. */
export type ChangeEventTarget = NotifyTarget;

const eventSchema = z.object({
  customerId: z.string().min(1).max(200),
  changedFields: z.array(z.string().min(1).max(200)).optional(),
  version: z.number().int().optional(),
  at: z.string().min(1).max(64),
});

/** The NOTIFY payload of an event: the full form when it fits, the ids-only form otherwise. */
export function encodeCustomerChanged(input: CustomerChangedInput): string {
  if (!input.customerId) throw new Error('a customer change event needs a customerId');
  const at = input.at === undefined ? new Date().toISOString() : typeof input.at === 'string' ? input.at : input.at.toISOString();
  const base = { customerId: input.customerId, ...(input.version !== undefined ? { version: input.version } : {}), at };
  const full = JSON.stringify(input.changedFields ? { ...base, changedFields: [...new Set(input.changedFields)] } : base);
  if (Buffer.byteLength(full) <= MAX_CHANGE_PAYLOAD_BYTES) return full;
  const idsOnly = JSON.stringify(base);
  if (Buffer.byteLength(idsOnly) > MAX_CHANGE_PAYLOAD_BYTES) throw new Error('customer change event too large even without its field list');
  return idsOnly;
}

/** Parses a payload received on the channel; null for anything malformed (any session may NOTIFY on it). */
export function decodeCustomerChanged(payload: string): CustomerChangedEvent | null {
  return decodeJsonPayload(eventSchema, payload);
}

/** Publishes change events, in order. With a transaction as target, they are delivered when it commits. */
export async function publishCustomerChanged(target: ChangeEventTarget, events: CustomerChangedInput | readonly CustomerChangedInput[]): Promise<void> {
  const list: readonly CustomerChangedInput[] = Array.isArray(events) ? events : [events as CustomerChangedInput];
  for (const event of list) {
    await notifyOn(target, CUSTOMER_CHANGED_CHANNEL, encodeCustomerChanged(event));
  }
}

/** LISTENs for change events; malformed payloads go to `onMalformed`. Resolves to the unlisten function. */
export function listenCustomerChanged(
  database: Pick<DatabaseHandle, 'listen'>,
  onEvent: (event: CustomerChangedEvent) => void,
  onMalformed: (payload: string) => void = () => {},
): Promise<() => Promise<void>> {
  return listenDecoded(database, CUSTOMER_CHANGED_CHANNEL, decodeCustomerChanged, onEvent, onMalformed);
}
