/**
 * Data-API handlers work on a plain request/response pair instead of express objects, so the composite
 * resource can run subrequests through the very same handlers.
 */
import type { SalesforceOrg, WriteOrigin } from '../org.ts';
import type { QueryCursors } from '../query-cursors.ts';
import type { ApiBudget } from '../api-budget.ts';
import type { BulkQueryJobs } from '../bulk-query-jobs.ts';

export interface ApiRequest {
  method: string;
  /** Path below `/services/data/vXX.X`, e.g. `/sobjects/Contact/003…`; always starts with `/` (or is ''). */
  path: string;
  version: string;
  query: URLSearchParams;
  /** Parsed JSON body (undefined when there is none). */
  body: unknown;
  headers: Record<string, string | undefined>;
}

export interface ApiResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** A non-JSON body (Bulk query results are CSV); `body` is ignored when this is set. */
  text?: { contentType: string; body: string };
}

export interface ApiContext {
  org: SalesforceOrg;
  cursors: QueryCursors;
  budget: ApiBudget;
  /** Bulk API 2.0 query jobs. */
  bulk: BulkQueryJobs;
  /** How the ledger names the route of a write. */
  origin(req: ApiRequest): WriteOrigin;
}

export type Handler = (ctx: ApiContext, req: ApiRequest, params: string[]) => ApiResponse;

export interface Route {
  method: string;
  pattern: RegExp;
  handler: Handler;
}
