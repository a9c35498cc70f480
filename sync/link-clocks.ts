/**
 * Field clocks from a full read (`sync --backfill`, the start-time link run). Change capture advances a link's
 * field clock each time it sees the record (resolver-engine/mapping/field-clock.ts), so a value that did not change
 * keeps the time it was first seen and an edit of another field does not make it "newer". A full read must leave
 * the same baseline: since the backfill stores change cursors, polling no longer re-reads every record afterwards,
 * and a record first seen by change capture only when a person edits one of its fields would otherwise give ALL its
 * fields that edit's time — its stale street would win last-write-wins over another CRM's newer one.
 *
 * The link run's snapshots use the same clocks, so they agree with what change capture and the query path compute.
 */
import { fieldClocksOf, writeFieldClocks } from '../db/sync-store.ts';
import type { FieldClockUpdate } from '../db/sync-store.ts';
import type { Tx } from '../db/link-store.ts';
import { advanceFieldClock, clockedFields, fieldTimesFromClock, recordModifiedAt, sameFieldClock } from '../resolver-engine/index.ts';
import type { MappingConfig, NativeObjectConfig } from '../resolver-engine/index.ts';

/** A snapshot input of a record read (a `NativeRecordInput`), whose field times are set here. */
export interface ReadInput { crm: string; objectType: string; record: Readonly<Record<string, unknown>>; fieldModifiedAt?: Record<string, string> }

/** A record the full read linked, with the input its snapshot is resolved from (given its field times here). */
export interface ReadRecord {
  connectorId: string;
  object: NativeObjectConfig;
  recordId: string;
  input: ReadInput;
}

/**
 * Advances and stores the field clock of every record read (one read and one write per 500–1,000 links), and sets
 * each input's `fieldModifiedAt` from it. Returns how many clocks were written.
 */
export async function stampFieldClocks(tx: Tx, config: MappingConfig, goldenType: string, reads: readonly ReadRecord[]): Promise<number> {
  const groups = new Map<string, ReadRecord[]>();
  for (const r of reads) {
    const k = `${r.connectorId}\u0000${r.object.objectType}`;
    const group = groups.get(k);
    if (group) group.push(r);
    else groups.set(k, [r]);
  }
  const updates: FieldClockUpdate[] = [];
  for (const group of groups.values()) {
    const { connectorId, object } = group[0]!;
    const fields = clockedFields(config, goldenType, object.crm, object.objectType);
    const stored = await fieldClocksOf(tx, connectorId, object.objectType, group.map((r) => r.recordId));
    for (const r of group) {
      const previous = stored.get(r.recordId);
      const clock = advanceFieldClock(previous, r.input.record, fields, recordModifiedAt(object, r.input.record));
      if (!sameFieldClock(previous, clock)) updates.push({ connectorId, objectType: object.objectType, recordId: r.recordId, fieldClock: clock });
      const times = fieldTimesFromClock(clock, r.input.record);
      if (times) r.input.fieldModifiedAt = times;
    }
  }
  await writeFieldClocks(tx, updates);
  return updates.length;
}
