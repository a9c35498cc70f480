/**
 * Full reads of large objects through a Bulk API 2.0 query job instead of `/query` pages of 2,000: create the job
 * (`POST /jobs/query`), poll its state with a growing delay, read the CSV results in chunks of `maxRecords` behind
 * `Sforce-Locator` (the string `null` on the last), delete the job. Every call goes through `SalesforceClient`, so
 * the token, rate budget, timeouts, retries and the caller's abort signal apply as to REST calls.
 *
 * CSV carries strings only; the held describe's field types turn them back into what REST gives (booleans, numbers,
 * null for empty), so a record read here equals the same record read by `/query` (records.ts `toNativeRecord`; the
 * tests compare the two reads record for record).
 */
import { parse } from 'csv-parse/sync';
import { ConnectorError } from '../contract/errors.ts';
import type { Lane } from '../contract/connector.ts';
import type { ObjectDescription } from '../contract/describe.ts';
import type { NativeRecord } from '../contract/records.ts';
import { sleep } from '../runtime/index.ts';
import { unexpectedShape } from './client.ts';
import type { SalesforceClient } from './client.ts';
import { CRM } from './errors.ts';

/** Records per results chunk (one page): bounds the memory of a read. */
export const DEFAULT_BULK_PAGE_SIZE = 10_000;
/** Objects with at least this many records are read by Bulk; 0 = never. */
export const DEFAULT_BULK_THRESHOLD = 10_000;
/** How long a job may take to complete before the read goes on by REST: a large object's job takes minutes, a busy org's queue longer. */
export const DEFAULT_BULK_MAX_WAIT_MS = 30 * 60_000;

/** Compound types a Bulk query refuses ("compound data not supported in Bulk Query"); their components are selected instead. */
const COMPOUND_TYPES = new Set(['address', 'location']);
const NUMBER_TYPES = new Set(['int', 'long', 'double', 'currency', 'percent']);

export interface BulkReadOptions {
  lane: Lane;
  signal?: AbortSignal;
  includeDeleted: boolean;
  /** Rows per results chunk. */
  pageSize: number;
  /** First and longest wait between job status reads. */
  pollMinMs: number;
  pollMaxMs: number;
  /** How long a job may take to complete before it is aborted and the read goes on by REST; 0 = no limit. */
  maxWaitMs: number;
}

/** The org does not offer Bulk API 2.0 to this user (an org without it, or the API switched off): read by REST. */
export class BulkUnavailable extends Error {
  constructor(readonly reason: ConnectorError) {
    super(reason.message);
  }
}

/**
 * The job did not complete within `maxWaitMs` (an org whose Bulk queue is busy can hold a job for hours). It was
 * aborted; nothing of it was read yet, so the read goes on by REST from its start.
 */
export class BulkJobTimedOut extends Error {
  constructor(readonly jobId: string, readonly waitedMs: number, readonly state: string) {
    super(`Bulk query job ${jobId} was still ${state} after ${Math.round(waitedMs / 1000)} s; it was aborted`);
  }
}

/** An answer to a job create that means "no Bulk here", as opposed to a bad query. */
export function refusesBulk(err: unknown): err is ConnectorError {
  if (!(err instanceof ConnectorError)) return false;
  const native = err.details?.nativeCode;
  if (native === 'API_DISABLED_FOR_ORG' || native === 'FUNCTIONALITY_NOT_ENABLED' || native === 'API_CURRENTLY_DISABLED') return true;
  return err.status === 404 && err.code === 'CRM_NOT_FOUND';
}

/** The select list a Bulk query can take: compound fields left out. */
export function bulkSelect(select: readonly string[], description: ObjectDescription | undefined): string[] {
  if (!description) return [...select];
  const compound = new Set(description.fields.filter((f) => COMPOUND_TYPES.has(f.nativeType)).map((f) => f.name.toLowerCase()));
  return select.filter((f) => !compound.has(f.toLowerCase()));
}

interface JobInfo { id?: unknown; state?: unknown; errorMessage?: unknown }

/** A column's name as REST spells it and its describe type (undefined: left a string). */
export interface ColumnType { name: string; nativeType?: string }

/**
 * The type of every selected column, keyed by its lower-cased name: the object's own fields from its describe, and a
 * parent path (`Account.NumberOfEmployees`) from the describe of the object its relationship points at
 * (`Account` → AccountId, `Owner__r` → Owner__c; `describeOf` is the connector's describe cache). What cannot be
 * resolved stays a string.
 */
export async function columnTypes(
  select: readonly string[], description: ObjectDescription | undefined, describeOf: (type: string) => Promise<ObjectDescription>,
): Promise<Map<string, ColumnType>> {
  const out = new Map<string, ColumnType>();
  for (const path of select) {
    const parts = path.split('.');
    let current = description;
    for (const rel of parts.slice(0, -1)) {
      const refName = /__r$/i.test(rel) ? `${rel.slice(0, -3)}__c` : `${rel}Id`;
      const ref = current?.fields.find((f) => f.name.toLowerCase() === refName.toLowerCase());
      const target = ref?.referenceTo?.[0];
      current = target ? await describeOf(target).catch(() => undefined) : undefined;
    }
    const last = parts[parts.length - 1] as string;
    const field = current?.fields.find((f) => f.name.toLowerCase() === last.toLowerCase());
    // REST answers with the describe's names; a dotted path keeps the name the caller selected.
    out.set(path.toLowerCase(), parts.length === 1 && field ? { name: field.name, nativeType: field.nativeType } : { name: path, ...(field ? { nativeType: field.nativeType } : {}) });
  }
  return out;
}

/** Pages of records of `SELECT select FROM type` read by one Bulk query job. */
export async function* bulkPages(
  client: SalesforceClient, type: string, select: readonly string[], types: ReadonlyMap<string, ColumnType>, options: BulkReadOptions,
): AsyncGenerator<NativeRecord[]> {
  const signal = options.signal ? { signal: options.signal } : {};
  const soql = `SELECT ${select.join(', ')} FROM ${type}`;
  let job: JobInfo;
  try {
    // Not idempotent: a create replayed after a lost answer would leave a second job running.
    job = await client.call<JobInfo>(options.lane, {
      method: 'POST', path: '/jobs/query', json: { operation: options.includeDeleted ? 'queryAll' : 'query', query: soql },
    }, { ...signal, idempotent: false });
  } catch (err) {
    if (refusesBulk(err)) throw new BulkUnavailable(err);
    throw err;
  }
  if (typeof job?.id !== 'string' || !/^[A-Za-z0-9]{15,18}$/.test(job.id)) throw unexpectedShape('Bulk query job');
  const jobPath = `/jobs/query/${job.id}`;
  try {
    await waitForCompletion(client, jobPath, job, options);
    const convert = converter(type, select, types);
    let locator: string | null = '';
    while (locator !== null) {
      const query: string = `?maxRecords=${options.pageSize}${locator ? `&locator=${encodeURIComponent(locator)}` : ''}`;
      const answer = await client.callText(options.lane, { method: 'GET', path: `${jobPath}/results${query}` }, 'text/csv', signal);
      const next = answer.headers['sforce-locator'];
      if (next === undefined || next === '') throw unexpectedShape('Bulk query results (no Sforce-Locator)');
      locator = next === 'null' ? null : next;
      const records = convert(answer.text);
      if (records.length > 0) yield records;
    }
  } finally {
    // Best-effort cleanup, also after an abort or an error: without the caller's signal, never awaited by it.
    client.call(options.lane, { method: 'DELETE', path: jobPath }).catch(() => undefined);
  }
}

async function waitForCompletion(client: SalesforceClient, jobPath: string, created: JobInfo, options: BulkReadOptions): Promise<void> {
  let delay = options.pollMinMs;
  let info = created;
  const started = Date.now();
  for (;;) {
    if (info.state === 'JobComplete') return;
    if (info.state === 'Failed' || info.state === 'Aborted') {
      const said = typeof info.errorMessage === 'string' && info.errorMessage ? info.errorMessage : `the job ended in state ${info.state}`;
      throw new ConnectorError('CRM_UNAVAILABLE', CRM, `Bulk query job ${String(created.id)} ${info.state === 'Failed' ? 'failed' : 'was aborted'}: ${said}`, {
        details: { nativeCode: info.state === 'Failed' ? 'BULK_JOB_FAILED' : 'BULK_JOB_ABORTED', jobId: created.id, state: info.state },
      });
    }
    if (info.state !== 'UploadComplete' && info.state !== 'InProgress') throw unexpectedShape(`Bulk query job state (${String(info.state)})`);
    const waited = Date.now() - started;
    if (options.maxWaitMs > 0 && waited >= options.maxWaitMs) {
      // Aborted so it stops spending the org's Bulk allocation; the finally of bulkPages deletes it. Best effort: the
      // read goes on by REST whether or not the abort lands.
      await client.call(options.lane, { method: 'PATCH', path: jobPath, json: { state: 'Aborted' } }, options.signal ? { signal: options.signal } : {}).catch(() => undefined);
      throw new BulkJobTimedOut(String(created.id), waited, String(info.state));
    }
    // The last wait ends at the limit, so a job is aborted when it is reached, not up to a poll interval later.
    await sleep(options.maxWaitMs > 0 ? Math.min(delay, options.maxWaitMs - waited) : delay, options.signal);
    delay = Math.min(options.pollMaxMs, delay * 2);
    info = await client.call<JobInfo>(options.lane, { method: 'GET', path: jobPath }, options.signal ? { signal: options.signal } : {});
  }
}

/**
 * CSV text → NativeRecords. Columns are the select list in order (Salesforce writes the names as the query does);
 * values are typed by the describe: boolean, numbers, empty → null, everything else stays the string REST sends.
 */
function converter(type: string, select: readonly string[], types: ReadonlyMap<string, ColumnType>): (text: string) => NativeRecord[] {
  return (text) => {
    const rows = parse(text, { relax_column_count: false, skip_empty_lines: true }) as string[][];
    const header = rows[0];
    if (!header) return [];
    if (header.length !== select.length || header.some((h, i) => h.toLowerCase() !== select[i]?.toLowerCase())) {
      throw unexpectedShape(`Bulk query results header (${header.slice(0, 5).join(',')})`);
    }
    const columns = header.map((name): ColumnType => types.get(name.toLowerCase()) ?? { name });
    const parents = parentPrefixes(columns.map((c) => c.name));
    const out: NativeRecord[] = [];
    for (let r = 1; r < rows.length; r++) {
      const cells = rows[r] as string[];
      const row: Record<string, unknown> = {};
      for (let c = 0; c < columns.length; c++) {
        const column = columns[c]!;
        row[column.name] = bulkValue(cells[c] ?? '', column.nativeType);
      }
      if (parents.length > 0) nullParents(row, parents);
      out.push(nativeRecord(type, row));
    }
    return out;
  };
}

/** Every relationship prefix of the dotted columns (`Account`, `Account.Owner`), shortest first, with its columns. */
function parentPrefixes(names: readonly string[]): { prefix: string; columns: string[] }[] {
  const prefixes = new Map<string, string[]>();
  for (const name of names) {
    const parts = name.split('.');
    for (let i = 1; i < parts.length; i++) {
      const prefix = parts.slice(0, i).join('.');
      prefixes.set(prefix, [...(prefixes.get(prefix) ?? []), name]);
    }
  }
  return [...prefixes].map(([prefix, columns]) => ({ prefix, columns })).sort((a, b) => a.prefix.length - b.prefix.length);
}

/**
 * REST answers `"Account": null` for a contact without an account; CSV only has empty columns. A parent whose
 * selected columns are all empty is taken as missing, as REST shows it (the outermost such parent only).
 */
function nullParents(row: Record<string, unknown>, parents: readonly { prefix: string; columns: string[] }[]): void {
  const gone: string[] = [];
  for (const { prefix, columns } of parents) {
    if (gone.some((g) => prefix.startsWith(`${g}.`))) continue;
    if (!columns.every((c) => row[c] === null)) continue;
    gone.push(prefix);
    row[prefix] = null;
  }
}

/**
 * The NativeRecord `toNativeRecord` (records.ts) makes of the REST row, built straight from the flat CSV row: the
 * fields as they are (a missing parent's selected paths already null), `modifiedAt` from SystemModstamp (else
 * LastModifiedDate), `deleted` from IsDeleted.
 */
function nativeRecord(type: string, fields: Record<string, unknown>): NativeRecord {
  if (typeof fields.Id !== 'string') throw unexpectedShape('record (no Id)');
  const modstamp = fields.SystemModstamp ?? fields.LastModifiedDate;
  return {
    id: fields.Id,
    objectType: type,
    modifiedAt: typeof modstamp === 'string' ? modstamp : null,
    ...(fields.IsDeleted === true ? { deleted: true } : {}),
    fields,
  };
}

/**
 * One CSV value as REST gives it. Datetimes written in UTC with `Z` (`2024-05-01T12:00:00.000Z`) take REST's
 * `+0000` form, so `modifiedAt` and stored stamps compare equal whichever API read them.
 */
export function bulkValue(value: string, nativeType: string | undefined): unknown {
  // Salesforce stores no empty strings: an empty field is null.
  if (value === '') return null;
  if (nativeType === 'datetime') {
    const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(\.\d{1,3})?Z$/.exec(value);
    return m ? `${m[1]}${(m[2] ?? '.').padEnd(4, '0')}+0000` : value;
  }
  if (nativeType === 'boolean') return value === 'true';
  if (nativeType !== undefined && NUMBER_TYPES.has(nativeType)) {
    const n = Number(value);
    return Number.isFinite(n) ? n : value;
  }
  return value;
}
