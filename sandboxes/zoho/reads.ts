/**
 * `GET /crm/v8/{Module}`: `fields` (required, ≤ 50), `ids`, `If-Modified-Since` (Modified_Time >= it), sorting by
 * id / Created_Time / Modified_Time with ties broken by id in the same direction, and two kinds of paging:
 * `page` numbers (up to 2000 records deep) and `page_token`, a keyset position (the last row's sort key and id plus
 * the query's sort and filter), so a record modified while a client pages moves on and is never skipped.
 */
import { invalidData, requiredParam, ZohoError } from './errors.ts';
import { renderRecord } from './render.ts';
import type { FieldDef, ModuleName } from './schema.ts';
import { compareIds } from './store.ts';
import type { Org, ZohoRecord } from './store.ts';
import { formatTime, parseTime } from './time.ts';

export const MAX_FIELDS = 50;
export const MAX_PER_PAGE = 200;
export const MAX_IDS = 100;
export const PAGE_DEPTH = 2000;
const TOKEN_TTL_MS = 86_400_000;

type SortBy = 'id' | 'Created_Time' | 'Modified_Time';
type SortOrder = 'asc' | 'desc';

interface PageToken {
  /** sort_by, sort_order, If-Modified-Since (ms or null) of the query that started the paging. */
  s: SortBy;
  o: SortOrder;
  f: number | null;
  /** The last row handed out: its sort key and id. */
  k: number | string;
  id: string;
  /** The page number that row was on, and when the token stops being valid. */
  p: number;
  x: number;
}

export type Query = Record<string, unknown>;

const str = (q: Query, name: string) => (typeof q[name] === 'string' ? (q[name] as string) : undefined);

/** The `fields` parameter: required, at most 50 names, each a field of the module. */
export function parseFields(org: Org, module: ModuleName, raw: string | undefined): FieldDef[] {
  const names = (raw ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  if (!names.length) throw requiredParam('fields');
  if (names.length > MAX_FIELDS) {
    throw new ZohoError(400, 'LIMIT_EXCEEDED', `fields can not have more than ${MAX_FIELDS} field api names`, { param: 'fields', limit: MAX_FIELDS });
  }
  const out: FieldDef[] = [];
  for (const name of names) {
    if (name === 'id') continue;
    const field = org.field(module, name);
    if (!field) throw invalidData('invalid data', { api_name: name });
    if (!out.includes(field)) out.push(field);
  }
  return out;
}

function intParam(q: Query, name: string, min: number, max: number, fallback: number): number {
  const raw = str(q, name);
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n < min || n > max) throw invalidData(`invalid ${name}`, { param_name: name });
  return n;
}

function sortKey(record: ZohoRecord, by: SortBy): number | string {
  return by === 'id' ? record.id : by === 'Created_Time' ? record.createdAt : record.modifiedAt;
}

function compareKeys(a: number | string, aId: string, b: number | string, bId: string, order: SortOrder): number {
  const c = (typeof a === 'number' && typeof b === 'number' ? a - b : compareIds(String(a), String(b))) || compareIds(aId, bId);
  return order === 'asc' ? c : -c;
}

function encodeToken(t: PageToken): string {
  return Buffer.from(JSON.stringify(t)).toString('base64url');
}

function decodeToken(raw: string): PageToken {
  let t: PageToken;
  try {
    t = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as PageToken;
  } catch {
    throw invalidData('invalid page token', { param_name: 'page_token' });
  }
  if (!t || typeof t !== 'object' || typeof t.id !== 'string' || typeof t.x !== 'number') {
    throw invalidData('invalid page token', { param_name: 'page_token' });
  }
  if (t.x <= Date.now()) throw invalidData('page token expired', { param_name: 'page_token' });
  return t;
}

/** `If-Modified-Since`: any ISO-8601 with offset (or an HTTP date); unparsable → 400. */
export function sinceHeader(value: string | undefined): number | undefined {
  if (value === undefined || value === '') return undefined;
  const ms = parseTime(value);
  if (ms === undefined) throw invalidData('invalid If-Modified-Since header', { header: 'If-Modified-Since' });
  return ms;
}

/** The list answer, or null for 204 (nothing matches). */
export function listRecords(org: Org, module: ModuleName, q: Query, ifModifiedSince: string | undefined): Record<string, unknown> | null {
  const fields = parseFields(org, module, str(q, 'fields'));
  const perPage = intParam(q, 'per_page', 1, MAX_PER_PAGE, MAX_PER_PAGE);
  const records = [...org.module(module).records.values()];
  const idsParam = str(q, 'ids');
  if (idsParam !== undefined) {
    const ids = idsParam.split(',').map((s) => s.trim()).filter(Boolean);
    if (ids.length > MAX_IDS) throw new ZohoError(400, 'LIMIT_EXCEEDED', `ids can not be more than ${MAX_IDS}`, { param: 'ids', limit: MAX_IDS });
    const since = sinceHeader(ifModifiedSince);
    const found = [...new Set(ids)].flatMap((id) => {
      const r = org.module(module).records.get(id);
      return r && (since === undefined || r.modifiedAt >= since) ? [r] : [];
    });
    if (!found.length) return null;
    return {
      data: found.map((r) => renderRecord(org, module, r, fields)),
      info: { per_page: found.length, count: found.length, page: 1, sort_by: 'id', sort_order: 'asc', more_records: false,
        next_page_token: null, previous_page_token: null, page_token_expiry: null },
    };
  }
  const rawToken = str(q, 'page_token');
  if (rawToken !== undefined && str(q, 'page') !== undefined) {
    throw new ZohoError(400, 'INVALID_REQUEST', 'page and page_token can not be given together', { param_names: ['page', 'page_token'] });
  }
  const token = rawToken === undefined ? undefined : decodeToken(rawToken);
  let sortBy: SortBy;
  let sortOrder: SortOrder;
  let since: number | undefined;
  if (token) {
    // The token carries the query that started the paging: a later header or sort parameter cannot change it.
    ({ s: sortBy, o: sortOrder } = token);
    since = token.f ?? undefined;
  } else {
    const by = str(q, 'sort_by') ?? 'id';
    if (by !== 'id' && by !== 'Created_Time' && by !== 'Modified_Time') throw invalidData('invalid sort_by', { param_name: 'sort_by' });
    sortBy = by;
    const order = str(q, 'sort_order') ?? (sortBy === 'id' ? 'asc' : 'desc');
    if (order !== 'asc' && order !== 'desc') throw invalidData('invalid sort_order', { param_name: 'sort_order' });
    sortOrder = order;
    since = sinceHeader(ifModifiedSince);
  }
  const matching = records
    .filter((r) => since === undefined || r.modifiedAt >= since)
    .sort((a, b) => compareKeys(sortKey(a, sortBy), a.id, sortKey(b, sortBy), b.id, sortOrder));
  let page: number;
  let rest: ZohoRecord[];
  if (token) {
    page = token.p + 1;
    rest = matching.filter((r) => compareKeys(sortKey(r, sortBy), r.id, token.k, token.id, sortOrder) > 0);
  } else {
    page = intParam(q, 'page', 1, Number.MAX_SAFE_INTEGER, 1);
    if (page * perPage > PAGE_DEPTH) {
      throw new ZohoError(400, 'DISCRETE_PAGINATION_LIMIT_EXCEEDED', `page numbers reach ${PAGE_DEPTH} records; use page_token beyond`, { limit: PAGE_DEPTH });
    }
    rest = matching.slice((page - 1) * perPage);
  }
  const rows = rest.slice(0, perPage);
  if (!rows.length) return null;
  const more = rest.length > rows.length;
  const last = rows[rows.length - 1]!;
  const expiry = Date.now() + TOKEN_TTL_MS;
  const next = more ? encodeToken({ s: sortBy, o: sortOrder, f: since ?? null, k: sortKey(last, sortBy), id: last.id, p: page, x: expiry }) : null;
  return {
    data: rows.map((r) => renderRecord(org, module, r, fields)),
    info: {
      per_page: perPage, count: rows.length, page, sort_by: sortBy, sort_order: sortOrder, more_records: more,
      next_page_token: next, previous_page_token: rawToken ?? null, page_token_expiry: next ? formatTime(expiry, org.cfg.offset) : null,
    },
  };
}

/** `GET /crm/v8/{Module}/deleted`: the recycle bin, newest deletion first (ties by id desc); null for 204. */
export function listDeleted(org: Org, module: ModuleName, q: Query, ifModifiedSince: string | undefined): Record<string, unknown> | null {
  const type = str(q, 'type') ?? 'all';
  if (!['all', 'recycle', 'permanent'].includes(type)) throw invalidData('invalid type', { param_name: 'type' });
  const perPage = intParam(q, 'per_page', 1, MAX_PER_PAGE, MAX_PER_PAGE);
  const page = intParam(q, 'page', 1, Number.MAX_SAFE_INTEGER, 1);
  const since = sinceHeader(ifModifiedSince);
  // Every delete goes to the recycle bin; nothing is ever purged permanently here.
  const all = type === 'permanent' ? [] : [...org.module(module).tombstones.values()]
    .filter((t) => since === undefined || t.deletedAt >= since)
    .sort((a, b) => b.deletedAt - a.deletedAt || compareIds(b.id, a.id));
  const rows = all.slice((page - 1) * perPage, page * perPage);
  if (!rows.length) return null;
  const user = { name: org.user.name, id: org.user.id };
  return {
    data: rows.map((t) => ({
      deleted_by: user, id: t.id, display_name: t.displayName, type: 'recycle', created_by: user,
      deleted_time: formatTime(t.deletedAt, org.cfg.offset),
    })),
    info: { per_page: perPage, count: rows.length, page, more_records: all.length > page * perPage },
  };
}
