/**
 * The system query options of a collection read ($select, $filter, $orderby, $top, $count, $skiptoken,
 * $deltatoken; $expand in expand.ts) and the `Prefer` header. Options Dataverse knows but this sandbox does not
 * serve ($apply, $search) are refused with a clear 400 rather than ignored, so a connector never trusts a half-answered query;
 * `$skip` is refused because Dataverse refuses it.
 */
import { badQuery } from '../errors.ts';
import type { AttributeDef } from '../schema.ts';
import { isLookupType } from '../store.ts';
import type { TableState } from '../store.ts';
import { unknownProperty } from '../errors.ts';
import { parseFilter } from './filter.ts';
import type { Expr } from './filter.ts';

export interface Prefer {
  maxPageSize?: number;
  returnRepresentation: boolean;
  includeAnnotations: boolean;
  /** The annotations asked for, as written (echoed in Preference-Applied). */
  annotations?: string;
  trackChanges: boolean;
  continueOnError: boolean;
}

/** `Prefer: odata.maxpagesize=50, return=representation, odata.include-annotations="*"` (several headers joined). */
export function parsePrefer(header: string | undefined): Prefer {
  const prefer: Prefer = { returnRepresentation: false, includeAnnotations: false, trackChanges: false, continueOnError: false };
  // Split on commas outside double quotes: `odata.include-annotations="A,B"` is one preference.
  for (const part of (header ?? '').match(/(?:[^,"]|"[^"]*")+/g) ?? []) {
    const [rawName, ...rest] = part.trim().split('=');
    const name = (rawName ?? '').trim().toLowerCase();
    const value = rest.join('=').trim().replace(/^"|"$/g, '');
    if (name === 'odata.maxpagesize' && /^\d+$/.test(value)) prefer.maxPageSize = Number(value);
    else if (name === 'return' && value === 'representation') prefer.returnRepresentation = true;
    // `*` or any list naming FormattedValue / lookuplogicalname: the sandbox adds both kinds either way.
    else if (name === 'odata.include-annotations' && value !== '') {
      prefer.includeAnnotations = true;
      prefer.annotations = value;
    }
    else if (name === 'odata.track-changes') prefer.trackChanges = true;
    else if (name === 'odata.continue-on-error') prefer.continueOnError = true;
  }
  return prefer;
}

export const MAX_PAGE_SIZE = 5000;

export interface OrderTerm {
  prop: string;
  attr: AttributeDef;
  desc: boolean;
}

export interface CollectionQuery {
  /** Property names as given ($select order), or undefined for every attribute. */
  select?: string[];
  filter?: Expr;
  filterText?: string;
  orderby: OrderTerm[];
  top?: number;
  count: boolean;
  skiptoken?: string;
  deltatoken?: string;
}

const SUPPORTED = new Set(['$select', '$filter', '$orderby', '$top', '$count', '$skiptoken', '$deltatoken', '$expand']);

/** Resolves a property as a query may name it: an attribute, or a lookup as `_<name>_value` (never bare). */
export function queryProperty(table: TableState, name: string): AttributeDef {
  const lookup = /^_(.+)_value$/.exec(name);
  if (lookup) {
    const a = table.attribute(lookup[1]!);
    if (a && isLookupType(a)) return a;
  } else {
    const a = table.attribute(name);
    if (a && !isLookupType(a)) return a;
  }
  throw unknownProperty(name, table.def.logicalName);
}

export function parseSelect(table: TableState, raw: string | null): string[] | undefined {
  if (raw === null) return undefined;
  const names = raw.split(',').map((s) => s.trim()).filter(Boolean);
  for (const n of names) queryProperty(table, n);
  return names;
}

export function parseCollectionQuery(table: TableState, params: URLSearchParams): CollectionQuery {
  for (const key of params.keys()) {
    if (!key.startsWith('$')) continue;
    if (key === '$skip') throw badQuery('The query parameter $skip is not supported. Use $skiptoken from @odata.nextLink.');
    if (!SUPPORTED.has(key)) throw badQuery(`The query parameter ${key} is not supported by this sandbox.`);
  }
  const filterText = params.get('$filter') ?? undefined;
  const topRaw = params.get('$top');
  if (topRaw !== null && !/^\d+$/.test(topRaw)) throw badQuery(`Invalid value '${topRaw}' for $top query option found. The $top query option requires a non-negative integer value.`);
  const countRaw = params.get('$count');
  if (countRaw !== null && countRaw !== 'true' && countRaw !== 'false') throw badQuery(`'${countRaw}' is not a valid count option.`);
  return {
    select: parseSelect(table, params.get('$select')),
    ...(filterText !== undefined ? { filter: parseFilter(filterText, (n) => queryProperty(table, n)), filterText } : {}),
    orderby: parseOrderby(table, params.get('$orderby')),
    ...(topRaw !== null ? { top: Number(topRaw) } : {}),
    count: countRaw === 'true',
    ...(params.get('$skiptoken') !== null ? { skiptoken: params.get('$skiptoken')! } : {}),
    ...(params.get('$deltatoken') !== null ? { deltatoken: params.get('$deltatoken')! } : {}),
  };
}

function parseOrderby(table: TableState, raw: string | null): OrderTerm[] {
  if (raw === null) return [];
  return raw.split(',').map((term) => {
    const [prop, dir, extra] = term.trim().split(/\s+/);
    if (!prop || extra !== undefined || (dir !== undefined && dir !== 'asc' && dir !== 'desc')) throw badQuery(`Syntax error in $orderby '${raw}'.`);
    return { prop, attr: queryProperty(table, prop), desc: dir === 'desc' };
  });
}

/** Query-string values as Dataverse writes them in links: percent-encoded, with `$ , ' ( ) : /` left readable. */
export function encodeQueryValue(value: string): string {
  return encodeURIComponent(value).replace(/%2C/g, ',').replace(/%27/g, "'").replace(/%28/g, '(').replace(/%29/g, ')')
    .replace(/%3A/g, ':').replace(/%2F/g, '/').replace(/%24/g, '$').replace(/%21/g, '!');
}

/** Rebuilds a query string from the given options, in a stable order. */
export function buildQuery(options: [string, string | undefined][]): string {
  const parts = options.filter((o): o is [string, string] => o[1] !== undefined).map(([k, v]) => `${k}=${encodeQueryValue(v)}`);
  return parts.length ? `?${parts.join('&')}` : '';
}
