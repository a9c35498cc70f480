/**
 * `runCall` composes everything a CRM call needs, once, for every connector: the account's rate budget (lane
 * priority, 429 blocks, daily budget), a fresh token, a per-call timeout, one token refresh and replay on a 401,
 * and retries with full-jitter backoff that honour Retry-After. The call itself is a callback, so it works
 * around a client library (jsforce, @hubspot/api-client) as well as around `fetch` (see http.ts).
 */
import { ConnectorError } from '../contract/errors.ts';
import type { Lane } from '../contract/connector.ts';
import type { TokenProvider } from './auth/token-provider.ts';
import type { StoredToken } from './auth/token-store.ts';
import type { HeadersLike } from './rate-budget/header-parsers.ts';
import type { RateBudget } from './rate-budget/rate-budget.ts';
import type { RetryInfo, RetryPolicy } from './retry.ts';
import { withRetry, withTimeout } from './retry.ts';

/** Maps whatever a client library threw to a ConnectorError. Must set `status: 401` on a rejected token and `retryAfterMs` on a 429. */
export type ErrorClassifier = (crm: string, err: unknown) => ConnectorError;

/** Everything a connector sets up once and passes to every call. */
export interface CallContext {
  crm: string;
  /** The account's shared budget, from `rateBudgets.forAccount(...)`. */
  budget: RateBudget;
  /** Absent for CRMs called without a token. */
  auth?: TokenProvider;
  /** Per-attempt timeout. Default 30 s. */
  timeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  classifyError: ErrorClassifier;
  /** For logs and metrics. */
  onRetry?: (info: RetryInfo & { crm: string; lane: Lane }) => void;
}

/** What the callback gets for one attempt. */
export interface CallScope {
  /** The token to send, or null without auth. */
  token: StoredToken | null;
  /** Aborted on timeout or when the caller gives up: pass it to the library / fetch. */
  signal: AbortSignal;
  /** 1 for the first attempt. */
  attempt: number;
  /** Hand the response headers over so the budget adapts (`Sforce-Limit-Info`, `X-HubSpot-RateLimit-*`). */
  observe(headers: HeadersLike, status?: number): void;
}

export interface RunCallOptions {
  /**
   * False for calls that must not run twice (POST creates): they are retried only when the CRM certainly did
   * not act on them (429). Default true.
   */
  idempotent?: boolean;
  signal?: AbortSignal;
  timeoutMs?: number;
}

export async function runCall<T>(ctx: CallContext, lane: Lane, fn: (scope: CallScope) => Promise<T>, options: RunCallOptions = {}): Promise<T> {
  const idempotent = options.idempotent ?? true;
  const timeoutMs = options.timeoutMs ?? ctx.timeoutMs ?? 30_000;
  let replayedAfter401 = false;

  const attemptOnce = async (attempt: number): Promise<T> => {
    for (;;) {
      // The token comes before the permit: a slow refresh must not hold one of the account's call slots.
      const token = ctx.auth ? await ctx.auth.getToken() : null;
      const permit = await ctx.budget.acquire(lane, options.signal);
      if (ctx.auth && token && ctx.auth.isSuperseded(token)) {
        // Refused or replaced while we queued for the permit: fetch the current token instead of sending a dead one.
        permit.cancel();
        continue;
      }
      let observed: { headers: HeadersLike; status?: number } | undefined;
      try {
        const result = await withTimeout(ctx.crm, timeoutMs, (signal) =>
          fn({ token, signal, attempt, observe: (headers, status) => { observed = { headers, status }; } }), options.signal);
        permit.release(observed);
        return result;
      } catch (raw) {
        if (options.signal?.aborted && raw === options.signal.reason) {
          permit.release(observed);
          throw raw;
        }
        const err = raw instanceof ConnectorError ? raw : ctx.classifyError(ctx.crm, raw);
        // Library errors often carry the response headers (HubSpot ApiException.headers): learn from them too.
        const headers = observed?.headers ?? headersOf(raw);
        permit.release({ ...(headers ? { headers } : {}), status: err.status ?? observed?.status });
        noteOnBudget(ctx.budget, err);
        if (ctx.auth && token && isRejectedToken(err)) {
          if (!replayedAfter401) {
            // Refresh once (shared with every other caller that saw the same 401) and replay; not a retry.
            replayedAfter401 = true;
            ctx.auth.invalidate(token.accessToken);
            continue;
          }
          await ctx.auth.reportRejected(token.accessToken, `${err.status} after a token refresh`);
        }
        throw err;
      }
    }
  };

  return withRetry(attemptOnce, {
    policy: ctx.retry,
    signal: options.signal,
    isRetryable: (err) => err.retryable && (idempotent || err.code === 'CRM_RATE_LIMITED'),
    onRetry: ctx.onRetry ? (info) => ctx.onRetry?.({ ...info, crm: ctx.crm, lane }) : undefined,
  });
}

/** A 401 from the API itself (not from the token endpoint, which already decided re-authorisation). */
function isRejectedToken(err: ConnectorError): boolean {
  return err.code === 'CRM_AUTH_FAILED' && err.status === 401 && err.details?.source !== 'token-endpoint';
}

/** Errors that say something about the account's budget, whichever way the call was made. */
function noteOnBudget(budget: RateBudget, err: ConnectorError): void {
  if (err.code === 'CRM_RATE_LIMITED' && err.retryAfterMs !== undefined) budget.blockFor(err.retryAfterMs);
  // Only when the CRM said so (a status), not when our own budget refused.
  if (err.code === 'CRM_BUDGET_EXHAUSTED' && err.status !== undefined) budget.markDailyExhausted();
}

function headersOf(err: unknown): HeadersLike | undefined {
  const headers = (err as { headers?: unknown } | null)?.headers;
  return typeof headers === 'object' && headers !== null ? (headers as HeadersLike) : undefined;
}
