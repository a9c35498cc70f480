/**
 * Salesforce describe → the contract's ObjectDescription, and a short-lived cache of it. The cache only serves
 * the connector's own field lists (all readable fields when a caller names none; the named ones the object still
 * has otherwise); `describeObjects` always asks Salesforce, so a custom field added in the org shows on the next
 * refresh, and a read failing on a field deleted since is refreshed at once (fresh-fields.ts).
 */
import type { FieldDescription, FieldType, ObjectDescription, PicklistValue } from '../contract/describe.ts';
import { unexpectedShape } from './client.ts';

/** Objects described when the caller names none. */
export const DEFAULT_OBJECTS = ['Contact', 'Account', 'Opportunity', 'Lead'] as const;

/** Salesforce describe `type` → FIELD_TYPES; `nativeType` keeps the original. */
const TYPE_MAP: Record<string, FieldType> = {
  id: 'id', string: 'string', textarea: 'text', email: 'email', phone: 'phone', url: 'url',
  picklist: 'picklist', combobox: 'picklist', multipicklist: 'multipicklist', boolean: 'boolean',
  int: 'int', long: 'int', double: 'float', currency: 'currency', percent: 'percent',
  date: 'date', datetime: 'datetime', reference: 'reference', address: 'address', encryptedstring: 'string',
};

/** Types a multi-row SOQL query cannot or should not select: compounds repeat their components, base64 is one-row only. */
const NOT_IN_DEFAULT_SELECT = new Set(['address', 'location', 'base64']);

interface SfPicklistEntry { value?: unknown; label?: unknown; active?: unknown; defaultValue?: unknown }
interface SfField {
  name?: unknown; label?: unknown; type?: unknown; nillable?: unknown; createable?: unknown; updateable?: unknown;
  custom?: unknown; unique?: unknown; externalId?: unknown; picklistValues?: unknown; referenceTo?: unknown; length?: unknown;
}
interface SfDescribe { name?: unknown; label?: unknown; custom?: unknown; fields?: unknown }

export function toObjectDescription(raw: unknown): ObjectDescription {
  const d = raw as SfDescribe;
  if (typeof d?.name !== 'string' || !Array.isArray(d.fields)) throw unexpectedShape('describe');
  return {
    name: d.name,
    label: typeof d.label === 'string' ? d.label : d.name,
    custom: d.custom === true,
    idField: 'Id',
    // SystemModstamp moves on every change, automation and system writes included (LastModifiedDate does not).
    modifiedField: 'SystemModstamp',
    fields: (d.fields as SfField[]).filter((f) => typeof f?.name === 'string').map(toFieldDescription),
  };
}

function toFieldDescription(f: SfField): FieldDescription {
  const nativeType = typeof f.type === 'string' ? f.type : 'anyType';
  const out: FieldDescription = {
    name: f.name as string,
    label: typeof f.label === 'string' ? f.label : (f.name as string),
    type: TYPE_MAP[nativeType] ?? 'other',
    nativeType,
    nillable: f.nillable === true,
    createable: f.createable === true,
    updateable: f.updateable === true,
    custom: f.custom === true,
    unique: f.unique === true,
    externalId: f.externalId === true,
  };
  if (Array.isArray(f.picklistValues) && f.picklistValues.length > 0) {
    out.picklistValues = (f.picklistValues as SfPicklistEntry[]).filter((p) => typeof p?.value === 'string').map((p): PicklistValue => ({
      value: p.value as string,
      label: typeof p.label === 'string' ? p.label : (p.value as string),
      active: p.active !== false,
      ...(p.defaultValue === true ? { defaultValue: true } : {}),
    }));
  }
  if (Array.isArray(f.referenceTo) && f.referenceTo.length > 0) out.referenceTo = f.referenceTo.filter((r): r is string => typeof r === 'string');
  if (typeof f.length === 'number' && f.length > 0) out.length = f.length;
  return out;
}

/** The fields a query selects when the caller names none. */
export function defaultSelect(description: ObjectDescription): string[] {
  return description.fields.filter((f) => !NOT_IN_DEFAULT_SELECT.has(f.nativeType)).map((f) => f.name);
}

/**
 * Describes per object, kept `ttlMs`. Concurrent misses for one object share one describe call, so a burst of
 * fetches without field lists costs one metadata call, not one each.
 */
export class DescribeCache {
  private readonly entries = new Map<string, { at: number; value: Promise<ObjectDescription> }>();
  private readonly refreshing = new Map<string, Promise<ObjectDescription>>();

  constructor(private readonly ttlMs: number, private readonly load: (objectType: string) => Promise<ObjectDescription>) {}

  get(objectType: string): Promise<ObjectDescription> {
    const key = objectType.toLowerCase();
    const hit = this.entries.get(key);
    if (hit && Date.now() - hit.at < this.ttlMs) return hit.value;
    const value = this.load(objectType);
    this.entries.set(key, { at: Date.now(), value });
    // A failed describe is not cached: the next caller tries again.
    value.catch(() => {
      if (this.entries.get(key)?.value === value) this.entries.delete(key);
    });
    return value;
  }

  /** The description held now, however old, without fetching one; undefined when none is held. */
  peek(objectType: string): Promise<ObjectDescription> | undefined {
    return this.entries.get(objectType.toLowerCase())?.value;
  }

  /**
   * Describes the object anew and holds the answer, whatever its age: a read that failed on a field the held
   * describe still lists calls this. One refresh per object at a time: concurrent callers (every chunk of a
   * fetch, every poll of the object failing at once) share it rather than each costing a describe call. A failed
   * refresh keeps the held entry.
   */
  refresh(objectType: string): Promise<ObjectDescription> {
    const key = objectType.toLowerCase();
    const pending = this.refreshing.get(key);
    if (pending) return pending;
    const value = this.load(objectType);
    this.refreshing.set(key, value);
    value.then((d) => this.entries.set(key, { at: Date.now(), value: Promise.resolve(d) }), () => {}).finally(() => this.refreshing.delete(key));
    return value;
  }

  /** Replaces the entry with a description fetched elsewhere (describeObjects refreshes the cache). */
  put(description: ObjectDescription): void {
    this.entries.set(description.name.toLowerCase(), { at: Date.now(), value: Promise.resolve(description) });
  }
}
