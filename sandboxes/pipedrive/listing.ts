/**
 * `GET /api/v2/{obj}` paging: filters (`ids`, `updated_since` inclusive, `updated_until` exclusive, `owner_id`,
 * `org_id`, `person_id`, `status`), the order (`sort_by` id|update_time|add_time, `sort_direction`, ties broken
 * by id) and opaque keyset cursors. A cursor remembers the last record's sort key and id, so a page never repeats
 * or skips a record even when many share one update_time or records change between pages.
 */
import type { Request } from 'express';
import { badRequest } from './errors.ts';
import type { ObjectName } from './objects.ts';
import type { StoredRecord } from './store.ts';
import { intQuery, stringQuery } from './routes/context.ts';
import { parseRfc3339 } from './time.ts';

const SORT_KEYS = { id: (r: StoredRecord) => r.id, update_time: (r: StoredRecord) => r.updateTime, add_time: (r: StoredRecord) => r.addTime };
type SortBy = keyof typeof SORT_KEYS;

interface Cursor {
  sortBy: SortBy;
  desc: boolean;
  key: number;
  id: number;
}

const encode = (c: Cursor): string => Buffer.from(JSON.stringify(c)).toString('base64url');

function decode(text: string): Cursor {
  try {
    const c = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as Cursor;
    if (Object.hasOwn(SORT_KEYS, c.sortBy) && typeof c.desc === 'boolean' && Number.isFinite(c.key) && Number.isSafeInteger(c.id)) return c;
  } catch {
    // Falls through to the 400 below.
  }
  throw badRequest('Invalid cursor');
}

function timeQuery(req: Request, name: string): number | undefined {
  const raw = stringQuery(req, name);
  if (raw === undefined || raw === '') return undefined;
  const ms = parseRfc3339(raw);
  if (ms === undefined) throw badRequest(`Invalid value for ${name}: an RFC 3339 date-time is expected (e.g. 2024-05-01T12:00:00Z)`);
  return ms;
}

function idsQuery(req: Request, name: string, max: number): Set<number> | undefined {
  const raw = stringQuery(req, name);
  if (raw === undefined || raw === '') return undefined;
  const parts = raw.split(',').map((s) => s.trim()).filter(Boolean);
  if (parts.some((p) => !/^\d+$/.test(p))) throw badRequest(`Invalid value for ${name}: comma-separated integers are expected`);
  if (parts.length > max) throw badRequest(`Invalid value for ${name}: at most ${max} values are allowed`);
  return new Set(parts.map(Number));
}

function intFilter(req: Request, name: string): number | undefined {
  const ids = idsQuery(req, name, 1);
  return ids ? [...ids][0] : undefined;
}

export function listPage(req: Request, object: ObjectName, records: StoredRecord[]): { page: StoredRecord[]; nextCursor: string | null } {
  const limit = intQuery(req, 'limit', 100, 1, 500);
  const sortBy = (stringQuery(req, 'sort_by') ?? 'id') as SortBy;
  if (!Object.hasOwn(SORT_KEYS, sortBy)) throw badRequest('Invalid value for sort_by: one of id, update_time, add_time is expected');
  const direction = stringQuery(req, 'sort_direction') ?? 'asc';
  if (direction !== 'asc' && direction !== 'desc') throw badRequest('Invalid value for sort_direction: asc or desc is expected');
  const desc = direction === 'desc';
  const rawCursor = stringQuery(req, 'cursor');
  const cursor = rawCursor ? decode(rawCursor) : undefined;
  if (cursor && (cursor.sortBy !== sortBy || cursor.desc !== desc)) throw badRequest('The cursor belongs to another sort order');

  const ids = idsQuery(req, 'ids', 100);
  const since = timeQuery(req, 'updated_since');
  const until = timeQuery(req, 'updated_until');
  const owner = intFilter(req, 'owner_id');
  const org = object === 'organizations' ? undefined : intFilter(req, 'org_id');
  const person = object === 'deals' ? intFilter(req, 'person_id') : undefined;
  const status = object === 'deals' ? stringQuery(req, 'status') : undefined;

  const key = SORT_KEYS[sortBy];
  const sign = desc ? -1 : 1;
  const compare = (a: StoredRecord, b: StoredRecord) => sign * (key(a) - key(b) || a.id - b.id);
  const after = (r: StoredRecord) => !cursor || sign * (key(r) - cursor.key || r.id - cursor.id) > 0;
  const matching = records
    .filter((r) => !r.deleted)
    .filter((r) => (ids ? ids.has(r.id) : true))
    .filter((r) => (since === undefined || r.updateTime >= since) && (until === undefined || r.updateTime < until))
    .filter((r) => (owner === undefined || r.fields.owner_id === owner) && (org === undefined || r.fields.org_id === org))
    .filter((r) => (person === undefined || r.fields.person_id === person) && (status === undefined || r.fields.status === status))
    .filter(after)
    .sort(compare);
  const page = matching.slice(0, limit);
  const last = page.at(-1);
  const nextCursor = matching.length > limit && last ? encode({ sortBy, desc, key: key(last), id: last.id }) : null;
  return { page, nextCursor };
}
