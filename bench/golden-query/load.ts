/**
 * Drives one GraphQL query over HTTP at a fixed concurrency with autocannon (keep-alive connections, one request
 * in flight per connection), for a fixed duration or a fixed number of requests.
 */
import autocannon from 'autocannon';

export interface LoadOptions {
  url: string;
  query: string;
  connections: number;
  /** Seconds; ignored when `requests` is set. */
  durationSeconds?: number;
  /** A fixed number of requests instead of a duration: every request completes, so per-request counts are exact. */
  requests?: number;
  /** Seconds before a request counts as timed out. */
  timeoutSeconds?: number;
}

export interface LoadResult {
  connections: number;
  /** Requests answered within the run. */
  requests: number;
  /** Requests sent, including those still in flight when a timed run ended (the gateway still serves them). */
  sent: number;
  seconds: number;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Connection errors and timeouts, non-2xx answers, and 200 answers that carry GraphQL `errors`. */
  errors: number;
  errorDetail: { connection: number; timeouts: number; non2xx: number; graphql: number };
}

export async function driveQuery(opts: LoadOptions): Promise<LoadResult> {
  let graphqlErrors = 0;
  const body = JSON.stringify({ query: opts.query });
  const t0 = performance.now();
  const result = await autocannon({
    url: opts.url,
    connections: opts.connections,
    pipelining: 1,
    ...(opts.requests ? { amount: opts.requests } : { duration: opts.durationSeconds ?? 5 }),
    timeout: opts.timeoutSeconds ?? 30,
    requests: [{
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body,
      // A cheap test instead of JSON.parse of ~130 kB per answer, which would take CPU from the gateway on a small
      // machine: a GraphQL error answer always has a top-level "errors" key, and this query selects no such field.
      onResponse: (status, text) => {
        if (status === 200 && text.includes('"errors":')) graphqlErrors++;
      },
    }],
  });
  // autocannon's own `duration` is whole seconds, too coarse for short fixed-count runs: time the run here.
  const seconds = (performance.now() - t0) / 1000;
  const requests = result.requests.total;
  const connection = result.errors - result.timeouts;
  return {
    connections: opts.connections,
    requests,
    sent: Math.max(result.requests.sent, requests),
    seconds,
    requestsPerSecond: seconds > 0 ? requests / seconds : 0,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    maxMs: result.latency.max,
    errors: result.errors + result.non2xx + graphqlErrors,
    errorDetail: { connection, timeouts: result.timeouts, non2xx: result.non2xx, graphql: graphqlErrors },
  };
}
