/**
 * The Dataverse change feed, through change tracking (`Prefer: odata.track-changes`). Dataverse has no webhooks we
 * can register through the Web API, so polling this feed is the connector's change capture.
 *
 * The cursor holds the link to follow next — a page of a read under way (`@odata.nextLink`), or the `deltaLink`
 * once caught up — and the newest `modifiedon` delivered. Following a deltaLink returns the rows written after its
 * version and tombstones of deleted rows, in version order (the org-wide counter every write bumps), so two changes
 * in the same second are told apart by version, never by time, and resuming from any batch's cursor neither repeats
 * nor loses a change.
 *
 * Starting points (no link yet):
 *  - a null cursor reads a delta from just before the oldest row's version (one query finds it): every row, as a
 *    change, in version order — oldest change first, which a tracked full read (rows by id) does not give —
 *    ending with the first deltaLink;
 *  - `changeCursorAt(T)` (made locally, it holds only T) starts from the newest version written before T − overlap,
 *    found with one query (`$filter=modifiedon lt …&$orderby=versionnumber desc&$top=1`): rows changed since T and
 *    rows DELETED since T both come back, and rows last changed before T − overlap are skipped. A tracked full read
 *    (no token) could not see those deletions, and would read every row again.
 * Both build a deltaLink from a version number, which Dataverse's token format `<version>!<MM/dd/yyyy HH:mm:ss>`
 * allows. When the org refuses it — a version older than it keeps (400 0x80044352) or any 400 to a link we built —
 * and when a stored deltaLink has expired, the feed falls back to a tracked full read (no token, no `$filter`, which
 * change tracking refuses): rows changed since the cursor's time (minus overlap) are emitted, the new deltaLink is
 * stored. Deletions made while the token was expired are not seen: that is reported through `onReset` (the gateway
 * logs it) and documented in README.md.
 */
import { ConnectorError } from '../contract/index.ts';
import type { CallOptions, ChangeBatch, ChangeCursor, ChangeOptions, Deletion, Lane, NativeRecord } from '../contract/index.ts';
import type { DynamicsApi } from './client.ts';
import { DYNAMICS } from './client.ts';
import type { AttributeMap } from './attributes.ts';
import type { DynamicsCatalog } from './describe.ts';
import { DATAVERSE_CODES } from './errors.ts';
import type { DataverseRow } from './records.ts';
import { toNativeRecord } from './records.ts';
import { clampPageSize, readPreferences, withColumns } from './reads.ts';

export const DEFAULT_OVERLAP_MS = 60_000;
const TRACK_CHANGES = 'odata.track-changes';

/** The stored cursor: opaque to the sync layer, JSON for the database. */
interface DynamicsChangeCursor {
  v: 1;
  crm: typeof DYNAMICS;
  /** The link to follow next with change tracking; null: a read starts from `from`. */
  link: string | null;
  /** While the first read from a time runs: rows last changed before `from` − overlap are no changes. */
  from: number | null;
  /** The newest `modifiedon` delivered (epoch ms): where a read starts again after the token expired. */
  latest: number | null;
}

/** Why the feed fell back to a tracked full read, for logs. */
export interface ChangeFeedReset {
  objectType: string;
  reason: string;
  /** Rows changed since this moment are read again (null: every row). */
  since: string | null;
}

export interface ChangeFeedHooks {
  onReset?: (reset: ChangeFeedReset) => void;
}

function invalidCursor(): ConnectorError {
  return new ConnectorError('CRM_VALIDATION', DYNAMICS, 'not a Dynamics change cursor (made by another connector or version)');
}

export function parseCursor(cursor: ChangeCursor | null): DynamicsChangeCursor {
  if (cursor === null || cursor === undefined) return { v: 1, crm: DYNAMICS, link: null, from: null, latest: null };
  if (typeof cursor !== 'object' || Array.isArray(cursor)) throw invalidCursor();
  const c = cursor as Partial<DynamicsChangeCursor>;
  const okTime = (t: unknown) => t === null || (typeof t === 'number' && Number.isFinite(t));
  if (c.v !== 1 || c.crm !== DYNAMICS || !(c.link === null || typeof c.link === 'string') || !okTime(c.from) || !okTime(c.latest)) throw invalidCursor();
  return { v: 1, crm: DYNAMICS, link: c.link ?? null, from: c.from ?? null, latest: c.latest ?? null };
}

/** A cursor from which every change at or after `at` is read (made locally: no call). */
export function changeCursorAt(at: Date): ChangeCursor {
  const ms = at.getTime();
  if (!Number.isFinite(ms)) throw new ConnectorError('CRM_VALIDATION', DYNAMICS, 'a change cursor needs a valid date');
  // Dataverse stamps whole seconds: floor, so nothing stamped in the second of `at` is skipped.
  const second = Math.floor(ms / 1000) * 1000;
  return { v: 1, crm: DYNAMICS, link: null, from: second, latest: second };
}

/** ISO-8601 UTC without milliseconds, as Dataverse writes and `$filter` takes datetimes (unquoted). */
export function isoSeconds(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** `MM/dd/yyyy HH:mm:ss` (UTC), the time part of a delta token. */
function tokenTime(ms: number): string {
  const d = new Date(Math.max(0, ms));
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(d.getUTCMonth() + 1)}/${two(d.getUTCDate())}/${d.getUTCFullYear()} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())}`;
}

/**
 * `link` with its `$select` set to `select` (removed when every column is wanted), other options untouched: a
 * stored deltaLink keeps the columns of the call that made it, and a caller may now want others.
 */
export function withSelect(link: string, select: string | undefined): string {
  const [path, query = ''] = link.split('?', 2) as [string, string?];
  const parts = query.split('&').filter((p) => p !== '');
  const isSelect = (p: string) => /^(\$|%24)select=/i.test(p);
  const current = parts.find(isSelect);
  const wanted = select === undefined ? undefined : `$select=${select}`;
  if ((current === undefined && wanted === undefined) || (current !== undefined && wanted !== undefined && decodeURIComponent(current.replace(/^%24/i, '$')) === wanted)) return link;
  const rest = parts.filter((p) => !isSelect(p));
  const next = wanted === undefined ? rest : [wanted, ...rest];
  return next.length ? `${path}?${next.join('&')}` : path;
}

/** A tombstone of the delta feed (`…/$deletedEntity`, `reason: deleted`, or OData 4.01 `@removed`). */
function tombstoneId(row: DataverseRow, primaryId: string): string | null {
  const context = row['@odata.context'];
  const removed = row['@removed'] ?? row['@odata.removed'];
  const deleted = (typeof context === 'string' && context.endsWith('/$deletedEntity')) || removed !== undefined || (row.reason === 'deleted' && !(primaryId in row));
  if (!deleted) return null;
  const raw = row.id ?? row['@id'] ?? row['@odata.id'] ?? row[primaryId];
  const guid = typeof raw === 'string' ? /([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})/i.exec(raw)?.[1] : undefined;
  return guid ? guid.toLowerCase() : null;
}

const isExpiredToken = (err: unknown): boolean =>
  err instanceof ConnectorError && err.code === 'CRM_VALIDATION' && err.details?.nativeCode === DATAVERSE_CODES.versionStampExpired;

export async function* readChanges(
  api: DynamicsApi, catalog: DynamicsCatalog, objectType: string, cursor: ChangeCursor | null, options: ChangeOptions = {}, hooks: ChangeFeedHooks = {},
): AsyncGenerator<ChangeBatch> {
  const state = parseCursor(cursor);
  const entity = await catalog.entity(objectType, options);
  const lane: Lane = options.lane ?? 'sync';
  const signal = options.signal ? { signal: options.signal } : {};
  const overlapMs = Math.max(0, options.overlapMs ?? DEFAULT_OVERLAP_MS);
  const pageSize = clampPageSize(options.pageSize);
  const call = { lane, ...signal };

  let from = state.from;
  let latest = state.latest;
  // The fallback is taken once per call: a tracked full read cannot expire.
  let fellBack = false;
  const start = state.link === null ? await startLink(api, objectType, from === null ? null : from - overlapMs, lane, options.signal) : null;
  // Set while the link is one built here (a version we chose): a 400 to it falls back instead of failing the feed.
  let built = start?.built ?? false;
  let link: string = state.link ?? start!.link;

  for (;;) {
    let page;
    let map: AttributeMap | undefined;
    try {
      page = await withColumns(catalog, objectType, options.fields, call, (m, select) => {
        map = m;
        return api.page<DataverseRow>(lane, { path: withSelect(link, select), prefer: readPreferences(m, options.fields, pageSize, [TRACK_CHANGES]), ...signal });
      });
    } catch (err) {
      const refusedBuilt = built && err instanceof ConnectorError && err.code === 'CRM_VALIDATION';
      if (fellBack || !(isExpiredToken(err) || refusedBuilt)) throw err;
      // Read the table again with change tracking and no token: the only way back into the feed.
      fellBack = true;
      built = false;
      from = from ?? latest;
      hooks.onReset?.({ objectType, reason: err instanceof Error ? err.message : String(err), since: from === null ? null : new Date(from - overlapMs).toISOString() });
      link = api.absolute(objectType);
      continue;
    }
    built = false;
    const floor = from === null ? null : from - overlapMs;
    const records: NativeRecord[] = [];
    const deletions: Deletion[] = [];
    for (const row of page.value) {
      const deleted = tombstoneId(row, entity.primaryId);
      if (deleted) {
        deletions.push({ id: deleted, deletedAt: null });
        continue;
      }
      const modified = typeof row.modifiedon === 'string' ? Date.parse(row.modifiedon) : Number.NaN;
      // Rows last changed before the cursor's time (minus overlap) are not changes since it.
      if (floor !== null && !Number.isNaN(modified) && modified < floor) continue;
      if (!Number.isNaN(modified) && (latest === null || modified > latest)) latest = modified;
      records.push(toNativeRecord(objectType, row, map!, options.fields));
    }
    const next = page['@odata.nextLink'];
    const delta = page['@odata.deltaLink'];
    if (!next && !delta) throw new ConnectorError('CRM_UNAVAILABLE', DYNAMICS, `answered a change-tracking page of ${objectType} without a nextLink or deltaLink`);
    const previous = link;
    link = next ?? delta!;
    // Once the first read reaches its deltaLink every later row is a change: the time filter ends.
    if (!next) from = null;
    const position: ChangeCursor = { v: 1, crm: DYNAMICS, link, from, latest };
    if (records.length || deletions.length || link !== previous) yield { records, deletions, cursor: position };
    if (!next) return;
  }
}

/**
 * The link a read without one starts with, and whether it is a deltaLink built here. From a time: a delta from
 * the newest version written before it. From the beginning: a delta from just before the oldest row's version,
 * which returns every row in version order (a tracked full read would return them by id). An empty table starts
 * with a tracked full read (no token at all); a time before every row tries version 0, which an org that keeps
 * less than its whole history refuses (the sandbox does): the fallback then reads the table from that time.
 */
async function startLink(api: DynamicsApi, objectType: string, fromMs: number | null, lane: Lane, signal: AbortSignal | undefined): Promise<{ link: string; built: boolean }> {
  const version = fromMs === null ? (await newestVersion(api, objectType, null, 'asc', lane, signal)) - 1 : await newestVersion(api, objectType, fromMs, 'desc', lane, signal);
  if (version < 0 || (fromMs === null && version === 0)) return { link: api.absolute(objectType), built: false };
  const token = `${version}!${tokenTime(fromMs ?? Date.now())}`;
  return { link: `${api.absolute(objectType)}?$deltatoken=${encodeURIComponent(token)}`, built: true };
}

/**
 * The version of one row: with a time, the newest version written before it (a row last written before it has a
 * version below the org's counter at that moment, so a delta from it misses nothing written since; 0 when no row
 * is that old); without, the oldest version of any row (0 for an empty table).
 */
async function newestVersion(api: DynamicsApi, objectType: string, beforeMs: number | null, order: 'asc' | 'desc', lane: Lane, signal: AbortSignal | undefined): Promise<number> {
  const page = await api.page<DataverseRow>(lane, {
    path: objectType,
    query: { $select: 'versionnumber', $filter: beforeMs === null ? undefined : `modifiedon lt ${isoSeconds(beforeMs)}`, $orderby: `versionnumber ${order}`, $top: 1 },
    ...(signal ? { signal } : {}),
  });
  const version = Number(page.value[0]?.versionnumber ?? 0);
  return Number.isSafeInteger(version) && version > 0 ? version : 0;
}

/** The newest `modifiedon` of the table: one call, sorted descending, one row. */
export async function latestChangeAt(api: DynamicsApi, catalog: DynamicsCatalog, objectType: string, options: CallOptions = {}): Promise<Date | null> {
  await catalog.entity(objectType, options);
  const page = await api.page<DataverseRow>(options.lane ?? 'sync', {
    path: objectType,
    query: { $select: 'modifiedon', $orderby: 'modifiedon desc', $top: 1 },
    ...(options.signal ? { signal: options.signal } : {}),
  });
  const newest = page.value[0]?.modifiedon;
  const time = typeof newest === 'string' ? Date.parse(newest) : Number.NaN;
  return Number.isNaN(time) ? null : new Date(time);
}
