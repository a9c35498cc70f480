/**
 * Turn CRM response headers into facts the rate budget adapts to. Pluggable: a connector passes the parsers
 * for its CRM when it creates its budget; a CRM without limit headers passes none and relies on configured
 * limits and 429s.
 */

/** fetch `Headers`, node's IncomingHttpHeaders, or a plain record (client libraries hand back all three). */
export type HeadersLike = Headers | Record<string, string | string[] | number | undefined>;

export function getHeader(headers: HeadersLike | undefined, name: string): string | undefined {
  if (!headers) return undefined;
  if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name) ?? undefined;
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() !== wanted || value === undefined) continue;
    return Array.isArray(value) ? value[0] : String(value);
  }
  return undefined;
}

export interface RateLimitObservation {
  /** Calls used and allowed in the CRM's daily period, as the CRM counts them (all clients of the account). */
  daily?: { used: number; limit: number };
  /** A short rolling window (HubSpot: max calls per interval). */
  window?: { max: number; remaining: number; intervalMs: number };
}

export type RateLimitHeaderParser = (headers: HeadersLike) => RateLimitObservation | null;

const int = (value: string | undefined): number | undefined => {
  if (value === undefined || value.trim() === '') return undefined;
  const n = Number(value);
  return Number.isFinite(n) && n >= 0 ? Math.floor(n) : undefined;
};

/** `Sforce-Limit-Info: api-usage=42/15000` — the org's rolling 24 h API usage. */
export const sforceLimitInfoParser: RateLimitHeaderParser = (headers) => {
  const match = /api-usage=(\d+)\/(\d+)/.exec(getHeader(headers, 'sforce-limit-info') ?? '');
  if (!match) return null;
  return { daily: { used: Number(match[1]), limit: Number(match[2]) } };
};

/**
 * `X-HubSpot-RateLimit-Max / -Remaining / -Interval-Milliseconds` (rolling window per app) and
 * `X-HubSpot-RateLimit-Daily / -Daily-Remaining` (private apps only).
 */
export const hubspotRateLimitParser: RateLimitHeaderParser = (headers) => {
  const observation: RateLimitObservation = {};
  const max = int(getHeader(headers, 'x-hubspot-ratelimit-max'));
  const remaining = int(getHeader(headers, 'x-hubspot-ratelimit-remaining'));
  const intervalMs = int(getHeader(headers, 'x-hubspot-ratelimit-interval-milliseconds'));
  if (max !== undefined && remaining !== undefined && intervalMs) observation.window = { max, remaining, intervalMs };
  const daily = int(getHeader(headers, 'x-hubspot-ratelimit-daily'));
  const dailyRemaining = int(getHeader(headers, 'x-hubspot-ratelimit-daily-remaining'));
  if (daily !== undefined && dailyRemaining !== undefined) observation.daily = { used: Math.max(0, daily - dailyRemaining), limit: daily };
  return observation.window || observation.daily ? observation : null;
};

/** Pipedrive's burst window: a rolling 2 s per token (its `x-ratelimit-reset` counts down within it). */
export const PIPEDRIVE_WINDOW_MS = 2_000;

/**
 * Pipedrive: `x-ratelimit-limit / -remaining / -reset` (the per-token burst window of 2 s) and
 * `x-daily-requests-left` (the day's token budget). Pipedrive sends what is LEFT of the day, not the limit:
 * given the account's daily limit the used count is exact; without it the most left seen today stands for the limit
 * and "used" counts the calls since, which keeps "remaining" exact (and refuses calls once nothing is left).
 */
export function pipedriveRateLimitParser(dailyLimit?: number): RateLimitHeaderParser {
  let top: number | undefined;
  return (headers) => {
    const observation: RateLimitObservation = {};
    const max = int(getHeader(headers, 'x-ratelimit-limit'));
    const remaining = int(getHeader(headers, 'x-ratelimit-remaining'));
    if (max !== undefined && max > 0 && remaining !== undefined) observation.window = { max, remaining, intervalMs: PIPEDRIVE_WINDOW_MS };
    const left = int(getHeader(headers, 'x-daily-requests-left'));
    if (left !== undefined) {
      // Without the plan's daily limit, the most left seen stands for it: what was used before this process is
      // unknown, what it used since is counted (a new day shows more left, and counting starts again).
      top = Math.max(top ?? left, left);
      observation.daily = dailyLimit !== undefined && dailyLimit >= left
        ? { used: dailyLimit - left, limit: dailyLimit }
        : { used: top - left, limit: top };
    }
    return observation.window || observation.daily ? observation : null;
  };
}

/** Retry-After as milliseconds from `now`: delta-seconds or an HTTP date. Undefined when absent or unreadable. */
export function parseRetryAfter(value: string | undefined | null, now: number = Date.now()): number | undefined {
  if (value === undefined || value === null) return undefined;
  const text = value.trim();
  if (text === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(text)) return Math.ceil(Number(text) * 1000);
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
