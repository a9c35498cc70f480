/**
 * `$expand` of single-valued navigation properties (reference §3.3: `$expand=parentcustomerid_account($select=
 * name)`): the related row nested under the navigation property's name, or null when the lookup is empty or points
 * at the other table of a polymorphic lookup. Only lookups to the served tables expand; collection-valued
 * navigation and nested options other than `$select` are refused with 400.
 */
import { badQuery, unknownProperty } from '../errors.ts';
import { renderRow } from '../render.ts';
import { isLookup } from '../store.ts';
import type { Org, Row, TableState } from '../store.ts';
import { parseSelect } from './query.ts';

export interface ExpandTerm {
  nav: string;
  attribute: string;
  target: TableState;
  select?: string[];
}

/** Splits on commas outside parentheses. */
function splitTop(raw: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of raw) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      out.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  out.push(current);
  return out.map((s) => s.trim()).filter(Boolean);
}

export function parseExpand(org: Org, table: TableState, raw: string | null): ExpandTerm[] {
  if (raw === null) return [];
  return splitTop(raw).map((term) => {
    const m = /^([A-Za-z_][A-Za-z0-9_]*)(?:\((.*)\))?$/.exec(term);
    if (!m) throw badQuery(`Syntax error in $expand '${raw}'.`);
    const nav = table.navProperty(m[1]!);
    if (!nav) throw unknownProperty(m[1]!, table.def.logicalName);
    const target = nav.targets.length === 1 ? org.tableByLogical(nav.targets[0]!) : undefined;
    if (!target) throw badQuery(`$expand of '${m[1]}' is not supported by this sandbox: only lookups to contacts, accounts and opportunities expand.`);
    let select: string[] | undefined;
    if (m[2] !== undefined && m[2].trim() !== '') {
      const opt = /^\s*\$select=([^;]*)$/.exec(m[2]);
      if (!opt) throw badQuery(`Only $select is supported inside $expand, not '${m[2]}'.`);
      select = parseSelect(target, opt[1]!);
    }
    return { nav: m[1]!, attribute: nav.attribute.logicalName, target, ...(select ? { select } : {}) };
  });
}

/** Adds each expanded row (or null) to a rendered row. */
export function applyExpand(org: Org, row: Row, terms: ExpandTerm[], out: Record<string, unknown>, annotations: boolean): Record<string, unknown> {
  for (const t of terms) {
    const v = row.values[t.attribute];
    const related = isLookup(v) && v.target === t.target.def.logicalName ? t.target.rows.get(v.id) : undefined;
    out[t.nav] = related ? renderRow(org, t.target, related, { ...(t.select ? { select: t.select } : {}), annotations }) : null;
  }
  return out;
}
