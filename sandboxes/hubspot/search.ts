/**
 * CRM search (reference §2.6): filterGroups OR-ed, filters AND-ed, the documented operators compared by
 * property type (numbers numerically, dates as instants from epoch-ms or ISO values, strings case-insensitively),
 * sorts as objects or strings, offset paging capped at 10,000 results. Archived records are never found.
 */
import { validationError } from './errors.ts';
import { OBJECT_TYPES } from './object-types.ts';
import type { ObjectTypeName } from './object-types.ts';
import { parseHubSpotDate } from './properties.ts';
import type { PropertyDefinition } from './standard-properties.ts';
import type { Portal, StoredRecord } from './store.ts';

export interface SearchFilter {
  propertyName?: string;
  operator?: string;
  value?: unknown;
  highValue?: unknown;
  values?: unknown[];
}

export interface SearchRequest {
  filterGroups?: { filters?: SearchFilter[] }[];
  sorts?: (string | { propertyName?: string; direction?: string })[];
  query?: string;
  properties?: string[];
  limit?: number;
  after?: string | number;
}

export const SEARCH_MAX_LIMIT = 200;
export const SEARCH_MAX_RESULTS = 10_000;
const OPERATORS = new Set(['EQ', 'NEQ', 'LT', 'LTE', 'GT', 'GTE', 'BETWEEN', 'IN', 'NOT_IN', 'HAS_PROPERTY', 'NOT_HAS_PROPERTY', 'CONTAINS_TOKEN', 'NOT_CONTAINS_TOKEN']);

type Comparable = number | string;

export function runSearch(portal: Portal, type: ObjectTypeName, req: SearchRequest): { total: number; page: StoredRecord[]; nextAfter?: string } {
  const limit = req.limit === undefined ? 10 : Number(req.limit);
  const after = req.after === undefined || req.after === '' ? 0 : Number(req.after);
  if (!Number.isInteger(limit) || limit < 0 || limit > SEARCH_MAX_LIMIT) throw validationError(`limit must be between 0 and ${SEARCH_MAX_LIMIT}, got ${String(req.limit)}`);
  if (!Number.isInteger(after) || after < 0) throw validationError(`after must be a non-negative integer offset, got ${String(req.after)}`);
  if (after + limit > SEARCH_MAX_RESULTS) {
    throw validationError(`The search API returns at most ${SEARCH_MAX_RESULTS} results: after (${after}) + limit (${limit}) exceeds it. Narrow the filters (e.g. hs_object_id GT the last id) instead of paging further.`);
  }
  const groups = req.filterGroups ?? [];
  if (!Array.isArray(groups)) throw validationError('filterGroups must be an array');
  if (groups.length > 5) throw validationError('Too many filter groups: at most 5 are allowed');
  if (groups.reduce((n, g) => n + (g?.filters?.length ?? 0), 0) > 25) throw validationError('Too many filters: at most 25 in all');
  const predicates = groups.map((g) => {
    if ((g?.filters?.length ?? 0) > 10) throw validationError('Too many filters in one group: at most 10 are allowed');
    return (g?.filters ?? []).map((f) => compileFilter(portal, type, f));
  });
  const queryTokens = typeof req.query === 'string' ? req.query.toLowerCase().split(/\s+/).filter(Boolean) : [];
  const sorts = compileSorts(portal, type, req.sorts);

  const matches = portal.records.all(type).filter((r) => {
    if (r.archived) return false;
    if (predicates.length && !predicates.some((group) => group.every((p) => p(r)))) return false;
    if (queryTokens.length && !matchesQuery(r, type, queryTokens)) return false;
    return true;
  });
  matches.sort((a, b) => {
    for (const s of sorts) {
      const c = s(a, b);
      if (c) return c;
    }
    return Number(a.id) - Number(b.id);
  });
  const page = matches.slice(after, after + limit);
  const nextAfter = after + limit < matches.length && limit > 0 ? String(after + limit) : undefined;
  return { total: matches.length, page, ...(nextAfter ? { nextAfter } : {}) };
}

function definition(portal: Portal, type: ObjectTypeName, name: string | undefined): PropertyDefinition {
  const def = name ? portal.properties.get(type, name) : undefined;
  if (!def) throw validationError(`Property "${name}" does not exist on ${type}`, [{ message: `Property "${name}" does not exist`, code: 'PROPERTY_DOESNT_EXIST', context: { propertyName: [String(name)] } }]);
  return def;
}

/** Turns a stored or filter value into something comparable for the property's type. */
function toComparable(def: PropertyDefinition, raw: unknown): Comparable | undefined {
  if (raw === undefined || raw === null || raw === '') return undefined;
  if (def.type === 'number') {
    const n = Number(raw);
    return Number.isFinite(n) ? n : undefined;
  }
  if (def.type === 'datetime' || def.type === 'date') {
    const d = parseHubSpotDate(raw);
    if (!d) return undefined;
    // Date-only properties compare by day.
    return def.type === 'date' ? Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()) : d.getTime();
  }
  return String(raw).toLowerCase();
}

function compileFilter(portal: Portal, type: ObjectTypeName, f: SearchFilter): (r: StoredRecord) => boolean {
  const op = String(f?.operator ?? '');
  if (!OPERATORS.has(op)) throw validationError(`Unknown filter operator: ${op}`);
  const def = definition(portal, type, f.propertyName);
  const name = def.name;
  const get = (r: StoredRecord) => toComparable(def, r.properties[name]);
  const need = (raw: unknown, what = 'value'): Comparable => {
    const v = toComparable(def, raw);
    if (v === undefined) throw validationError(`Filter on ${name} with ${op} needs a valid ${what} (got ${JSON.stringify(raw)})`);
    return v;
  };
  switch (op) {
    case 'HAS_PROPERTY':
      return (r) => get(r) !== undefined;
    case 'NOT_HAS_PROPERTY':
      return (r) => get(r) === undefined;
    case 'EQ': {
      const v = need(f.value);
      return (r) => get(r) === v;
    }
    case 'NEQ': {
      const v = need(f.value);
      return (r) => get(r) !== v;
    }
    case 'LT': case 'LTE': case 'GT': case 'GTE': {
      const v = need(f.value);
      return (r) => {
        const x = get(r);
        if (x === undefined) return false;
        return op === 'LT' ? x < v : op === 'LTE' ? x <= v : op === 'GT' ? x > v : x >= v;
      };
    }
    case 'BETWEEN': {
      const lo = need(f.value);
      const hi = need(f.highValue, 'highValue');
      return (r) => {
        const x = get(r);
        return x !== undefined && x >= lo && x <= hi;
      };
    }
    case 'IN': case 'NOT_IN': {
      if (!Array.isArray(f.values)) throw validationError(`Filter on ${name} with ${op} needs "values"`);
      const set = new Set(f.values.map((v) => need(v, 'values entry')));
      return op === 'IN' ? (r) => set.has(get(r) as Comparable) : (r) => !set.has(get(r) as Comparable);
    }
    default: {
      const pattern = tokenPattern(String(f.value ?? ''));
      const contains = (r: StoredRecord) => tokens(r.properties[name]).some((t) => pattern.test(t));
      return op === 'CONTAINS_TOKEN' ? contains : (r) => !contains(r);
    }
  }
}

/** The whole value and its words (split on spaces and punctuation), lower-cased. */
function tokens(value: string | undefined): string[] {
  if (!value) return [];
  const v = value.toLowerCase();
  return [v, ...v.split(/[\s;,]+/), ...v.split(/[^\p{L}\p{N}]+/u)].filter(Boolean);
}

function tokenPattern(value: string): RegExp {
  const escaped = value.toLowerCase().split('*').map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*');
  return new RegExp(`^${escaped}$`);
}

function matchesQuery(r: StoredRecord, type: ObjectTypeName, queryTokens: string[]): boolean {
  const words = OBJECT_TYPES[type].queryProperties.flatMap((p) => tokens(r.properties[p]));
  return queryTokens.every((q) => words.some((w) => w.startsWith(q)));
}

function compileSorts(portal: Portal, type: ObjectTypeName, sorts: SearchRequest['sorts']): ((a: StoredRecord, b: StoredRecord) => number)[] {
  if (sorts === undefined) return [];
  if (!Array.isArray(sorts)) throw validationError('sorts must be an array');
  return sorts.map((s) => {
    let name: string | undefined;
    let descending = false;
    if (typeof s === 'string') {
      descending = s.startsWith('-');
      name = descending ? s.slice(1) : s;
    } else {
      name = s?.propertyName;
      descending = String(s?.direction ?? 'ASCENDING').toUpperCase() === 'DESCENDING';
    }
    const def = definition(portal, type, name);
    return (a, b) => {
      const x = toComparable(def, a.properties[def.name]);
      const y = toComparable(def, b.properties[def.name]);
      // Records without a value come last in either direction.
      if (x === undefined || y === undefined) return x === y ? 0 : x === undefined ? 1 : -1;
      const c = x < y ? -1 : x > y ? 1 : 0;
      return descending ? -c : c;
    };
  });
}
