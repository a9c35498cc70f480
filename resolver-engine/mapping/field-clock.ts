/**
 * Field clocks: when each native field of a CRM record last took its current value, as observed by change capture.
 *
 * Most CRMs give one modification time per record (Salesforce LastModifiedDate, HubSpot lastmodifieddate). With
 * that alone, last-write-wins is record-level: editing a contact's title in Salesforce makes Salesforce's stale
 * phone "newer" than the phone a person just changed in HubSpot — and our own write-back (which moves the
 * record's time) would do the same. A field clock keeps, per native field, a fingerprint of the value and the
 * record time at which that value was first seen; while the value stays the same, the field keeps its older time.
 *
 * Pure: change capture advances the clocks it stores; the query path reads them and uses a time only while the
 * live value still matches its fingerprint (a change capture has not seen yet takes the record's time).
 */
import { parseInstant } from './converters/parse-instant.ts';
import type { MappingConfig } from './schema.ts';
import { readNativePath } from './native-path.ts';

/** Per native field: `h` fingerprint of the value, `at` ISO instant the value was first observed. */
export type FieldClock = Record<string, { h: string; at: string }>;

/** FNV-1a over the value's canonical text: empty is empty whatever its spelling, numbers and text alike. */
export function valueFingerprint(value: unknown): string {
  const text = value === null || value === undefined ? '' : typeof value === 'object' ? JSON.stringify(value) : String(value);
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return `${hash.toString(16).padStart(8, '0')}:${text.length}`;
}

/**
 * The clock after observing `record` (its native `fields`) at record time `recordTime`. A field whose value is
 * unchanged keeps its time; a changed or new one takes `recordTime`. Without a record time nothing is known: the
 * previous clock is returned as is.
 */
export function advanceFieldClock(previous: FieldClock | null | undefined, record: Readonly<Record<string, unknown>>, fields: readonly string[], recordTime: Date | null): FieldClock {
  const prev = previous ?? {};
  if (!recordTime) return { ...prev };
  const at = recordTime.toISOString();
  const next: FieldClock = {};
  for (const field of fields) {
    const h = valueFingerprint(readNativePath(record, field));
    const seen = prev[field];
    const seenAt = seen ? parseInstant(seen.at) : null;
    next[field] = seen && seen.h === h && seenAt && seenAt.getTime() <= recordTime.getTime() ? seen : { h, at };
  }
  return next;
}

/**
 * Field-level modification times for `record` from its stored clock: only fields whose live value still matches
 * the fingerprint (the rest fall back to the record's time in mapToGolden).
 */
export function fieldTimesFromClock(clock: FieldClock | null | undefined, record: Readonly<Record<string, unknown>>): Record<string, string> | undefined {
  if (!clock) return undefined;
  const out: Record<string, string> = {};
  for (const [field, seen] of Object.entries(clock)) {
    if (seen && typeof seen.h === 'string' && typeof seen.at === 'string' && valueFingerprint(readNativePath(record, field)) === seen.h) out[field] = seen.at;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/** Equal clocks need no write. */
export function sameFieldClock(a: FieldClock | null | undefined, b: FieldClock | null | undefined): boolean {
  const ak = Object.keys(a ?? {}).sort();
  const bk = Object.keys(b ?? {}).sort();
  if (ak.length !== bk.length || ak.some((k, i) => k !== bk[i])) return false;
  return ak.every((k) => a![k]!.h === b![k]!.h && a![k]!.at === b![k]!.at);
}

/** The native fields (paths) a golden type reads from one CRM object: the ones whose clocks matter. */
export function clockedFields(config: MappingConfig, goldenType: string, crm: string, objectType: string): string[] {
  const fields = new Set<string>();
  for (const field of Object.values(config.types[goldenType]?.fields ?? {})) {
    for (const m of field.mappings) if (m.crm === crm && m.objectType === objectType) m.from.forEach((f) => fields.add(f));
  }
  return [...fields].sort();
}
