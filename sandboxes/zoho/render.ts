/**
 * A stored record as Zoho returns it: the asked fields only (always `id`), unset fields as null, lookups as
 * `{id,name}`, users as `{id,name,email}`, times in the org offset, and the computed fields (Full_Name,
 * Expected_Revenue) derived on the way out.
 */
import { formatTime } from './time.ts';
import type { FieldDef, ModuleName } from './schema.ts';
import { fullName } from './store.ts';
import type { Org, ZohoRecord } from './store.ts';

function userRef(org: Org, withEmail: boolean): Record<string, string> {
  return withEmail ? { name: org.user.name, id: org.user.id, email: org.user.email } : { name: org.user.name, id: org.user.id };
}

export function fieldValue(org: Org, module: ModuleName, record: ZohoRecord, field: FieldDef): unknown {
  const v = record.values;
  switch (field.apiName) {
    case 'Created_Time': return formatTime(record.createdAt, org.cfg.offset);
    case 'Modified_Time': return formatTime(record.modifiedAt, org.cfg.offset);
    case 'Created_By': case 'Modified_By': return userRef(org, true);
    case 'Full_Name': return module === 'Contacts' ? fullName(v) : (v.Full_Name ?? null);
    case 'Expected_Revenue': {
      const amount = v.Amount;
      const probability = v.Probability;
      return typeof amount === 'number' && typeof probability === 'number' ? Math.round(amount * probability) / 100 : null;
    }
    default: break;
  }
  const raw = v[field.apiName];
  if (raw === undefined || raw === null) return field.dataType === 'boolean' ? false : null;
  if (field.dataType === 'ownerlookup') return raw === org.user.id ? userRef(org, true) : { id: raw, name: null, email: null };
  if (field.dataType === 'lookup') {
    const target = org.module(field.lookup!).records.get(raw as string);
    // A deleted target leaves the lookup empty, as Zoho clears it.
    return target ? { name: org.displayName(field.lookup!, target), id: target.id } : null;
  }
  if (field.dataType === 'datetime') return formatTime(raw as number, org.cfg.offset);
  return structuredClone(raw);
}

export function renderRecord(org: Org, module: ModuleName, record: ZohoRecord, fields: FieldDef[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const field of fields) out[field.apiName] = fieldValue(org, module, record, field);
  out.id = record.id;
  return out;
}

/** What a write answers in `details`: the id and who/when, without emails (as §5 shows). */
export function writeDetails(org: Org, record: ZohoRecord): Record<string, unknown> {
  return {
    Modified_Time: formatTime(record.modifiedAt, org.cfg.offset), Modified_By: userRef(org, false),
    Created_Time: formatTime(record.createdAt, org.cfg.offset), id: record.id, Created_By: userRef(org, false),
  };
}
