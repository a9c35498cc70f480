/** `query`, `queryAll` and the cursor pages behind `nextRecordsUrl`. */
import { SfError } from '../errors.ts';
import { batchSizeFrom } from '../query-cursors.ts';
import { runSoql } from '../soql/evaluate.ts';
import type { Handler, Route } from './types.ts';

const runQuery = (includeDeleted: boolean): Handler => (ctx, req) => {
  const q = req.query.get('q');
  if (q === null) throw new SfError(400, 'MALFORMED_QUERY', 'A query string has to be specified');
  const result = runSoql(ctx.org, q, { includeDeleted, version: req.version });
  if (result.countOnly) return { status: 200, body: { totalSize: result.totalSize, done: true, records: [] } };
  const page = ctx.cursors.firstPage(result.records, result.totalSize, batchSizeFrom(req.headers['sforce-query-options']), req.version);
  return { status: 200, body: page };
};

// The locator works on /query/ and /queryAll/ alike, and the version in the path is irrelevant.
const nextPage: Handler = (ctx, req, [locator]) => {
  const page = ctx.cursors.pageAt(locator ?? '', batchSizeFrom(req.headers['sforce-query-options']), req.version);
  if (!page) throw new SfError(400, 'INVALID_QUERY_LOCATOR', 'invalid query locator');
  return { status: 200, body: page };
};

export const queryRoutes: Route[] = [
  { method: 'GET', pattern: /^\/query\/?$/, handler: runQuery(false) },
  { method: 'GET', pattern: /^\/queryAll\/?$/, handler: runQuery(true) },
  { method: 'GET', pattern: /^\/(?:query|queryAll)\/([^/]+)$/, handler: nextPage },
];
