export { RateBudget, DEFAULT_MAX_PASS_OVER } from './rate-budget.ts';
export type { RateBudgetOptions, CallOutcome, Permit } from './rate-budget.ts';
export { RateBudgetRegistry, rateBudgets } from './registry.ts';
export { getHeader, parseRetryAfter, sforceLimitInfoParser, hubspotRateLimitParser, pipedriveRateLimitParser, PIPEDRIVE_WINDOW_MS } from './header-parsers.ts';
export type { HeadersLike, RateLimitObservation, RateLimitHeaderParser } from './header-parsers.ts';
