/**
 * Resolves dotted field paths (`Account.Owner…Name`) against the schema and reads their values from records,
 * following parent lookups through the store.
 */
import type { FieldDef } from '../describe/field-types.ts';
import type { MetadataRegistry } from '../describe/metadata.ts';
import type { RecordStore, SfRecord } from '../store.ts';
import { invalidField, invalidRelationship } from './errors.ts';

export interface Hop {
  /** The reference field on the current object (e.g. Contact.AccountId). */
  refField: FieldDef;
  /** Canonical relationship name (`Account`) — the key in query output. */
  relationshipName: string;
  target: string;
}

export interface ResolvedPath {
  hops: Hop[];
  field: FieldDef;
  /** The object the final field lives on. */
  owner: string;
}

export function resolvePath(meta: MetadataRegistry, from: string, path: string[], queryText: string, pos: number): ResolvedPath {
  const hops: Hop[] = [];
  let current = from;
  for (const rel of path.slice(0, -1)) {
    const refField = meta.relationship(current, rel);
    const target = refField?.referenceTo?.[0];
    if (!refField || !target || !meta.object(target)) throw invalidRelationship(queryText, pos, rel, current);
    hops.push({ refField, relationshipName: refField.relationshipName!, target });
    current = target;
  }
  const last = path[path.length - 1]!;
  const field = meta.field(current, last);
  if (!field) throw invalidField(queryText, pos, path.join('.'), from);
  return { hops, field, owner: current };
}

/** The record at the end of the hops, or null when a lookup is empty or points at a deleted record. */
export function followHops(store: RecordStore, rec: SfRecord, hops: Hop[]): SfRecord | null {
  let current: SfRecord | null = rec;
  for (const hop of hops) {
    const id: unknown = current[hop.refField.name];
    if (typeof id !== 'string') return null;
    const parent = store.get(hop.target, id);
    if (!parent || parent.IsDeleted === true) return null;
    current = parent;
  }
  return current;
}

export function readPath(store: RecordStore, rec: SfRecord, path: ResolvedPath): unknown {
  const owner = followHops(store, rec, path.hops);
  return owner ? (owner[path.field.name] ?? null) : null;
}
