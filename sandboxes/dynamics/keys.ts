/**
 * Alternate keys (`EntityDefinitions(LogicalName='contact')/Keys`): every table starts with `cg_externalid_key`
 * on `cg_externalid`; an admin adds more with `POST …/Keys` `{ SchemaName, DisplayName, KeyAttributes }` and
 * removes them with `DELETE …/Keys(LogicalName='…')`. Real Dataverse builds the index asynchronously (Pending, then
 * Active); here a key is Active at once, so a test can upsert through it right after creating it.
 * A row may be named by any Active key, single- or multi-attribute: `contacts(cg_code='x')`, `contacts(a='x',b=1)`.
 */
import { badRequest, CODES, DataverseError } from './errors.ts';
import { stableGuid } from './ids.ts';
import type { AttributeDef } from './schema.ts';
import type { Row, TableState } from './store.ts';

export interface KeyDef {
  logicalName: string;
  schemaName: string;
  displayName: string;
  attributes: string[];
  status: 'Active' | 'Pending' | 'Failed';
}

/** Dataverse allows keys on these column types only (no Memo, choices, Boolean…). */
const KEYABLE = new Set(['String', 'Integer', 'Decimal', 'DateTime', 'Lookup', 'BigInt']);

/** Not verified against a real org: Dataverse refuses a key it does not define with a 400; this code is our pick. */
export const UNDEFINED_KEY_CODE = '0x80060891';

export function defaultKeys(): Map<string, KeyDef> {
  const key: KeyDef = { logicalName: 'cg_externalid_key', schemaName: 'cg_externalid_key', displayName: 'External Id', attributes: ['cg_externalid'], status: 'Active' };
  return new Map([[key.logicalName, key]]);
}

export function keyMetadataId(entity: string, key: string): string {
  return stableGuid(`key:${entity}.${key}`);
}

export function renderKey(entity: string, k: KeyDef): Record<string, unknown> {
  return {
    MetadataId: keyMetadataId(entity, k.logicalName), LogicalName: k.logicalName, SchemaName: k.schemaName,
    EntityLogicalName: entity, KeyAttributes: [...k.attributes], EntityKeyIndexStatus: k.status, IsCustomizable: { Value: true },
    DisplayName: { UserLocalizedLabel: { Label: k.displayName, LanguageCode: 1033 }, LocalizedLabels: [{ Label: k.displayName, LanguageCode: 1033 }] },
  };
}

function norm(v: unknown): string | undefined {
  if (v === null || v === undefined) return undefined;
  if (typeof v === 'object' && 'id' in v) return String((v as { id: string }).id).toLowerCase();
  return String(v).toLowerCase();
}

/** The row whose key columns hold these values (strings compare ignoring case, as Dataverse's collation does). */
export function rowByKey(table: TableState, key: KeyDef, values: Record<string, unknown>): Row | undefined {
  const wanted = key.attributes.map((a) => norm(values[a]));
  if (wanted.some((w) => w === undefined)) return undefined;
  for (const row of table.rows.values()) {
    if (key.attributes.every((a, i) => norm(row.values[a]) === wanted[i])) return row;
  }
  return undefined;
}

/** The Active key made of exactly these columns, or Dataverse's 400 for a key the table does not define. */
export function activeKeyFor(table: TableState, names: string[]): KeyDef {
  const sorted = [...names].sort().join(',');
  const key = [...table.keys.values()].find((k) => k.status === 'Active' && [...k.attributes].sort().join(',') === sorted);
  if (key) return key;
  const defined = [...table.keys.values()].filter((k) => k.status === 'Active').map((k) => `${k.logicalName} (${k.attributes.join(',')})`);
  throw badRequest(UNDEFINED_KEY_CODE, `The key attributes '${names.join(',')}' do not form an active alternate key of entity '${table.def.logicalName}'. Its active keys: ${defined.join('; ') || 'none'}.`);
}

/** A key value from the URL in the attribute's wire type (numbers bare in the URL, strings quoted). */
export function keyValue(a: AttributeDef | undefined, raw: string): unknown {
  if (a && ['Integer', 'BigInt', 'Decimal'].includes(a.type) && raw !== '' && !Number.isNaN(Number(raw))) return Number(raw);
  return raw;
}

export function createKey(table: TableState, body: Record<string, unknown>): KeyDef {
  const schemaName = body.SchemaName;
  if (typeof schemaName !== 'string' || !/^cg_[A-Za-z0-9_]+$/.test(schemaName)) throw badRequest(CODES.badValue, 'SchemaName must be a string with the cg_ publisher prefix.');
  const logicalName = schemaName.toLowerCase();
  if (table.keys.has(logicalName)) throw badRequest(CODES.attributeExists, `An entity key named ${logicalName} already exists on ${table.def.logicalName}.`);
  const attrs = body.KeyAttributes;
  if (!Array.isArray(attrs) || attrs.length === 0 || attrs.length > 16 || attrs.some((a) => typeof a !== 'string')) throw badRequest(CODES.badValue, 'KeyAttributes must list 1 to 16 attribute logical names.');
  const names = (attrs as string[]).map((a) => a.toLowerCase());
  for (const n of names) {
    const a = table.attribute(n);
    if (!a) throw badRequest(CODES.badProperty, `Could not find an attribute named '${n}' on entity '${table.def.logicalName}'.`);
    if (!KEYABLE.has(a.type) || a.primaryId) throw badRequest(CODES.badValue, `The attribute ${n} (${a.type}) cannot be part of an entity key.`);
  }
  const sorted = [...names].sort().join(',');
  if ([...table.keys.values()].some((k) => [...k.attributes].sort().join(',') === sorted)) throw badRequest(CODES.attributeExists, `An entity key with the attributes ${names.join(',')} already exists on ${table.def.logicalName}.`);
  const label = (body.DisplayName as { LocalizedLabels?: { Label?: unknown }[] } | undefined)?.LocalizedLabels?.[0]?.Label;
  const key: KeyDef = { logicalName, schemaName, displayName: typeof label === 'string' ? label : schemaName, attributes: names, status: 'Active' };
  // Existing rows that share a value make Dataverse's index job fail: the key stays unusable (Failed).
  const seen = new Set<string>();
  for (const row of table.rows.values()) {
    const vals = names.map((n) => norm(row.values[n]));
    if (vals.some((v) => v === undefined)) continue;
    const joined = JSON.stringify(vals);
    if (seen.has(joined)) { key.status = 'Failed'; break; }
    seen.add(joined);
  }
  table.keys.set(logicalName, key);
  return key;
}

export function deleteKey(table: TableState, logicalName: string): void {
  if (!table.keys.delete(logicalName)) throw new DataverseError(404, CODES.notFound, `Could not find an entity key named ${logicalName} on entity ${table.def.logicalName}.`);
}

/** The Active key a value set would collide with on another row: Dataverse's duplicate-key 412. */
export function checkKeys(table: TableState, values: Record<string, unknown>, id: string): void {
  for (const key of table.keys.values()) {
    if (key.status !== 'Active') continue;
    const other = rowByKey(table, key, values);
    if (other && other.id !== id) {
      const shown = key.attributes.map((a) => norm(values[a])).join(',');
      throw new DataverseError(412, CODES.duplicateKey, `A record that has the attribute values ${shown} already exists. The entity key ${key.logicalName} requires that this set of attributes contains unique values. Select unique values and try again.`);
    }
  }
}
