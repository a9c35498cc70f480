/** Matches a data-API request to its handler and renders thrown errors in Salesforce's shape. */
import { SfError, asSfError } from '../errors.ts';
import { bulkQueryRoutes } from './bulk-query.ts';
import { collectionRoutes } from './collections.ts';
import { compositeRoute } from './composite.ts';
import { limitRoutes } from './limits.ts';
import { queryRoutes } from './query.ts';
import { replicationRoutes } from './replication.ts';
import { sobjectRoutes } from './sobjects.ts';
import type { ApiContext, ApiRequest, ApiResponse, Route } from './types.ts';

// Order matters: the fixed sub-resources (describe, updated, deleted) before the `/sobjects/T/{id}` catch-all.
const ROUTES: Route[] = [...limitRoutes, ...queryRoutes, ...replicationRoutes, ...bulkQueryRoutes, ...sobjectRoutes, ...collectionRoutes, compositeRoute(dispatch)];

export function dispatch(ctx: ApiContext, req: ApiRequest): ApiResponse {
  try {
    let pathMatched = false;
    for (const route of ROUTES) {
      const m = route.pattern.exec(req.path);
      if (!m) continue;
      pathMatched = true;
      // HEAD is answered like GET (node drops the body).
      if (route.method !== (req.method === 'HEAD' ? 'GET' : req.method)) continue;
      return route.handler(ctx, req, m.slice(1).map((s) => (s === undefined ? '' : decodeURIComponent(s))));
    }
    if (pathMatched) {
      throw new SfError(405, 'METHOD_NOT_ALLOWED', `HTTP Method '${req.method}' not allowed. Allowed are ${allowed(req.path).join(',')}`);
    }
    throw new SfError(404, 'NOT_FOUND', 'The requested resource does not exist');
  } catch (err) {
    return errorResponse(err);
  }
}

export function errorResponse(err: unknown): ApiResponse {
  const sf = asSfError(err);
  // An ambiguous upsert answers 300 with the candidate record URLs (jsforce raises MULTIPLE_CHOICES).
  if (sf.status === 300) return { status: 300, body: sf.message.split(',') };
  return { status: sf.status, body: sf.toBody() };
}

function allowed(path: string): string[] {
  return [...new Set(ROUTES.filter((r) => r.pattern.test(path)).map((r) => r.method)), 'HEAD'];
}
