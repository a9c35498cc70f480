/**
 * The Zoho change feed, polled (the Notifications API is not used in this round).
 *  - Changed records: `GET /{Module}?sort_by=Modified_Time&sort_order=asc` with `If-Modified-Since`, page 1 then the
 *    keyset `page_token`. Modified_Time has SECOND resolution and imports stamp hundreds of records with one second,
 *    so the cursor is a position, not a time: the last delivered `(Modified_Time, id)`, plus what was delivered at
 *    that second (`seen`: id → a fingerprint of the version). Each poll asks from the cursor's time minus the
 *    overlap minus one second (whether Zoho's filter is inclusive or exclusive does not matter then), drops rows
 *    before the cursor's second and, at that second, only the versions already delivered. `seen` is what a plain
 *    `{at, id}` alone would get wrong: a record with a LOWER id changed later in the same second (or one changed twice
 *    in it) would sort before the cursor and be lost; a cursor without `seen` (an earlier shape) still works, by id.
 *    A version is fingerprinted as read, so a poll naming other fields than the last re-delivers the records of the
 *    cursor's second once (harmless: changes are applied idempotently).
 *  - Deletions: `GET /{Module}/deleted?type=all` (newest first, page numbers) with `If-Modified-Since` on the
 *    deletion time, every page read, then delivered oldest first, with a position of their own.
 * The cursor is JSON `{ modified: { at, id, seen }, deleted: { at, id, seen } }` (`at` UTC ISO, null before the first
 * row; opaque to the product); any batch's cursor resumes right after that batch. `changeCursorAt` is made locally;
 * `latestChangeAt` is one call. */
import { createHash } from 'node:crypto';
import { ConnectorError } from '../contract/index.ts';
import type { CallOptions, ChangeBatch, ChangeCursor, ChangeOptions, Deletion, Lane } from '../contract/index.ts';
import type { ZohoApi } from './client.ts';
import { dataOf, infoOf } from './client.ts';
import type { ZohoCatalog } from './describe.ts';
import { MODIFIED_FIELD, signalOf } from './describe.ts';
import { ZOHO } from './errors.ts';
import { clampPageSize, completeRecords, listCall, nextToken, withPlan } from './reads.ts';
import { checkModule, epochOf, toNativeRecord, toUtc, zohoTime } from './records.ts';

/** How far before the cursor a poll asks Zoho again (late commits, clock skew). */
export const DEFAULT_OVERLAP_MS = 60_000;
const DELETED_PAGE = 200;

interface Position {
  /** UTC ISO at second precision; null before the first row. */
  at: string | null;
  /** The id delivered last at `at`; null: nothing at `at` yet (everything at `at` is still to come). */
  id: string | null;
  /** Id → fingerprint of the version (records; deletions: '') delivered at `at`. Absent: everything up to `id` was. */
  seen?: Record<string, string>;
}

interface ZohoChangeCursor {
  modified: Position;
  deleted: Position;
}

const START: Position = { at: null, id: null };

function parsePosition(value: unknown): Position | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const { at, id } = value as { at?: unknown; id?: unknown };
  if (!(at === null || (typeof at === 'string' && !Number.isNaN(Date.parse(at))))) return undefined;
  if (!(id === null || typeof id === 'string')) return undefined;
  const seen = (value as { seen?: unknown }).seen;
  if (seen === undefined) return { at, id };
  if (typeof seen !== 'object' || seen === null || Array.isArray(seen) || !Object.values(seen).every((v) => typeof v === 'string')) return undefined;
  return { at, id, seen: { ...(seen as Record<string, string>) } };
}

export function parseCursor(cursor: ChangeCursor | null): ZohoChangeCursor {
  if (cursor === null || cursor === undefined) return { modified: { ...START }, deleted: { ...START } };
  const c = cursor as { modified?: unknown; deleted?: unknown };
  const modified = typeof cursor === 'object' && !Array.isArray(cursor) ? parsePosition(c.modified) : undefined;
  const deleted = typeof cursor === 'object' && !Array.isArray(cursor) ? parsePosition(c.deleted) : undefined;
  if (!modified || !deleted) throw new ConnectorError('CRM_VALIDATION', ZOHO, 'not a Zoho change cursor (made by another connector or version)');
  return { modified, deleted };
}

/** Zoho stamps whole seconds: floor, and no id, so everything stamped in the second of `at` is read. */
export function changeCursorAt(at: Date): ChangeCursor {
  const ms = at instanceof Date ? at.getTime() : Number.NaN;
  if (!Number.isFinite(ms)) throw new ConnectorError('CRM_VALIDATION', ZOHO, 'a change cursor needs a valid date');
  const second = new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  return { modified: { at: second, id: null, seen: {} }, deleted: { at: second, id: null, seen: {} } };
}

/** Ids are numeric strings of one length in an org; compared as numbers anyway, as Zoho orders them. */
export function compareIds(a: string, b: string): number {
  if (/^\d+$/.test(a) && /^\d+$/.test(b)) return a.length !== b.length ? a.length - b.length : a < b ? -1 : a > b ? 1 : 0;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** True when the version `print` of `id` at `ms` was not delivered yet from `position`. */
export function isNew(ms: number, id: string, print: string, position: Position): boolean {
  if (position.at === null) return true;
  const at = Date.parse(position.at);
  if (ms !== at) return ms > at;
  if (position.seen) return position.seen[id] !== print;
  return position.id === null || compareIds(id, position.id) > 0;
}

/** The position after delivering `(ms, id)` in version `print` (rows come in time order). */
function advance(position: Position, ms: number, id: string, print: string): Position {
  const at = new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
  if (position.at === null || ms > Date.parse(position.at)) return { at, id, seen: { [id]: print } };
  // A cursor without `seen` knows only its last id: the versions before it count as delivered.
  return { at: position.at, id, seen: { ...(position.seen ?? {}), [id]: print } };
}

/** Which version of a record was delivered: content, not time, tells two versions of one second apart. */
export function fingerprint(raw: unknown): string {
  return createHash('sha256').update(JSON.stringify(raw)).digest('base64url').slice(0, 12);
}

/** `If-Modified-Since` for a position: its time minus the overlap and one second; none before the first row. */
function sinceHeader(position: Position, overlapMs: number): Record<string, string> {
  if (position.at === null) return {};
  return { 'If-Modified-Since': zohoTime(Math.max(0, Date.parse(position.at) - overlapMs - 1000)) };
}

export async function* readChanges(api: ZohoApi, catalog: ZohoCatalog, module: string, cursor: ChangeCursor | null, options: ChangeOptions = {}): AsyncGenerator<ChangeBatch> {
  checkModule(module);
  const state = parseCursor(cursor);
  const lane: Lane = options.lane ?? 'sync';
  const signal = signalOf(options);
  const overlapMs = Math.max(0, options.overlapMs ?? DEFAULT_OVERLAP_MS);
  const perPage = clampPageSize(options.pageSize);
  const cursorNow = (): ChangeCursor => JSON.parse(JSON.stringify(state)) as ChangeCursor;
  const headers = sinceHeader(state.modified, overlapMs);

  let token: string | null = null;
  do {
    const pageToken: string | null = token;
    const { records, next } = await withPlan(catalog, module, options.fields, { lane, ...signal }, async (plan) => {
      const page = await listCall(api, lane, module, {
        fields: plan.groups[0]!.join(','), per_page: perPage, sort_by: MODIFIED_FIELD, sort_order: 'asc',
        ...(pageToken === null ? { page: 1 } : { page_token: pageToken }),
      }, { ...signal, headers });
      const fresh = page.records.filter((raw) => {
        const ms = epochOf(raw[MODIFIED_FIELD]);
        return Number.isNaN(ms) || isNew(ms, String(raw.id), fingerprint(raw), state.modified);
      });
      const raws = await completeRecords(api, lane, module, fresh, plan, signal);
      // Fingerprints of what was asked first (the later field groups are read by id, not versioned).
      const prints = new Map(fresh.map((raw) => [String(raw.id), fingerprint(raw)]));
      return { records: raws.map((raw) => ({ record: toNativeRecord(module, raw, plan.map, options.fields), print: prints.get(String(raw.id)) ?? '' })), next: nextToken(page) };
    });
    // Rows come in (Modified_Time, id) order: the last one delivered is the new position.
    for (const { record, print } of records) {
      const at = record.modifiedAt;
      if (at !== null) state.modified = advance(state.modified, Date.parse(at), record.id, print);
    }
    if (records.length > 0) yield { records: records.map((r) => r.record), deletions: [], cursor: cursorNow() };
    token = next;
  } while (token !== null);

  yield* readDeletions(api, module, state, overlapMs, lane, signal, cursorNow);
}

interface ZohoDeleted {
  id?: unknown;
  deleted_time?: unknown;
}

/** Every deletion after the deletion cursor, oldest first, in batches of a page. */
async function* readDeletions(
  api: ZohoApi, module: string, state: ZohoChangeCursor, overlapMs: number, lane: Lane, signal: { signal?: AbortSignal }, cursorNow: () => ChangeCursor,
): AsyncGenerator<ChangeBatch> {
  const headers = sinceHeader(state.deleted, overlapMs);
  const seen = new Map<string, { id: string; ms: number }>();
  for (let page = 1; ; page++) {
    const answer = await api.request(lane, { path: `${module}/deleted`, query: { type: 'all', per_page: DELETED_PAGE, page }, headers, ...signal });
    const rows = dataOf<ZohoDeleted>(answer.body, `${module}/deleted`);
    for (const row of rows) {
      const id = row?.id === undefined || row.id === null ? '' : String(row.id);
      const ms = epochOf(row?.deleted_time);
      // A deletion made while paging shifts the newest-first pages: the same row may come twice, never be skipped.
      if (id !== '' && !Number.isNaN(ms) && isNew(ms, id, '', state.deleted)) seen.set(id, { id, ms });
    }
    if (rows.length === 0 || infoOf(answer.body).more_records !== true) break;
  }
  const ordered = [...seen.values()].sort((a, b) => a.ms - b.ms || compareIds(a.id, b.id));
  for (let i = 0; i < ordered.length; i += DELETED_PAGE) {
    const part = ordered.slice(i, i + DELETED_PAGE);
    const deletions: Deletion[] = part.map((d) => ({ id: d.id, deletedAt: toUtc(new Date(d.ms).toISOString()) }));
    for (const d of part) state.deleted = advance(state.deleted, d.ms, d.id, '');
    yield { records: [], deletions, cursor: cursorNow() };
  }
}

/** The newest Modified_Time of the module's records: one call, newest first, one record, one field. */
export async function latestChangeAt(api: ZohoApi, module: string, options: CallOptions = {}): Promise<Date | null> {
  checkModule(module);
  const page = await listCall(api, options.lane ?? 'sync', module, { fields: MODIFIED_FIELD, sort_by: MODIFIED_FIELD, sort_order: 'desc', per_page: 1 }, signalOf(options));
  const ms = epochOf(page.records[0]?.[MODIFIED_FIELD]);
  return Number.isNaN(ms) ? null : new Date(ms);
}
