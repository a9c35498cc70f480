/**
 * One object per connector instance bundling what the runtime offers, so a connector writes
 * `this.rt.call('interactive', …)` or `this.rt.fetch('sync', {…})` and never wires budget, auth and retries itself.
 */
import type { Lane, RateLimitState } from '../contract/connector.ts';
import type { TokenProvider } from './auth/token-provider.ts';
import type { TokenStore } from './auth/token-store.ts';
import type { CrmHttpResponse, CrmRequest, HttpContext } from './http.ts';
import { crmFetch, defaultNetworkClassifier } from './http.ts';
import type { RateBudgetOptions } from './rate-budget/rate-budget.ts';
import type { RateBudget } from './rate-budget/rate-budget.ts';
import { rateBudgets } from './rate-budget/registry.ts';
import type { RateBudgetRegistry } from './rate-budget/registry.ts';
import type { RetryInfo, RetryPolicy } from './retry.ts';
import type { CallContext, CallScope, ErrorClassifier, RunCallOptions } from './run-call.ts';
import { runCall } from './run-call.ts';

export interface ConnectorRuntimeOptions {
  crm: string;
  /** The CRM account whose budget this connector shares (Salesforce org id, HubSpot portal id). */
  accountId: string;
  auth?: TokenProvider;
  /** Limits and header parsers, used when this account's budget is created. */
  budget?: Omit<RateBudgetOptions, 'crm' | 'accountId'>;
  /** Defaults to the process-wide registry: every connector of the account shares one budget. */
  registry?: RateBudgetRegistry;
  timeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  /** Maps client-library errors; default treats anything unknown as CRM_UNAVAILABLE. */
  classifyError?: ErrorClassifier;
  /** Needed only for `fetch`. */
  http?: Pick<HttpContext, 'baseUrl' | 'fetch' | 'headers' | 'classifyResponse'>;
  onRetry?: (info: RetryInfo & { crm: string; lane: Lane }) => void;
}

export interface ConnectorRuntime {
  readonly crm: string;
  readonly budget: RateBudget;
  readonly auth?: TokenProvider;
  /** A client-library call under budget, timeout, token refresh and retries. */
  call<T>(lane: Lane, fn: (scope: CallScope) => Promise<T>, options?: RunCallOptions): Promise<T>;
  /** A JSON HTTP call under the same rules. */
  fetch<T = unknown>(lane: Lane, request: CrmRequest): Promise<CrmHttpResponse<T>>;
  rateLimitState(): RateLimitState;
}

export function createConnectorRuntime(options: ConnectorRuntimeOptions): ConnectorRuntime {
  const budget = (options.registry ?? rateBudgets).forAccount({ crm: options.crm, accountId: options.accountId, ...options.budget });
  const callContext: CallContext = {
    crm: options.crm,
    budget,
    ...(options.auth ? { auth: options.auth } : {}),
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
    ...(options.retry ? { retry: options.retry } : {}),
    ...(options.onRetry ? { onRetry: options.onRetry } : {}),
    classifyError: options.classifyError ?? defaultNetworkClassifier,
  };
  return {
    crm: options.crm,
    budget,
    ...(options.auth ? { auth: options.auth } : {}),
    call: (lane, fn, callOptions) => runCall(callContext, lane, fn, callOptions),
    fetch: (lane, request) => {
      if (!options.http) throw new Error(`${options.crm}: createConnectorRuntime needs http.baseUrl for fetch`);
      return crmFetch({ ...callContext, ...options.http }, lane, request);
    },
    rateLimitState: () => budget.state(),
  };
}

/**
 * The options every fetch-based connector takes besides its CRM's own (address, credentials, budget limits): each
 * connector's options interface extends this and documents what differs (its default `accountId`, its budget).
 */
export interface ConnectorCommonOptions {
  /** Our id of this CRM connection: the token-store key and what `onNeedsReauthorisation` reports. */
  connectorId: string;
  tokenStore?: TokenStore;
  onNeedsReauthorisation?: (connectorId: string, reason: string) => void | Promise<void>;
  /** Connectors of one CRM account share one rate budget under this id. */
  accountId?: string;
  /** Per-call timeout (default 30 s). */
  timeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  onRetry?: (info: RetryInfo & { crm: string }) => void;
  /** How long field metadata is held for record mapping. Default 5 min. */
  metadataTtlMs?: number;
  /** Budgets are process-wide by default; tests pass their own registry. */
  registry?: RateBudgetRegistry;
}
