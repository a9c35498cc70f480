/** The version root (resource directory) and `limits`. */
import type { Route } from './types.ts';

/** Fixed values for the limits we do not model, so tools that print limits find the usual keys. */
const STATIC_LIMITS: Record<string, { Max: number; Remaining: number }> = {
  ConcurrentAsyncGetReportInstances: { Max: 200, Remaining: 200 },
  ConcurrentSyncReportRuns: { Max: 20, Remaining: 20 },
  DailyAsyncApexExecutions: { Max: 250000, Remaining: 250000 },
  DailyBulkApiBatches: { Max: 15000, Remaining: 15000 },
  DailyBulkV2QueryJobs: { Max: 10000, Remaining: 10000 },
  DailyStreamingApiEvents: { Max: 10000, Remaining: 10000 },
  DataStorageMB: { Max: 1024, Remaining: 1024 },
  FileStorageMB: { Max: 1024, Remaining: 1024 },
  HourlyODataCallout: { Max: 10000, Remaining: 10000 },
  SingleEmail: { Max: 5000, Remaining: 5000 },
};

export const limitRoutes: Route[] = [
  {
    method: 'GET', pattern: /^\/?$/,
    handler: (_ctx, req) => {
      const b = `/services/data/v${req.version}`;
      const names = ['sobjects', 'query', 'queryAll', 'composite', 'limits', 'search', 'recent', 'tooling'];
      return { status: 200, body: { ...Object.fromEntries(names.map((n) => [n, `${b}/${n}`])), identity: '/id' } };
    },
  },
  {
    method: 'GET', pattern: /^\/limits\/?$/,
    handler: (ctx) => ({
      status: 200,
      body: { DailyApiRequests: { Max: ctx.budget.limit, Remaining: ctx.budget.remaining() }, ...STATIC_LIMITS },
    }),
  },
];
