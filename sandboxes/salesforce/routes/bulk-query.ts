/**
 * Bulk API 2.0 query (`/jobs/query`), as jsforce's `conn.bulk2.query` drives it: create a job, poll its state,
 * read the CSV results in chunks behind `Sforce-Locator` (the string `null` on the last one), delete the job.
 * The query runs through the same SOQL parser and evaluator as `/query`; every call spends an API request.
 */
import { decodeLocator, csvField, encodeLocator } from '../bulk-query-jobs.ts';
import type { QueryJob } from '../bulk-query-jobs.ts';
import { SfError, notFound } from '../errors.ts';
import { USER_ID } from '../ids.ts';
import { runSoql } from '../soql/evaluate.ts';
import { invalidType } from '../soql/errors.ts';
import { parseSoql } from '../soql/parser.ts';
import { resolvePath } from '../soql/paths.ts';
import type { ResolvedPath } from '../soql/paths.ts';
import { formatDateTime } from '../time.ts';
import type { ApiContext, ApiRequest, Handler, Route } from './types.ts';

/** Rows per results chunk when the client names no `maxRecords` (Salesforce sizes chunks by bytes). */
export const DEFAULT_MAX_RECORDS = 50_000;

/** An org without Bulk API 2.0 (the sandbox switch) refuses every job call. */
function checkEnabled(ctx: ApiContext): void {
  if (ctx.bulk.settings.enabled) return;
  if (ctx.bulk.settings.refuseWith === 404) throw notFound();
  throw new SfError(403, 'API_DISABLED_FOR_ORG', 'Bulk API 2.0 is not enabled for this organization');
}

const createJob: Handler = (ctx, req) => {
  checkEnabled(ctx);
  const body = (req.body ?? {}) as { operation?: unknown; query?: unknown; contentType?: unknown; columnDelimiter?: unknown; lineEnding?: unknown };
  if (body.operation !== 'query' && body.operation !== 'queryAll') {
    throw new SfError(400, 'INVALIDJOB', `Invalid operation: ${String(body.operation)}. Valid values are query and queryAll`);
  }
  if (typeof body.query !== 'string' || !body.query.trim()) throw new SfError(400, 'INVALIDJOB', 'The query field is required');
  if (body.contentType !== undefined && body.contentType !== 'CSV') throw new SfError(400, 'INVALIDJOB', 'Only CSV is supported as contentType');
  if (body.columnDelimiter !== undefined && body.columnDelimiter !== 'COMMA') throw new SfError(400, 'INVALIDJOB', 'Only COMMA is supported as columnDelimiter here');
  if (body.lineEnding !== undefined && body.lineEnding !== 'LF') throw new SfError(400, 'INVALIDJOB', 'Only LF is supported as lineEnding here');
  const query = body.query;
  const { object, columns } = bulkColumns(ctx, query);
  // The snapshot: the job's result is what the store holds now.
  const result = runSoql(ctx.org, query, { includeDeleted: body.operation === 'queryAll', version: req.version });
  const rows = result.records.map((row) => columns.map((c) => csvField(readColumn(row, c.path))).join(','));
  const now = formatDateTime(ctx.org.now());
  const job = ctx.bulk.create({
    operation: body.operation, object, query, createdDate: now, systemModstamp: now,
    header: columns.map((c) => csvField(c.name)).join(','), rows,
  });
  return { status: 200, body: jobInfo(job, req.version, false) };
};

interface BulkColumn { name: string; path: ResolvedPath }

/** The CSV columns of a query: its field list as written; what Bulk query cannot select is refused here. */
function bulkColumns(ctx: ApiContext, text: string): { object: string; columns: BulkColumn[] } {
  const query = parseSoql(text);
  const obj = ctx.org.meta.object(query.from.name);
  if (!obj) throw invalidType(text, query.from.pos, query.from.name);
  const columns: BulkColumn[] = [];
  for (const item of query.select) {
    if (item.kind === 'count') throw new SfError(400, 'FUNCTIONALITY_NOT_ENABLED', 'Aggregate queries are not supported in Bulk Query');
    if (item.kind === 'subquery') throw new SfError(400, 'FUNCTIONALITY_NOT_ENABLED', 'Nested queries are not supported in Bulk Query');
    if (item.kind === 'fields') throw new SfError(400, 'FUNCTIONALITY_NOT_ENABLED', 'FIELDS() is not supported in Bulk Query');
    const path = resolvePath(ctx.org.meta, obj.name, item.path, text, item.pos);
    if (path.field.type === 'address') {
      throw new SfError(400, 'FUNCTIONALITY_NOT_ENABLED', `Selecting compound data not supported in Bulk Query (${item.path.join('.')})`);
    }
    columns.push({ name: item.path.join('.'), path });
  }
  if (query.offset !== undefined) throw new SfError(400, 'FUNCTIONALITY_NOT_ENABLED', 'OFFSET is not supported in Bulk Query');
  return { object: obj.name, columns };
}

/** A value of a REST-shaped row (parents nested under their relationship names), null when a parent is missing. */
function readColumn(row: Record<string, unknown>, path: ResolvedPath): unknown {
  let current: Record<string, unknown> | null = row;
  for (const hop of path.hops) {
    const next: unknown = current?.[hop.relationshipName];
    current = next !== null && typeof next === 'object' ? (next as Record<string, unknown>) : null;
  }
  return current ? (current[path.field.name] ?? null) : null;
}

function jobInfo(job: QueryJob, version: string, full: boolean): Record<string, unknown> {
  const info: Record<string, unknown> = {
    id: job.id, operation: job.operation, object: job.object, createdById: USER_ID, createdDate: job.createdDate,
    systemModstamp: job.systemModstamp, state: job.state, concurrencyMode: 'Parallel', contentType: 'CSV',
    apiVersion: Number(version), lineEnding: 'LF', columnDelimiter: 'COMMA',
  };
  if (!full) return info;
  return {
    ...info,
    jobType: 'V2Query',
    numberRecordsProcessed: job.state === 'JobComplete' ? job.rows.length : 0,
    retries: 0,
    totalProcessingTime: job.state === 'JobComplete' ? 1 : 0,
    isPkChunkingSupported: true,
    ...(job.state === 'Failed' ? { errorMessage: job.failMessage } : {}),
  };
}

function requireJob(ctx: ApiContext, id: string | undefined): QueryJob {
  checkEnabled(ctx);
  const job = ctx.bulk.get(id ?? '');
  if (!job) throw new SfError(404, 'NOT_FOUND', `Job with id ${id ?? ''} does not exist`);
  return job;
}

const getJob: Handler = (ctx, req, [id]) => {
  const job = requireJob(ctx, id);
  ctx.bulk.advance(job, formatDateTime(ctx.org.now()));
  return { status: 200, body: jobInfo(job, req.version, true) };
};

const patchJob: Handler = (ctx, req, [id]) => {
  const job = requireJob(ctx, id);
  const state = (req.body as { state?: unknown } | undefined)?.state;
  if (state !== 'Aborted') throw new SfError(400, 'INVALIDJOBSTATE', `Invalid state: ${String(state)}. A query job can only be set to Aborted`);
  if (job.state === 'JobComplete' || job.state === 'Failed') throw new SfError(400, 'INVALIDJOBSTATE', `Job is already ${job.state}`);
  job.state = 'Aborted';
  job.systemModstamp = formatDateTime(ctx.org.now());
  return { status: 200, body: jobInfo(job, req.version, false) };
};

const deleteJob: Handler = (ctx, _req, [id]) => {
  const job = requireJob(ctx, id);
  ctx.bulk.delete(job.id);
  return { status: 204 };
};

const results: Handler = (ctx, req, [id]) => {
  const job = requireJob(ctx, id);
  if (job.state !== 'JobComplete') throw new SfError(400, 'INVALIDJOBSTATE', `Job ${job.id} is in state ${job.state}, not JobComplete`);
  const max = maxRecords(req);
  const locator = req.query.get('locator');
  const offset = locator === null || locator === '' ? 0 : decodeLocator(locator);
  if (offset === undefined || offset > job.rows.length) throw new SfError(400, 'INVALID_QUERY_LOCATOR', `Invalid locator: ${locator ?? ''}`);
  const chunk = job.rows.slice(offset, offset + max);
  const next = offset + chunk.length;
  const text = [job.header, ...chunk].join('\n') + '\n';
  return {
    status: 200,
    text: { contentType: 'text/csv', body: text },
    headers: {
      'Sforce-Locator': next < job.rows.length ? encodeLocator(next) : 'null',
      'Sforce-NumberOfRecords': String(chunk.length),
    },
  };
};

function maxRecords(req: ApiRequest): number {
  const raw = req.query.get('maxRecords');
  if (raw === null || raw === '') return DEFAULT_MAX_RECORDS;
  if (!/^\d+$/.test(raw) || Number(raw) < 1) throw new SfError(400, 'INVALIDREQUEST', `maxRecords must be a positive integer, not '${raw}'`);
  return Number(raw);
}

const ID = '([A-Za-z0-9]{15,18})';

export const bulkQueryRoutes: Route[] = [
  { method: 'POST', pattern: /^\/jobs\/query\/?$/, handler: createJob },
  { method: 'GET', pattern: new RegExp(`^/jobs/query/${ID}/results/?$`), handler: results },
  { method: 'GET', pattern: new RegExp(`^/jobs/query/${ID}/?$`), handler: getJob },
  { method: 'PATCH', pattern: new RegExp(`^/jobs/query/${ID}/?$`), handler: patchJob },
  { method: 'DELETE', pattern: new RegExp(`^/jobs/query/${ID}/?$`), handler: deleteJob },
];
