/** The connector runtime: auth, rate budgets, retries, timeouts and HTTP shared by every connector. Knows no CRM. */
export * from './auth/index.ts';
export * from './rate-budget/index.ts';
export { runCall } from './run-call.ts';
export type { CallContext, CallScope, RunCallOptions, ErrorClassifier } from './run-call.ts';
export { crmFetch, classifyHttpResponse, defaultNetworkClassifier, parseBody } from './http.ts';
export type { HttpContext, CrmRequest, CrmHttpResponse } from './http.ts';
export { withRetry, withTimeout, sleep, backoffDelayMs, retryDelayMs, DEFAULT_RETRY_POLICY } from './retry.ts';
export type { RetryPolicy, RetryOptions, RetryInfo } from './retry.ts';
export { API_VERSIONS, SALESFORCE_API_VERSION, HUBSPOT_CRM_API_VERSION, HUBSPOT_ASSOCIATIONS_API_VERSION } from './api-versions.ts';
export { chunk, writeInChunks, assertAllSucceeded, paginate } from './batching.ts';
export { createConnectorRuntime } from './connector-runtime.ts';
export type { ConnectorCommonOptions, ConnectorRuntime, ConnectorRuntimeOptions } from './connector-runtime.ts';
export { probeConnector, DEFAULT_PROBE_TIMEOUT_MS } from './probe.ts';
export { classifyThrown } from './classify-thrown.ts';
export type { ProbeOutcome } from './probe.ts';
