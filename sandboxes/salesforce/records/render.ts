/** A stored record as the REST API returns it: `attributes` first, then every field (or the requested ones). */
import type { ObjectDef } from '../describe/field-types.ts';
import { SfError } from '../errors.ts';
import type { SalesforceOrg } from '../org.ts';
import type { SfRecord } from '../store.ts';

export function renderRecord(obj: ObjectDef, rec: SfRecord, version: string, fieldNames?: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = { attributes: { type: obj.name, url: `/services/data/v${version}/sobjects/${obj.name}/${rec.Id}` } };
  const names = fieldNames ?? obj.fields.map((f) => f.name);
  for (const name of names) out[name] = rec[name] ?? null;
  return out;
}

/** Canonical names of a `fields=` list; unknown names are Salesforce's INVALID_FIELD. */
export function resolveFieldList(org: SalesforceOrg, obj: ObjectDef, list: string[] | string | null | undefined): string[] | undefined {
  if (list === null || list === undefined) return undefined;
  const names = (Array.isArray(list) ? list : list.split(',')).map((s) => String(s).trim()).filter(Boolean);
  if (!names.length) return undefined;
  return names.map((n) => {
    const f = org.meta.field(obj.name, n);
    if (!f) throw new SfError(400, 'INVALID_FIELD', `No such column '${n}' on entity '${obj.name}'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names.`);
    return f.name;
  });
}
