/**
 * Optimistic concurrency for write-back: an outbox row carries, under EXPECTED_KEY in its `fields`, the native
 * values its plan saw. Before sending, the worker reads the records again; a row whose field now holds neither the
 * value the plan saw nor the value it would write was changed in the CRM since the plan, and is skipped (status
 * 'stale', the reason in last_error) rather than overwrite a newer value: the next read merges that value, and a
 * client or convergence plans again from it.
 */
import type { OutboxRow } from '../../db/outbox-store.ts';

export const EXPECTED_KEY = '$expected';

/** Empty is empty whatever its spelling; HubSpot sends every value as a string. */
function sameValue(a: unknown, b: unknown): boolean {
  const norm = (v: unknown) => (v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v));
  return norm(a) === norm(b);
}

/** The native fields to send (without the expectation). */
export function fieldsToSend(row: Pick<OutboxRow, 'fields'>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(row.fields)) if (k !== EXPECTED_KEY) out[k] = v;
  return out;
}

export function expectedOf(row: Pick<OutboxRow, 'fields'>): Record<string, unknown> | null {
  const e = row.fields[EXPECTED_KEY];
  return e && typeof e === 'object' ? (e as Record<string, unknown>) : null;
}

/**
 * Why the row must not be sent, or null. `current` undefined: the record could not be read — send (no worse than
 * before). `ours`: values the worker itself sent to this record since (an earlier row of the same field, written
 * while this one waited): holding one of them is not a change made in the CRM.
 */
export function staleReason(row: Pick<OutboxRow, 'fields'>, current: Readonly<Record<string, unknown>> | null | undefined, ours: Readonly<Record<string, readonly unknown[]>> = {}): string | null {
  const expected = expectedOf(row);
  if (!expected || current === undefined) return null;
  if (current === null) return null; // gone: the CRM's own answer (not found) decides
  const send = fieldsToSend(row);
  for (const [field, saw] of Object.entries(expected)) {
    const now = current[field];
    if (!sameValue(now, saw) && !sameValue(now, send[field]) && !(ours[field] ?? []).some((v) => sameValue(now, v))) {
      return `changed in the CRM since the plan: ${field} was ${JSON.stringify(saw)}, now ${JSON.stringify(now ?? null)}; not overwritten`;
    }
  }
  return null;
}
