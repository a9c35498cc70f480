/**
 * HubSpot's search endpoints have their own limit besides the portal's 10-second window: about 4–5 requests
 * per second per token, answered with a `SECONDLY` 429 and often without rate-limit headers (reference §2.6,
 * §2.10). The change feed polls through search, so several object types polled at once would draw 429s, and each
 * 429 blocks every lane of the portal. A second, small budget spaces the searches out before they are sent.
 *
 * It is a RateBudget with a 1-second window and no header parsers (the headers describe the 10-second window,
 * not this one). There is one per portal budget: connectors sharing the portal share it, like the budget itself.
 */
import { RateBudget } from '../runtime/index.ts';

/** Searches per second per portal: the low end of HubSpot's "about 4–5", since other clients of the token search too. */
export const DEFAULT_SEARCH_PER_SECOND = 4;
export const SEARCH_INTERVAL_MS = 1000;

/** Keyed by the portal's budget, so a test registry (a fresh budget) gets a fresh limiter and nothing leaks. */
const limiters = new WeakMap<RateBudget, RateBudget | null>();

/**
 * The search limiter of the portal whose budget is `budget`, created on first use with `perSecond` (below 1 = none).
 * Later callers get the same one, as with `rateBudgets.forAccount`.
 */
export function searchLimiterFor(budget: RateBudget, perSecond: number = DEFAULT_SEARCH_PER_SECOND): RateBudget | null {
  const existing = limiters.get(budget);
  if (existing !== undefined) return existing;
  const max = Math.floor(perSecond);
  const limiter = max >= 1
    ? new RateBudget({
      crm: budget.crm,
      accountId: budget.accountId,
      // A search in flight fills a slot of the window anyway: more concurrency than the window could not be used.
      concurrency: max,
      window: { max, intervalMs: SEARCH_INTERVAL_MS },
    })
    : null;
  limiters.set(budget, limiter);
  return limiter;
}
