/**
 * The Pipedrive change feed, polled (Pipedrive has webhooks, but polling is this connector's change capture).
 *  - Changed records: the v2 list with `updated_since` (inclusive) sorted by `update_time` ascending, following
 *    `next_cursor`. Deleted records are never listed there.
 *  - Deletions: the v1 `recents` feed of the object's item type from the same time, entries with
 *    `active_flag: false` (or `is_deleted`).
 * Timestamps have SECOND precision and imports stamp hundreds of records with one second, so the cursor cannot be
 * "after the last time": it keeps the last second and what was delivered at it. Each poll re-reads that second
 * (inclusive `updated_since`) and skips only the exact versions already delivered: a record is remembered by id
 * AND a fingerprint of its content, so one changed again within the same second comes back (a timestamp cannot
 * tell the two versions apart, the content can). Resuming from any batch's cursor thus neither repeats nor loses a
 * record; `overlapMs` (default 60 s) re-reads further back for late commits and clock skew.
 */
import { createHash } from 'node:crypto';
import { ConnectorError } from '../contract/index.ts';
import type { CallOptions, ChangeBatch, ChangeCursor, ChangeOptions, Deletion, Lane } from '../contract/index.ts';
import type { PipedriveApi, PipedriveEnvelope } from './client.ts';
import { PIPEDRIVE, PIPEDRIVE_V1, PIPEDRIVE_V2, expectList, nextCursorOf, nextStartOf } from './client.ts';
import type { FieldCatalog } from './describe.ts';
import { objectInfo } from './describe.ts';
import { clampPageSize, mapRecords } from './reads.ts';
import type { PipedriveRecord } from './records.ts';

export const DEFAULT_OVERLAP_MS = 60_000;
const RECENTS_PAGE = 500;

/** The stored cursor: opaque to the sync layer, JSON for the database. */
interface PipedriveChangeCursor {
  v: 1;
  /** Latest `update_time` delivered (epoch ms, whole seconds), null before the first record. */
  since: number | null;
  /** Record id → fingerprint of the version delivered with `update_time` exactly `since`. */
  seen: Record<string, string>;
  /** Position in the recents feed (every entry, live or deleted, moves it), null before the first entry. */
  recentsSince: number | null;
  /** `id:d` / `id:a` keys of the entries (deleted / alive) read at exactly `recentsSince`. */
  recentsSeen: string[];
}

export function parseCursor(cursor: ChangeCursor | null): PipedriveChangeCursor {
  if (cursor === null || cursor === undefined) return { v: 1, since: null, seen: {}, recentsSince: null, recentsSeen: [] };
  const c = cursor as Partial<PipedriveChangeCursor>;
  const okTime = (t: unknown) => t === null || (typeof t === 'number' && Number.isFinite(t));
  const okSeen = (s: unknown) => typeof s === 'object' && s !== null && !Array.isArray(s) && Object.values(s).every((v) => typeof v === 'string');
  const okKeys = (ids: unknown) => Array.isArray(ids) && ids.every((id) => typeof id === 'string');
  if (typeof cursor !== 'object' || Array.isArray(cursor) || c.v !== 1 || !okTime(c.since) || !okSeen(c.seen) || !okTime(c.recentsSince) || !okKeys(c.recentsSeen)) {
    throw new ConnectorError('CRM_VALIDATION', PIPEDRIVE, 'not a Pipedrive change cursor (made by another connector or version)');
  }
  return { v: 1, since: c.since ?? null, seen: { ...c.seen }, recentsSince: c.recentsSince ?? null, recentsSeen: [...c.recentsSeen!] };
}

/** Pipedrive stamps whole seconds: floor so nothing stamped in the same second as `at` is skipped. */
export function changeCursorAt(at: Date): ChangeCursor {
  const ms = at.getTime();
  if (!Number.isFinite(ms)) throw new ConnectorError('CRM_VALIDATION', PIPEDRIVE, 'a change cursor needs a valid date');
  const second = Math.floor(ms / 1000) * 1000;
  const cursor: PipedriveChangeCursor = { v: 1, since: second, seen: {}, recentsSince: second, recentsSeen: [] };
  return { ...cursor };
}

/** RFC 3339 at second precision, as the v2 filters take it. */
export function rfc3339(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** `YYYY-MM-DD HH:MM:SS` (UTC), as the v1 recents feed takes and gives times. */
export function v1Time(ms: number): string {
  return rfc3339(ms).replace('T', ' ').replace('Z', '');
}

/** Epoch ms of a v2 (RFC 3339) or v1 (`YYYY-MM-DD HH:MM:SS`, UTC) timestamp; NaN when unreadable. */
export function epochOf(value: unknown): number {
  if (typeof value !== 'string' || value === '') return Number.NaN;
  const v1 = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/.test(value);
  return Date.parse(v1 ? `${value.replace(' ', 'T')}Z` : value);
}

/** Which version of a record was delivered: content, not time, tells two versions of one second apart. */
export function fingerprint(raw: unknown): string {
  return createHash('sha256').update(JSON.stringify(raw)).digest('base64url').slice(0, 16);
}

export async function* readChanges(api: PipedriveApi, catalog: FieldCatalog, objectType: string, cursor: ChangeCursor | null, options: ChangeOptions = {}): AsyncGenerator<ChangeBatch> {
  const info = objectInfo(objectType);
  const state = parseCursor(cursor);
  const lane = options.lane ?? 'sync';
  const signal = options.signal ? { signal: options.signal } : {};
  const overlapMs = Math.max(0, options.overlapMs ?? DEFAULT_OVERLAP_MS);
  const limit = clampPageSize(options.pageSize);
  const records = { since: state.since, seen: new Map(Object.entries(state.seen)) };
  const recents = { since: state.recentsSince, seen: new Set(state.recentsSeen) };
  const cursorNow = (): ChangeCursor => ({
    v: 1, since: records.since, seen: Object.fromEntries(records.seen), recentsSince: recents.since, recentsSeen: [...recents.seen],
  });

  const from = state.since === null ? undefined : rfc3339(Math.max(0, state.since - overlapMs));
  let next: string | null = null;
  do {
    const page: PipedriveEnvelope<unknown> = await api.request(lane, {
      path: `${PIPEDRIVE_V2}/${objectType}`,
      query: { limit, sort_by: 'update_time', sort_direction: 'asc', updated_since: from, cursor: next ?? undefined },
      ...signal,
    });
    const raws: PipedriveRecord[] = expectList<PipedriveRecord>(page, 'a change page');
    const fresh: PipedriveRecord[] = [];
    for (const raw of raws) {
      const id = String(raw.id);
      const time = epochOf(raw.update_time);
      const print = fingerprint(raw);
      // This very version was delivered at the cursor's second.
      if (time === records.since && records.seen.get(id) === print) continue;
      fresh.push(raw);
      if (Number.isNaN(time)) continue;
      if (records.since === null || time > records.since) {
        records.since = time;
        records.seen = new Map([[id, print]]);
      } else if (time === records.since) {
        records.seen.set(id, print);
      }
    }
    if (fresh.length) yield { records: await mapRecords(catalog, objectType, fresh, options.fields, { lane, ...signal }), deletions: [], cursor: cursorNow() };
    next = raws.length ? nextCursorOf(page) : null;
  } while (next !== null);

  yield* readDeletions(api, info.singular, recents, overlapMs, lane, options.signal, cursorNow);
}

interface RecentsEntry {
  item?: string;
  id?: number | string;
  data?: { id?: number | string; active_flag?: boolean; is_deleted?: boolean; status?: string; update_time?: string } | null;
}

/**
 * Deletions from the recents feed, oldest first. Every entry (a live change too) moves the feed's position, so a
 * poll reads only the recents since the last one, not the account's whole history again.
 */
async function* readDeletions(
  api: PipedriveApi, item: string, position: { since: number | null; seen: Set<string> }, overlapMs: number,
  lane: Lane, signal: AbortSignal | undefined, cursorNow: () => ChangeCursor,
): AsyncGenerator<ChangeBatch> {
  const since = v1Time(position.since === null ? 0 : Math.max(0, position.since - overlapMs));
  let start: number | null = 0;
  while (start !== null) {
    const page = await api.request(lane, {
      path: `${PIPEDRIVE_V1}/recents`,
      query: { since_timestamp: since, items: item, start, limit: RECENTS_PAGE },
      ...(signal ? { signal } : {}),
    });
    const deletions: Deletion[] = [];
    let moved = false;
    for (const entry of expectList<RecentsEntry>(page, 'the recents feed')) {
      if (entry?.item !== undefined && entry.item !== item) continue;
      const id = String(entry?.data?.id ?? entry?.id ?? '');
      if (id === '') continue;
      const deleted = entry.data?.active_flag === false || entry.data?.is_deleted === true || entry.data?.status === 'deleted';
      const key = `${id}:${deleted ? 'd' : 'a'}`;
      const time = epochOf(entry.data?.update_time);
      if (time === position.since && position.seen.has(key)) continue;
      if (deleted) deletions.push({ id, deletedAt: Number.isNaN(time) ? null : new Date(time).toISOString() });
      if (Number.isNaN(time)) continue;
      if (position.since === null || time > position.since) {
        position.since = time;
        position.seen = new Set([key]);
        moved = true;
      } else if (time === position.since) {
        position.seen.add(key);
        moved = true;
      }
    }
    if (deletions.length || moved) yield { records: [], deletions, cursor: cursorNow() };
    start = nextStartOf(page);
  }
}

/** The newest `update_time` of the object's live records: one list call, sorted descending, one record. */
export async function latestChangeAt(api: PipedriveApi, objectType: string, options: CallOptions = {}): Promise<Date | null> {
  objectInfo(objectType);
  const page = await api.request(options.lane ?? 'sync', {
    path: `${PIPEDRIVE_V2}/${objectType}`,
    query: { limit: 1, sort_by: 'update_time', sort_direction: 'desc' },
    ...(options.signal ? { signal: options.signal } : {}),
  });
  const newest = expectList<PipedriveRecord>(page, 'a list page')[0];
  if (!newest) return null;
  const time = epochOf(newest.update_time);
  return Number.isNaN(time) ? null : new Date(time);
}
