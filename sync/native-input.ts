/**
 * Connector records → the record shape the mapping reads. Connectors flatten relationship fields
 * (`'Account.Name': 'Acme'`); mappings read paths through nested objects (`Account.Name`), the way the CRM
 * subgraphs hand records to golden. The id and modification time come from the record envelope when the
 * fields lack them, so a CRM that reports them only there still maps.
 */
import type { NativeRecord } from '../connectors/contract/index.ts';
import type { NativeObjectConfig } from '../resolver-engine/index.ts';

export function toMappingRecord(native: NativeRecord, object: NativeObjectConfig): Record<string, unknown> {
  const record: Record<string, unknown> = {};
  for (const [path, value] of Object.entries(native.fields)) setPath(record, path, value);
  if (readPath(record, object.idField) === null) setPath(record, object.idField, native.id);
  if (native.modifiedAt && object.modifiedAtFields.every((f) => readPath(record, f) === null)) setPath(record, object.modifiedAtFields[0]!, native.modifiedAt);
  return record;
}

function setPath(record: Record<string, unknown>, path: string, value: unknown): void {
  const segments = path.split('.');
  let node = record;
  for (const segment of segments.slice(0, -1)) {
    const next = node[segment];
    if (next === null || typeof next !== 'object') node[segment] = {};
    node = node[segment] as Record<string, unknown>;
  }
  const last = segments[segments.length - 1]!;
  // A nested object already built from dotted keys must not be replaced by the relationship's own `null`.
  if (value === null && typeof node[last] === 'object' && node[last] !== null) return;
  node[last] = value;
}

function readPath(record: Record<string, unknown>, path: string): unknown {
  let node: unknown = record;
  for (const segment of path.split('.')) {
    if (node === null || typeof node !== 'object') return null;
    node = (node as Record<string, unknown>)[segment];
  }
  return node ?? null;
}
