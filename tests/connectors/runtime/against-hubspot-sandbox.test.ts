/** The runtime against the HubSpot sandbox's real limits: X-HubSpot-RateLimit-* headers, 429 + Retry-After, daily budget. */
import { afterEach, describe, expect, it } from 'vitest';
import type { ConnectorError } from '../../../connectors/contract/index.ts';
import { HUBSPOT_CRM_API_VERSION, RateBudget, crmFetch, hubspotRateLimitParser } from '../../../connectors/runtime/index.ts';
import type { HttpContext } from '../../../connectors/runtime/index.ts';
import { startHubSpotSandbox } from '../../../sandboxes/hubspot/server.ts';

let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

async function hubspot(options: { tenSecondLimit?: number; dailyLimit?: number }, budget: RateBudget) {
  const sb = await startHubSpotSandbox({ port: 0, ...options });
  close = () => sb.close();
  const sent: number[] = [];
  const rateLimitedAt: number[] = [];
  // Client-side timeline: when each request left and when each 429 was fully received.
  const timedFetch: typeof fetch = async (input, init) => {
    sent.push(Date.now());
    const response = await fetch(input, init);
    const text = await response.text();
    if (response.status === 429) rateLimitedAt.push(Date.now());
    return new Response(text, { status: response.status, headers: response.headers });
  };
  const ctx: HttpContext = {
    crm: 'hubspot', budget, baseUrl: `${sb.url}/crm/${HUBSPOT_CRM_API_VERSION}`, fetch: timedFetch,
    headers: { authorization: `Bearer ${sb.accessToken}` }, retry: { maxAttempts: 6, baseDelayMs: 20 },
  };
  return { sb, ctx, sent, rateLimitedAt };
}

describe('runtime against the HubSpot sandbox', () => {
  it('learns the ten-second window from headers and stays under it instead of drawing 429s', async () => {
    const budget = new RateBudget({ crm: 'hubspot', accountId: 'portal', concurrency: 2, headerParsers: [hubspotRateLimitParser] });
    const { ctx, rateLimitedAt, sb } = await hubspot({ tenSecondLimit: 6 }, budget);
    await crmFetch(ctx, 'sync', { path: '/objects/contacts', query: { limit: 1 } });
    const started = Date.now();
    await Promise.all(Array.from({ length: 7 }, () => crmFetch(ctx, 'sync', { path: '/objects/contacts', query: { limit: 1 } })));
    expect(rateLimitedAt).toEqual([]);
    // 8 calls with 6 per 10 s: the last two had to wait for the window to roll.
    expect(Date.now() - started).toBeGreaterThanOrEqual(9000);
    expect(budget.state().window).toMatchObject({ max: 6, intervalMs: 10_000 });
    expect(sb.control.total).toBeGreaterThanOrEqual(8);
  }, 30_000);

  it('an injected 429 storm: nothing is sent after a 429 and before its Retry-After, then every call succeeds', async () => {
    const budget = new RateBudget({ crm: 'hubspot', accountId: 'portal', concurrency: 3, headerParsers: [hubspotRateLimitParser] });
    const { sb, ctx, sent, rateLimitedAt } = await hubspot({}, budget);
    const put = await fetch(`${sb.url}/_sandbox/faults`, {
      method: 'PUT', headers: { 'content-type': 'application/json' },
      body: JSON.stringify([{ kind: 'rate-limit', schedule: [1, 2, 3, 4], retryAfterSeconds: 1 }]),
    });
    expect(put.ok).toBe(true);
    const answers = await Promise.all(Array.from({ length: 9 }, (_, i) => crmFetch(ctx, (['interactive', 'writeback', 'sync'] as const)[i % 3] ?? 'sync', { path: '/objects/contacts', query: { limit: 1 } })));
    expect(answers.every((a) => a.status === 200)).toBe(true);
    expect(rateLimitedAt.length).toBeGreaterThanOrEqual(4);
    const early = sent.filter((at) => rateLimitedAt.some((got) => at > got && at < got + 1000));
    expect(early).toEqual([]);
  });

  it('the daily budget the portal reports is never exceeded', async () => {
    const budget = new RateBudget({ crm: 'hubspot', accountId: 'portal', concurrency: 3, headerParsers: [hubspotRateLimitParser] });
    const { ctx, rateLimitedAt } = await hubspot({ dailyLimit: 10 }, budget);
    const outcomes = await Promise.allSettled(Array.from({ length: 15 }, (_, i) => crmFetch(ctx, i === 0 ? 'interactive' : 'sync', { path: '/objects/contacts', query: { limit: 1 } })));
    const refused = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected').map((o) => o.reason as ConnectorError);
    expect(rateLimitedAt).toEqual([]); // never a DAILY 429 from the portal
    expect(refused.length).toBeGreaterThanOrEqual(5);
    expect(refused.every((e) => e.code === 'CRM_BUDGET_EXHAUSTED')).toBe(true);
    expect(budget.state().daily).toMatchObject({ limit: 10, remaining: 0 });
  });
});
