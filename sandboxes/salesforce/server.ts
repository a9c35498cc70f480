/**
 * The express app of the Salesforce sandbox: control plane first (stats, latency, faults), then OAuth and the
 * identity URL, then the data API under `/services/data/vXX.X/` behind bearer auth and the daily API budget.
 */
import express from 'express';
import type { Request, Response } from 'express';
import { ControlPlane, routeKey } from '../common/control-plane.ts';
import { ApiBudget } from './api-budget.ts';
import { BulkQueryJobs } from './bulk-query-jobs.ts';
import type { AuthConfig } from './auth.ts';
import { TokenAuthority, bearerToken, oauthRouter } from './auth.ts';
import { SfError, apiLimitExceeded, invalidSession, jsonParserError } from './errors.ts';
import { SalesforceOrg } from './org.ts';
import { QueryCursors } from './query-cursors.ts';
import { dispatch, errorResponse } from './routes/dispatch.ts';
import type { ApiContext, ApiRequest, ApiResponse } from './routes/types.ts';
import { salesforceControlRouter } from './sandbox-control.ts';
import type { StreamingOptions } from './streaming/control.ts';
import { DEFAULT_STREAMING_OPTIONS, SalesforceStreaming } from './streaming/control.ts';
import { LATEST_VERSION, isSupportedVersion, versionList } from './versions.ts';

export interface ServerConfig {
  auth: AuthConfig;
  dailyApiLimit: number;
  /** How the control plane's rate-limit fault answers: 429 with Retry-After (default) or 403 REQUEST_LIMIT_EXCEEDED. */
  rateLimitStatus: number;
  /** How the control plane's server-error fault answers (default 503 SERVER_UNAVAILABLE). */
  serverErrorStatus: number;
  /** Change Data Capture over the Streaming API (defaults: enabled, 110 s connect hold, 10,000 events kept). */
  streaming?: Partial<StreamingOptions>;
  /** Bulk API 2.0 query jobs answer (default true; also `PUT /_sandbox/salesforce/bulk`). */
  bulkQuery?: boolean;
  /** Reloads records on `POST /_sandbox/reset`. */
  reset(org: SalesforceOrg, seedDir?: string): Promise<void>;
}

export interface SalesforceServer {
  app: express.Express;
  control: ControlPlane;
  org: SalesforceOrg;
  auth: TokenAuthority;
  budget: ApiBudget;
  cursors: QueryCursors;
  streaming: SalesforceStreaming;
  bulk: BulkQueryJobs;
}

export function createSalesforceServer(config: ServerConfig): SalesforceServer {
  const auth = new TokenAuthority(config.auth);
  const budget = new ApiBudget(config.dailyApiLimit);
  const cursors = new QueryCursors();
  const bulk = new BulkQueryJobs(config.bulkQuery ?? true);
  const settings = { rateLimitStatus: config.rateLimitStatus, serverErrorStatus: config.serverErrorStatus };
  // The control plane and the org refer to each other (ledger on commit, reset hook), hence the late binding.
  const org: SalesforceOrg = new SalesforceOrg((entries) => entries.forEach((e) => control.recordWrite(e)));
  const control: ControlPlane = new ControlPlane({
    rateLimited(res, retryAfterSeconds) {
      res.status(settings.rateLimitStatus).set('Retry-After', String(retryAfterSeconds))
        .json([{ message: 'ConcurrentPerOrgLongTxn Limit exceeded.', errorCode: 'REQUEST_LIMIT_EXCEEDED', fields: [] }]);
    },
    serverError(res) {
      res.status(settings.serverErrorStatus).json([{ message: 'Server unavailable', errorCode: 'SERVER_UNAVAILABLE', fields: [] }]);
    },
    async reset(seedDir) {
      await config.reset(org, seedDir);
      cursors.clear();
      bulk.reset();
      budget.reset();
      streaming.reset();
    },
    setLimits(limits) {
      if (limits.dailyApiLimit !== undefined) budget.limit = limits.dailyApiLimit;
      if (limits.apiUsage !== undefined) budget.used = limits.apiUsage;
      if (limits.rateLimitStatus !== undefined) settings.rateLimitStatus = limits.rateLimitStatus;
      if (limits.serverErrorStatus !== undefined) settings.serverErrorStatus = limits.serverErrorStatus;
      if (limits.tokenTtlSeconds !== undefined) auth.config.tokenTtlSeconds = limits.tokenTtlSeconds;
    },
    getLimits() {
      return { dailyApiLimit: budget.limit, apiUsage: budget.used, ...settings, tokenTtlSeconds: auth.config.tokenTtlSeconds };
    },
  });

  const streaming = new SalesforceStreaming(org, (token) => auth.isValid(token), { ...DEFAULT_STREAMING_OPTIONS, ...config.streaming });

  const ctx: ApiContext = {
    org, cursors, budget, bulk,
    origin: (req) => ({ method: req.method, route: routeKey({ method: req.method, path: `/services/data/v${req.version}${req.path}` } as Request) }),
  };

  const app = express();
  app.disable('x-powered-by');
  // Streaming sits before the control plane: like Salesforce, it spends no API requests and shows in no stats.
  app.use('/cometd', streaming.bayeux.router());
  app.use(control.middleware());
  app.use('/_sandbox/salesforce', streaming.controlRouter(org), salesforceControlRouter(org, auth, bulk));
  app.use('/_sandbox', control.router());
  app.use(oauthRouter(auth, LATEST_VERSION));
  app.get(['/services/data', '/services/data/'], (_req, res) => void res.json(versionList()));
  app.use('/services/data', express.raw({ type: () => true, limit: '50mb' }), (req, res) => {
    send(res, handleData(ctx, auth, budget, req, res));
  });
  app.use((_req: Request, res: Response) => {
    res.status(404).json([{ message: 'The requested resource does not exist', errorCode: 'NOT_FOUND', fields: [] }]);
  });
  return { app, control, org, auth, budget, cursors, streaming, bulk };
}

function handleData(ctx: ApiContext, auth: TokenAuthority, budget: ApiBudget, req: Request, res: Response): ApiResponse {
  const m = /^\/v(\d+\.\d+)(\/.*)?$/.exec(req.path);
  if (!m || !isSupportedVersion(m[1]!)) return errorResponse(new SfError(404, 'NOT_FOUND', 'The requested resource does not exist'));
  if (!auth.isValid(bearerToken(req))) return errorResponse(invalidSession());
  const allowed = budget.consume();
  res.set('Sforce-Limit-Info', budget.header());
  if (!allowed) return errorResponse(apiLimitExceeded());
  let body: unknown;
  const raw = req.body as Buffer | undefined;
  if (Buffer.isBuffer(raw) && raw.length > 0) {
    try {
      body = JSON.parse(raw.toString('utf8'));
    } catch (err) {
      return errorResponse(jsonParserError(`Unexpected character: ${(err as Error).message}`));
    }
  }
  const headers: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(req.headers)) headers[k] = Array.isArray(v) ? v.join(', ') : v;
  const query = new URLSearchParams(req.originalUrl.includes('?') ? req.originalUrl.slice(req.originalUrl.indexOf('?') + 1) : '');
  const apiReq: ApiRequest = { method: req.method, path: m[2] ?? '', version: m[1]!, query, body, headers };
  return dispatch(ctx, apiReq);
}

function send(res: Response, out: ApiResponse): void {
  res.status(out.status);
  if (out.headers) res.set(out.headers);
  if (out.text) res.type(out.text.contentType).send(out.text.body);
  else if (out.body === undefined) res.end();
  else res.json(out.body);
}
