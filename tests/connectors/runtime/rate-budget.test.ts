import { afterEach, describe, expect, it } from 'vitest';
import type { ConnectorError } from '../../../connectors/contract/index.ts';
import { RateBudget, RateBudgetRegistry, crmFetch, hubspotRateLimitParser, parseRetryAfter, sforceLimitInfoParser } from '../../../connectors/runtime/index.ts';
import type { HttpContext } from '../../../connectors/runtime/index.ts';
import { sendJson, startServer } from './local-server.ts';
import type { LocalServer } from './local-server.ts';

const servers: LocalServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

function context(server: LocalServer, budget: RateBudget, maxAttempts = 8): HttpContext {
  return { crm: 'hubspot', budget, baseUrl: server.url, retry: { maxAttempts, baseDelayMs: 20, maxDelayMs: 200 } };
}

describe('429 storm', () => {
  /** A CRM whose first `refuse` requests get 429 with Retry-After: 1; records each refusal's one-second window. */
  async function stormyCrm(refuse: number) {
    const refusals: Array<{ at: number; until: number }> = [];
    let served = 0;
    const server = await startServer((req, res) => {
      if (served++ < refuse) {
        refusals.push({ at: Date.now(), until: Date.now() + 1000 });
        return sendJson(res, 429, { status: 'error', message: 'You have reached your secondly limit.', policyName: 'SECONDLY' }, { 'retry-after': '1' });
      }
      return sendJson(res, 200, { path: req.path });
    });
    servers.push(server);
    return { server, refusals };
  }
  const lanes = ['interactive', 'writeback', 'sync'] as const;

  it('no request of any lane reaches the CRM before Retry-After has passed, and all eventually succeed', async () => {
    const { server, refusals } = await stormyCrm(3);
    // One call in flight at a time: after each 429 nothing is in flight, so the server must see silence.
    const budget = new RateBudget({ crm: 'hubspot', accountId: 'portal-1', concurrency: 1 });
    const ctx = context(server, budget);
    const results = await Promise.all(Array.from({ length: 9 }, (_, i) => crmFetch(ctx, lanes[i % 3] as (typeof lanes)[number], { path: `/r/${i}` })));
    expect(results.every((r) => r.status === 200)).toBe(true);
    expect(refusals).toHaveLength(3);
    const early = server.requests.filter((r) => refusals.some((f) => r.at > f.at && r.at < f.until));
    expect(early).toEqual([]);
    expect(budget.state().totals.rateLimited).toBe(3);
  });

  it('with several calls in flight, none is sent after a 429 arrived and before its Retry-After passed', async () => {
    const { server, refusals } = await stormyCrm(5);
    const budget = new RateBudget({ crm: 'hubspot', accountId: 'portal-2', concurrency: 3 });
    // Client-side clock of the same process: when each request left, when each 429 was fully received.
    const received429: number[] = [];
    const stampingFetch: typeof fetch = async (input, init) => {
      const headers = { ...(init?.headers as Record<string, string>), 'x-sent-at': String(Date.now()) };
      const response = await fetch(input, { ...init, headers });
      const text = await response.text();
      if (response.status === 429) received429.push(Date.now());
      return new Response(text, { status: response.status, headers: response.headers });
    };
    const ctx = { ...context(server, budget), fetch: stampingFetch };
    const results = await Promise.all(Array.from({ length: 12 }, (_, i) => crmFetch(ctx, lanes[i % 3] as (typeof lanes)[number], { path: `/r/${i}` })));
    expect(results.every((r) => r.status === 200)).toBe(true);
    expect(refusals).toHaveLength(5);
    // Requests already on their way when a 429 came back may land inside its window; anything sent after is a violation.
    const violations = server.requests.filter((r) => {
      const sentAt = Number(r.headers['x-sent-at']);
      return received429.some((got) => sentAt > got && sentAt < got + 1000);
    });
    expect(violations).toEqual([]);
    // The storm really was waited out: at least two Retry-After periods from first to last request.
    expect((server.requests.at(-1)?.at ?? 0) - (server.requests[0]?.at ?? 0)).toBeGreaterThanOrEqual(2000);
  });

  it('honours Retry-After given as an HTTP date', async () => {
    let until = 0;
    const server = await startServer((_req, res) => {
      if (until === 0) {
        // HTTP dates have one-second resolution: round up so the date is a real lower bound.
        until = Math.ceil((Date.now() + 1500) / 1000) * 1000;
        return sendJson(res, 429, { message: 'slow down' }, { 'retry-after': new Date(until).toUTCString() });
      }
      return sendJson(res, 200, {});
    });
    servers.push(server);
    const ctx = context(server, new RateBudget({ crm: 'hubspot', accountId: 'portal-2' }));
    await crmFetch(ctx, 'interactive', { path: '/x' });
    expect(server.requests).toHaveLength(2);
    expect(server.requests[1]?.at).toBeGreaterThanOrEqual(until);
  });

  it('a POST refused with 429 is retried (the CRM did not act on it) but a POST answered 503 is not', async () => {
    let n = 0;
    const server = await startServer((req, res) => {
      n++;
      if (req.path === '/limited' && n === 1) return sendJson(res, 429, {}, { 'retry-after': '0' });
      if (req.path === '/broken') return sendJson(res, 503, { message: 'down' });
      return sendJson(res, 201, { id: '1' });
    });
    servers.push(server);
    const ctx = context(server, new RateBudget({ crm: 'hubspot', accountId: 'portal-3' }));
    expect((await crmFetch(ctx, 'writeback', { method: 'POST', path: '/limited', json: {} })).status).toBe(201);
    const err = await crmFetch(ctx, 'writeback', { method: 'POST', path: '/broken', json: {} }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'CRM_UNAVAILABLE', crm: 'hubspot' });
    expect(server.requests.filter((r) => r.path === '/broken')).toHaveLength(1);
  });
});

describe('daily budget', () => {
  it('is never exceeded: calls that would go over are refused unsent with CRM_BUDGET_EXHAUSTED', async () => {
    const LIMIT = 20;
    let used = 12; // other clients of the org already spent 12 today
    let overLimit = 0;
    const server = await startServer((_req, res) => {
      used++;
      if (used > LIMIT) overLimit++;
      setTimeout(() => sendJson(res, 200, {}, { 'sforce-limit-info': `api-usage=${used}/${LIMIT}` }), 5 + Math.random() * 20);
    });
    servers.push(server);
    const budget = new RateBudget({ crm: 'salesforce', accountId: 'org-1', concurrency: 4, daily: { limit: LIMIT }, headerParsers: [sforceLimitInfoParser] });
    // Learn the org's usage from a first call, as any connector's first describe does.
    await crmFetch({ ...context(server, budget), crm: 'salesforce' }, 'interactive', { path: '/limits' });
    const outcomes = await Promise.allSettled(Array.from({ length: 30 }, (_, i) => crmFetch({ ...context(server, budget), crm: 'salesforce' }, 'sync', { path: `/q/${i}` })));
    const ok = outcomes.filter((o) => o.status === 'fulfilled').length;
    const refused = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected').map((o) => o.reason as ConnectorError);
    expect(overLimit).toBe(0);
    expect(used).toBeLessThanOrEqual(LIMIT);
    expect(server.requests).toHaveLength(1 + ok);
    // Exactly what was left: 20 - 12 - the first call. Nothing refused early, nothing sent over.
    expect(ok).toBe(LIMIT - 12 - 1);
    expect(used).toBe(LIMIT);
    expect(refused.every((e) => e.code === 'CRM_BUDGET_EXHAUSTED' && e.crm === 'salesforce' && /salesforce/.test(e.message))).toBe(true);
    expect(budget.state().daily).toMatchObject({ limit: LIMIT });
    // Later calls are refused without reaching the CRM.
    const before = server.requests.length;
    await expect(crmFetch({ ...context(server, budget), crm: 'salesforce' }, 'interactive', { path: '/late' })).rejects.toMatchObject({ code: 'CRM_BUDGET_EXHAUSTED' });
    expect(server.requests.length).toBe(before);
  });

  it('a configured limit holds for CRMs without usage headers', async () => {
    const server = await startServer((_req, res) => sendJson(res, 200, {}));
    servers.push(server);
    const budget = new RateBudget({ crm: 'pipedrive', accountId: 'co-1', concurrency: 5, daily: { limit: 7 } });
    const outcomes = await Promise.allSettled(Array.from({ length: 10 }, () => crmFetch(context(server, budget), 'sync', { path: '/p' })));
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(7);
    expect(server.requests).toHaveLength(7);
    expect(budget.state().daily).toEqual({ used: 7, limit: 7, remaining: 0 });
  });
});

describe('lanes', () => {
  it('serves waiting interactive calls before write-back, and write-back before sync', async () => {
    let openGate: () => void = () => {};
    const gate = new Promise<void>((resolve) => { openGate = resolve; });
    const server = await startServer(async (req, res) => {
      if (req.path === '/blocker') await gate;
      sendJson(res, 200, {});
    });
    servers.push(server);
    const budget = new RateBudget({ crm: 'hubspot', accountId: 'portal-lanes', concurrency: 1 });
    const ctx = context(server, budget);
    const calls = [crmFetch(ctx, 'sync', { path: '/blocker' })];
    await new Promise((r) => setTimeout(r, 50)); // the blocker holds the only slot
    for (let i = 0; i < 3; i++) calls.push(crmFetch(ctx, 'sync', { path: `/sync-${i}` }));
    for (let i = 0; i < 2; i++) calls.push(crmFetch(ctx, 'writeback', { path: `/writeback-${i}` }));
    for (let i = 0; i < 3; i++) calls.push(crmFetch(ctx, 'interactive', { path: `/interactive-${i}` }));
    await new Promise((r) => setTimeout(r, 20));
    expect(budget.state().waiting).toEqual({ interactive: 3, writeback: 2, sync: 3 });
    openGate();
    await Promise.all(calls);
    expect(server.requests.map((r) => r.path)).toEqual([
      '/blocker', '/interactive-0', '/interactive-1', '/interactive-2', '/writeback-0', '/writeback-1', '/sync-0', '/sync-1', '/sync-2',
    ]);
  });
});

describe('adapting to headers', () => {
  it('reads HubSpot window and daily headers and holds calls when the window is spent', async () => {
    let remaining = 3;
    const server = await startServer((_req, res) => {
      remaining = Math.max(0, remaining - 1);
      sendJson(res, 200, {}, {
        'x-hubspot-ratelimit-max': '3', 'x-hubspot-ratelimit-remaining': String(remaining), 'x-hubspot-ratelimit-interval-milliseconds': '600',
        'x-hubspot-ratelimit-daily': '1000', 'x-hubspot-ratelimit-daily-remaining': '400',
      });
    });
    servers.push(server);
    const budget = new RateBudget({ crm: 'hubspot', accountId: 'portal-h', concurrency: 1, headerParsers: [hubspotRateLimitParser] });
    const ctx = context(server, budget);
    for (let i = 0; i < 3; i++) await crmFetch(ctx, 'sync', { path: '/h' });
    expect(budget.state().window).toEqual({ max: 3, remaining: 0, intervalMs: 600 });
    expect(budget.state().daily).toEqual({ used: 600, limit: 1000, remaining: 400 });
    const started = Date.now();
    await crmFetch(ctx, 'sync', { path: '/h' });
    // The 4th call waited for the window to roll over instead of drawing a 429.
    expect(Date.now() - started).toBeGreaterThanOrEqual(400);
  });

  it('parses Retry-After and the limit headers', () => {
    expect(parseRetryAfter('2')).toBe(2000);
    expect(parseRetryAfter('0.5')).toBe(500);
    expect(parseRetryAfter(new Date(Date.now() + 10_000).toUTCString())).toBeGreaterThan(8000);
    expect(parseRetryAfter('soon')).toBeUndefined();
    expect(sforceLimitInfoParser({ 'Sforce-Limit-Info': 'api-usage=42/15000' })).toEqual({ daily: { used: 42, limit: 15000 } });
    expect(sforceLimitInfoParser(new Headers())).toBeNull();
    expect(hubspotRateLimitParser(new Headers({ 'X-HubSpot-RateLimit-Max': '190', 'X-HubSpot-RateLimit-Remaining': '10', 'X-HubSpot-RateLimit-Interval-Milliseconds': '10000' })))
      .toEqual({ window: { max: 190, remaining: 10, intervalMs: 10000 } });
  });

  it('one budget per account in a registry', () => {
    const registry = new RateBudgetRegistry();
    const a = registry.forAccount({ crm: 'salesforce', accountId: 'org-1' });
    expect(registry.forAccount({ crm: 'salesforce', accountId: 'org-1', concurrency: 99 })).toBe(a);
    expect(registry.forAccount({ crm: 'hubspot', accountId: 'org-1' })).not.toBe(a);
    expect(registry.all()).toHaveLength(2);
  });
});
