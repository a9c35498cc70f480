/**
 * The change feed, Salesforce has no webhooks in our scope, so polling is its change capture:
 *
 *   SELECT … , IsDeleted FROM T WHERE SystemModstamp >= <since − overlap> ORDER BY SystemModstamp, Id   (queryAll)
 *
 * `queryAll` returns recycle-bin rows, so deletions come through the same query (IsDeleted = true), in the same
 * order as the updates around them. One query is paged with its locator (queryMore), so a page boundary inside a
 * group of records sharing one SystemModstamp loses nothing and repeats nothing within a run.
 *
 * The cursor is the position of the last delivered row, `{since: SystemModstamp, lastId: Id}`, stored by the sync
 * layer after each batch. Resuming re-reads `overlapMs` before `since` (timestamps are assigned at commit start, so
 * a slow transaction can commit a stamp older than rows already read). The overlap can hold more rows than a page
 * (a mass update stamps thousands of rows alike): while a run is still inside it, the cursor keeps the resume
 * position and adds `scan` (how far the re-read got), and a resume from such a cursor continues the re-read by
 * keyset, `(SystemModstamp, Id) > scan`. So every batch moves the cursor strictly forward in (resume position,
 * re-read position) order, even for a consumer that stops after each batch: no endless re-reading. Such a
 * consumer pays the overlap again at every resume, though; the sync layer should drain the generator.
 * With `overlapMs: 0` the resume is an exact keyset after `{since, lastId}`: no duplicates at all.
 */
import type { CallOptions, ChangeOptions } from '../contract/connector.ts';
import { ConnectorError } from '../contract/errors.ts';
import type { ChangeBatch, ChangeCursor, Deletion, NativeRecord } from '../contract/records.ts';
import type { SalesforceClient } from './client.ts';
import { CRM } from './errors.ts';
import { asQueryPage, toNativeRecord } from './records.ts';
import { batchSizeHeader, dateTimeLiteral, nextPagePath, objectName, parseSalesforceDateTime, queryPath, quote, selectList } from './soql.ts';

/** Default re-read window before the cursor. */
export const DEFAULT_OVERLAP_MS = 60_000;

interface Position { since: string; lastId: string }
interface SalesforceChangeCursor extends Position { scan?: Position }

export async function* readChanges(
  client: SalesforceClient, objectType: string, fields: readonly string[], cursor: ChangeCursor | null, options: ChangeOptions = {},
): AsyncGenerator<ChangeBatch> {
  const type = objectName(objectType);
  const start = parseCursor(cursor);
  const overlapMs = Math.max(0, options.overlapMs ?? DEFAULT_OVERLAP_MS);
  const select = selectList(fields, ['Id', 'SystemModstamp', 'IsDeleted']);
  const soql = `SELECT ${select.join(', ')} FROM ${type}${whereClause(start, overlapMs)} ORDER BY SystemModstamp ASC, Id ASC`;
  const headers = batchSizeHeader(options.pageSize);
  const lane = options.lane ?? 'sync';
  const signal = options.signal ? { signal: options.signal } : {};

  let path: string | null = queryPath(soql, true);
  let position: SalesforceChangeCursor | null = start;
  while (path) {
    const page = asQueryPage(await client.call(lane, { method: 'GET', path, headers }, signal));
    path = page.done ? null : nextPagePath(page.nextRecordsUrl as string);
    if (page.records.length === 0) continue;
    const records: NativeRecord[] = [];
    const deletions: Deletion[] = [];
    for (const row of page.records) {
      const record = toNativeRecord(type, row, select);
      if (record.deleted) deletions.push({ id: record.id, deletedAt: record.modifiedAt });
      else records.push(record);
    }
    const last = page.records[page.records.length - 1] as Record<string, unknown>;
    position = advance(position, { since: String(last.SystemModstamp), lastId: String(last.Id) });
    yield { records, deletions, cursor: { ...position } as unknown as ChangeCursor };
  }
}

/** The newest SystemModstamp of the object, deleted rows included (queryAll): the org's clock at its last change. */
export async function latestChangeAt(client: SalesforceClient, objectType: string, options: CallOptions = {}): Promise<Date | null> {
  const type = objectName(objectType);
  const path = queryPath(`SELECT Id, SystemModstamp FROM ${type} ORDER BY SystemModstamp DESC LIMIT 1`, true);
  const page = asQueryPage(await client.call(options.lane ?? 'sync', { method: 'GET', path }, options.signal ? { signal: options.signal } : {}));
  const row = page.records[0] as Record<string, unknown> | undefined;
  return row ? new Date(parseSalesforceDateTime(String(row.SystemModstamp))) : null;
}

/** Below every record id in (SystemModstamp, Id) order (key prefix 000 is no sObject's), and cursor-shaped. */
const BEFORE_ANY_ID = '000000000000000';

/**
 * The cursor a read from `at` resumes at: positioned just before the first row stamped `at`, so an exact resume
 * (`overlapMs: 0`) reads every row stamped `at` or later and the default resume re-reads the overlap before it.
 * `at` is floored to the second: Salesforce stamps whole seconds, so a row changed at 12:00:00.700 carries
 * 12:00:00.000 and must not fall before a cursor at 12:00:00.500.
 */
export function changeCursorAt(at: Date): ChangeCursor {
  const ms = at.getTime();
  if (!Number.isFinite(ms)) throw new ConnectorError('CRM_VALIDATION', CRM, 'a change cursor needs a valid date');
  const cursor: SalesforceChangeCursor = { since: dateTimeLiteral(Math.floor(ms / 1000) * 1000), lastId: BEFORE_ANY_ID };
  return { ...cursor } as unknown as ChangeCursor;
}

function whereClause(cursor: SalesforceChangeCursor | null, overlapMs: number): string {
  if (!cursor) return '';
  if (cursor.scan) return ` WHERE ${after(cursor.scan)}`;
  if (overlapMs === 0) return ` WHERE ${after(cursor)}`;
  return ` WHERE SystemModstamp >= ${dateTimeLiteral(parseSalesforceDateTime(cursor.since) - overlapMs)}`;
}

/** Rows strictly after `p` in (SystemModstamp, Id) order. */
function after(p: Position): string {
  const at = dateTimeLiteral(parseSalesforceDateTime(p.since));
  return `(SystemModstamp > ${at} OR (SystemModstamp = ${at} AND Id > ${quote(p.lastId)}))`;
}

/** The cursor after delivering a row at `row`: past the resume position, or still re-reading the overlap before it. */
function advance(current: SalesforceChangeCursor | null, row: Position): SalesforceChangeCursor {
  if (!current) return row;
  const resume: Position = { since: current.since, lastId: current.lastId };
  return compare(row, resume) > 0 ? row : { ...resume, scan: row };
}

/** (SystemModstamp, Id) order, as Salesforce sorts: time first, then the id's characters. */
function compare(a: Position, b: Position): number {
  const dt = parseSalesforceDateTime(a.since) - parseSalesforceDateTime(b.since);
  if (dt !== 0) return dt;
  return a.lastId < b.lastId ? -1 : a.lastId > b.lastId ? 1 : 0;
}

function parseCursor(cursor: ChangeCursor | null): SalesforceChangeCursor | null {
  if (cursor === null || cursor === undefined) return null;
  const { scan } = cursor as { scan?: unknown };
  if (!isPosition(cursor) || (scan !== undefined && !isPosition(scan))) {
    throw new ConnectorError('CRM_VALIDATION', CRM, 'not a Salesforce change cursor');
  }
  return { since: cursor.since, lastId: cursor.lastId, ...(scan ? { scan: { since: scan.since, lastId: scan.lastId } } : {}) };
}

function isPosition(p: unknown): p is Position {
  const x = p as Partial<Position> | null;
  return typeof x === 'object' && x !== null && typeof x.since === 'string' && !Number.isNaN(parseSalesforceDateTime(x.since))
    && typeof x.lastId === 'string' && /^[a-zA-Z0-9]{15,18}$/.test(x.lastId);
}
