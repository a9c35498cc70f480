/**
 * Collection reads: a filtered, ordered, keyset-paged query (`Prefer: odata.maxpagesize`, `@odata.nextLink`,
 * `$top`, `$count`), and change tracking — a full read with `Prefer: odata.track-changes` ends with
 * `@odata.deltaLink`, and following it returns the rows written and the tombstones of rows deleted since.
 */
import { badQuery, badRequest, CODES, jsonAnswer } from './errors.ts';
import type { ApiAnswer } from './errors.ts';
import { compareValues, evaluate } from './odata/filter.ts';
import { applyExpand, parseExpand } from './odata/expand.ts';
import { decodeSkiptoken, encodeSkiptoken } from './odata/paging.ts';
import type { PagingCookie } from './odata/paging.ts';
import { buildQuery, MAX_PAGE_SIZE, parseCollectionQuery, queryProperty } from './odata/query.ts';
import type { CollectionQuery, OrderTerm, Prefer } from './odata/query.ts';
import { comparableValue, renderRow } from './render.ts';
import type { Org, Row, TableState } from './store.ts';
import { deltaTokenDate } from './time.ts';

export interface ReadRequest {
  base: string;
  params: URLSearchParams;
  prefer: Prefer;
}

/** Nulls sort first ascending, as in SQL Server. */
function compareNullable(a: unknown, b: unknown): number {
  if (a === null || a === undefined) return b === null || b === undefined ? 0 : -1;
  if (b === null || b === undefined) return 1;
  return compareValues(a, b);
}

function sortKey(row: Row, terms: OrderTerm[]): unknown[] {
  return [...terms.map((t) => comparableValue(row, t.attr)), row.id];
}

function compareKeys(a: unknown[], b: unknown[], terms: OrderTerm[]): number {
  for (let i = 0; i < a.length; i++) {
    const c = compareNullable(a[i], b[i]) * (terms[i]?.desc ? -1 : 1);
    if (c !== 0) return c;
  }
  return 0;
}

function contextUrl(base: string, table: TableState, select: string | null, suffix = ''): string {
  return `${base}$metadata#${table.def.entitySetName}${select ? `(${select})` : ''}${suffix}`;
}

function pageSize(prefer: Prefer): number {
  return Math.min(prefer.maxPageSize ?? MAX_PAGE_SIZE, MAX_PAGE_SIZE) || MAX_PAGE_SIZE;
}

function applied(prefer: Prefer, extra: string[] = []): Record<string, string> {
  const list = [
    ...(prefer.maxPageSize !== undefined ? [`odata.maxpagesize=${pageSize(prefer)}`] : []),
    ...(prefer.includeAnnotations ? [`odata.include-annotations="${prefer.annotations}"`] : []),
    ...extra,
  ];
  return list.length ? { 'Preference-Applied': list.join(',') } : {};
}

export function readCollection(org: Org, table: TableState, req: ReadRequest): ApiAnswer {
  const q = parseCollectionQuery(table, req.params);
  if (q.deltatoken !== undefined || req.prefer.trackChanges) return readTracked(org, table, req, q);
  const select = req.params.get('$select');
  const expand = parseExpand(org, table, req.params.get('$expand'));
  const annotations = req.prefer.includeAnnotations;
  const render = (r: Row) => applyExpand(org, r, expand, renderRow(org, table, r, { ...(q.select ? { select: q.select } : {}), annotations }), annotations);
  let rows = [...table.rows.values()];
  if (q.filter) rows = rows.filter((r) => evaluate(q.filter!, (p) => comparableValue(r, queryProperty(table, p))));
  rows.sort((a, b) => compareKeys(sortKey(a, q.orderby), sortKey(b, q.orderby), q.orderby));
  const count = q.count ? { '@odata.count': Math.min(rows.length, 5000) } : {};
  if (q.top !== undefined) {
    // $top caps the answer and turns paging off (Dataverse ignores maxpagesize with $top).
    return jsonAnswer(200, { '@odata.context': contextUrl(req.base, table, select), ...count, value: rows.slice(0, q.top).map(render) }, applied(req.prefer));
  }
  const cookie = q.skiptoken !== undefined ? decodeSkiptoken(q.skiptoken) : undefined;
  if (cookie?.after) rows = rows.filter((r) => compareKeys(sortKey(r, q.orderby), cookie.after!, q.orderby) > 0);
  const size = pageSize(req.prefer);
  const page = rows.slice(0, size);
  const body: Record<string, unknown> = { '@odata.context': contextUrl(req.base, table, select), ...count, value: page.map(render) };
  if (rows.length > size) {
    const next: PagingCookie = { page: (cookie?.page ?? 1) + 1, after: sortKey(page[page.length - 1]!, q.orderby) };
    body['@odata.nextLink'] = `${req.base}${table.def.entitySetName}${buildQuery([
      ['$select', select ?? undefined], ['$expand', req.params.get('$expand') ?? undefined], ['$filter', q.filterText], ['$orderby', req.params.get('$orderby') ?? undefined],
      ['$count', req.params.get('$count') ?? undefined], ['$skiptoken', encodeSkiptoken(next, false)],
    ])}`;
  }
  return jsonAnswer(200, body, applied(req.prefer));
}

/** `Version stamp associated with the client has expired` — the token is older than the org keeps (or reset). */
export function deltaExpired() {
  return badRequest(CODES.deltaExpired, 'Version stamp associated with the client has expired. Read the table again with Prefer: odata.track-changes.');
}

function parseDeltaToken(org: Org, token: string): number {
  const m = /^(\d+)!/.exec(token);
  const version = m ? Number(m[1]) : NaN;
  // Version 0 asks for everything still retained (every row, every tombstone kept): a client that knows no version
  // older than the time it wants changes from can still see deletions.
  if (version === 0) return 0;
  // A malformed token, one from before a reset or beyond the retention, or one this org never handed out.
  if (!Number.isSafeInteger(version) || version < org.oldestValidToken() || version > org.version) throw deltaExpired();
  return version;
}

function readTracked(org: Org, table: TableState, req: ReadRequest, q: CollectionQuery): ApiAnswer {
  for (const option of ['$filter', '$orderby', '$top', '$count', '$expand'] as const) {
    if (req.params.has(option)) {
      throw badQuery(`${option} is not supported with change tracking (Prefer: odata.track-changes / $deltatoken): read the whole table with $select only and filter on the client.`);
    }
  }
  const select = req.params.get('$select');
  const render = (r: Row) => renderRow(org, table, r, { ...(q.select ? { select: q.select } : {}), annotations: req.prefer.includeAnnotations });
  const cookie = q.skiptoken !== undefined ? decodeSkiptoken(q.skiptoken) : undefined;
  const size = pageSize(req.prefer);
  const link = (extra: [string, string][]) => `${req.base}${table.def.entitySetName}${buildQuery([['$select', select ?? undefined], ...extra])}`;
  const deltaLink = (version: number) => link([['$deltatoken', `${version}!${deltaTokenDate(Date.now())}`]]);
  const preference = applied(req.prefer, ['odata.track-changes']);

  if (q.deltatoken === undefined) {
    // The initial full read: every row by id; its deltaLink starts from the version its first page saw, so a row
    // written while the pages are read shows up in the next delta.
    const startVersion = cookie?.startVersion ?? org.version;
    let rows = [...table.rows.values()].sort((a, b) => compareKeys(sortKey(a, []), sortKey(b, []), []));
    if (cookie?.after) rows = rows.filter((r) => compareKeys(sortKey(r, []), cookie.after!, []) > 0);
    const page = rows.slice(0, size);
    const body: Record<string, unknown> = { '@odata.context': contextUrl(req.base, table, select), value: page.map(render) };
    if (rows.length > size) {
      const next: PagingCookie = { page: (cookie?.page ?? 1) + 1, after: sortKey(page[page.length - 1]!, []), startVersion };
      body['@odata.nextLink'] = link([['$skiptoken', encodeSkiptoken(next, true)]]);
    } else {
      body['@odata.deltaLink'] = deltaLink(startVersion);
    }
    return jsonAnswer(200, body, preference);
  }

  const since = parseDeltaToken(org, q.deltatoken);
  const after = Math.max(since, cookie?.afterVersion ?? since);
  type Change = { version: number; entry: () => Record<string, unknown> };
  const changes: Change[] = [];
  for (const row of table.rows.values()) {
    const version = row.values.versionnumber as number;
    if (version > after) changes.push({ version, entry: () => render(row) });
  }
  for (const [id, version] of table.tombstones) {
    if (version > after) {
      changes.push({ version, entry: () => ({ '@odata.context': `${req.base}$metadata#${table.def.entitySetName}/$deletedEntity`, id, reason: 'deleted' }) });
    }
  }
  changes.sort((a, b) => a.version - b.version);
  const page = changes.slice(0, size);
  const body: Record<string, unknown> = { '@odata.context': contextUrl(req.base, table, select, '/$delta'), value: page.map((c) => c.entry()) };
  if (changes.length > size) {
    const next: PagingCookie = { page: (cookie?.page ?? 1) + 1, afterVersion: page[page.length - 1]!.version };
    body['@odata.nextLink'] = link([['$deltatoken', q.deltatoken], ['$skiptoken', encodeSkiptoken(next, true)]]);
  } else {
    body['@odata.deltaLink'] = deltaLink(org.version);
  }
  return jsonAnswer(200, body, preference);
}
