/**
 * A stored row as the Web API shows it: `@odata.etag` first, the key always, lookups as `_<name>_value`, and with
 * `Prefer: odata.include-annotations="*"` a FormattedValue for choices, booleans and lookups plus a lookup's
 * logical name and navigation property, as Dataverse adds them.
 */
import { ORG } from './ids.ts';
import type { AttributeDef } from './schema.ts';
import { isLookup, isLookupType, navigationName } from './store.ts';
import type { Org, Row, TableState } from './store.ts';

export const FORMATTED = '@OData.Community.Display.V1.FormattedValue';
export const LOOKUP_LOGICAL_NAME = '@Microsoft.Dynamics.CRM.lookuplogicalname';
export const ASSOCIATED_NAV = '@Microsoft.Dynamics.CRM.associatednavigationproperty';

export function etagOf(row: Row): string {
  return `W/"${row.values.versionnumber as number}"`;
}

/** The wire name of an attribute in a row (`_parentcustomerid_value` for lookups). */
export function wireName(a: AttributeDef): string {
  return isLookupType(a) ? `_${a.logicalName}_value` : a.logicalName;
}

/** The value a filter or order compares: a lookup's id, anything else as stored. */
export function comparableValue(row: Row, a: AttributeDef): unknown {
  const v = row.values[a.logicalName];
  return isLookup(v) ? v.id : (v ?? null);
}

/** The display name of a lookup's target (the row's primary name when the sandbox serves that table). */
function lookupName(org: Org, target: string, id: string): string | null {
  const t = org.tableByLogical(target);
  if (t) {
    const row = t.rows.get(id);
    return row ? ((row.values[t.def.primaryNameAttribute] as string | null) ?? null) : null;
  }
  if (target === 'systemuser') return id === ORG.userId ? 'Sandbox User' : null;
  if (target === 'transactioncurrency') return id === ORG.usdCurrencyId ? 'US Dollar' : null;
  return null;
}

function formatted(a: AttributeDef, v: unknown): string | undefined {
  if (v === null || v === undefined) return undefined;
  if (a.type === 'Boolean') return a.options?.find((o) => o.value === (v ? 1 : 0))?.label ?? (v ? 'Yes' : 'No');
  if (a.type === 'Picklist' || a.type === 'State' || a.type === 'Status') return a.options?.find((o) => o.value === v)?.label;
  if (a.type === 'Money') return `$${(v as number).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
  if (a.type === 'Integer' || a.type === 'BigInt') return (v as number).toLocaleString('en-US');
  return undefined;
}

export interface RenderOptions {
  /** Wire names to include (the key is always added); undefined: every attribute. */
  select?: string[];
  annotations: boolean;
}

export function renderRow(org: Org, table: TableState, row: Row, opts: RenderOptions): Record<string, unknown> {
  const out: Record<string, unknown> = { '@odata.etag': etagOf(row) };
  const wanted = opts.select ? new Set([...opts.select, table.def.primaryIdAttribute]) : undefined;
  for (const a of table.attributes.values()) {
    const name = wireName(a);
    if (wanted && !wanted.has(name)) continue;
    const v = row.values[a.logicalName] ?? null;
    if (isLookup(v)) {
      if (opts.annotations) {
        out[`${name}${FORMATTED}`] = lookupName(org, v.target, v.id);
        out[`${name}${ASSOCIATED_NAV}`] = navigationName(a, v.target);
        out[`${name}${LOOKUP_LOGICAL_NAME}`] = v.target;
      }
      out[name] = v.id;
      continue;
    }
    const label = opts.annotations ? formatted(a, v) : undefined;
    if (label !== undefined) out[`${name}${FORMATTED}`] = label;
    out[name] = v;
  }
  return out;
}
