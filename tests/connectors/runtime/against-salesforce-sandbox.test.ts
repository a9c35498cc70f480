/**
 * The runtime against the Salesforce sandbox's real wire format (OAuth token endpoint, INVALID_SESSION_ID 401s,
 * Sforce-Limit-Info, REQUEST_LIMIT_EXCEEDED): plain crmFetch, no connector yet.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ConnectorError } from '../../../connectors/contract/index.ts';
import { InMemoryTokenStore, RateBudget, SALESFORCE_API_VERSION, TokenProvider, crmFetch, formTokenEndpoint, sforceLimitInfoParser } from '../../../connectors/runtime/index.ts';
import type { HttpContext } from '../../../connectors/runtime/index.ts';
import { DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, DEFAULT_REFRESH_TOKEN, startSalesforceSandbox } from '../../../sandboxes/salesforce/index.ts';
import type { SalesforceSandbox } from '../../../sandboxes/salesforce/index.ts';

let sandbox: SalesforceSandbox | undefined;
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

function salesforceContext(sb: SalesforceSandbox, budget: RateBudget, reauth: string[] = [], clientSecret = DEFAULT_CLIENT_SECRET) {
  const auth = new TokenProvider({
    connectorId: 'sf-1', crm: 'salesforce',
    flow: { kind: 'refresh-token', clientId: DEFAULT_CLIENT_ID, clientSecret, refreshToken: DEFAULT_REFRESH_TOKEN },
    tokenEndpoint: formTokenEndpoint(`${sb.url}/services/oauth2/token`),
    store: new InMemoryTokenStore(),
    onNeedsReauthorisation: (id, reason) => { reauth.push(`${id} ${reason}`); },
  });
  const ctx: HttpContext = {
    crm: 'salesforce', budget, auth,
    baseUrl: (token) => `${token?.instanceUrl ?? sb.url}/services/data/v${SALESFORCE_API_VERSION}`,
    classifyResponse: (r) => (r.text.includes('REQUEST_LIMIT_EXCEEDED')
      ? new ConnectorError('CRM_BUDGET_EXHAUSTED', 'salesforce', 'daily API request limit exceeded', { status: r.status })
      : undefined),
    retry: { maxAttempts: 3, baseDelayMs: 10 },
  };
  return { auth, ctx };
}

const tokenCalls = (sb: SalesforceSandbox) => sb.control.stats.get('POST /services/oauth2/token') ?? 0;

describe('runtime against the Salesforce sandbox', () => {
  it('50 concurrent queries after every token expired: one refresh, 50 answers', async () => {
    sandbox = await startSalesforceSandbox({ port: 0 });
    const { auth, ctx } = salesforceContext(sandbox, new RateBudget({ crm: 'salesforce', accountId: 'org', concurrency: 50, headerParsers: [sforceLimitInfoParser] }));
    await crmFetch(ctx, 'interactive', { path: '/query', query: { q: 'SELECT Id FROM Contact LIMIT 1' } });
    expect(auth.refreshCount).toBe(1);
    sandbox.expireTokens();
    const answers = await Promise.all(Array.from({ length: 50 }, () => crmFetch<{ totalSize: number }>(ctx, 'interactive', { path: '/query', query: { q: 'SELECT Id FROM Contact LIMIT 1' } })));
    expect(answers.every((a) => a.status === 200 && typeof a.body.totalSize === 'number')).toBe(true);
    expect(auth.refreshCount).toBe(2);
    expect(ctx.budget.state().daily?.limit).toBe(15_000);
  });

  it('callers queued for a permit behind a refused token wait for the new one instead of spending a 401 each', async () => {
    sandbox = await startSalesforceSandbox({ port: 0 });
    const concurrency = 4;
    const { auth, ctx } = salesforceContext(sandbox, new RateBudget({ crm: 'salesforce', accountId: 'org', concurrency, headerParsers: [sforceLimitInfoParser] }));
    await crmFetch(ctx, 'interactive', { path: '/query', query: { q: 'SELECT Id FROM Contact LIMIT 1' } });
    sandbox.expireTokens();
    sandbox.control.stats.clear();
    const answers = await Promise.all(Array.from({ length: 50 }, () => crmFetch(ctx, 'interactive', { path: '/query', query: { q: 'SELECT Id FROM Contact LIMIT 1' } })));
    expect(answers.every((a) => a.status === 200)).toBe(true);
    expect(auth.refreshCount).toBe(2);
    const queries = [...sandbox.control.stats].filter(([route]) => route.includes('/query')).reduce((n, [, c]) => n + c, 0);
    // 50 answers plus at most one rejected call per slot that was already in flight with the old token.
    expect(queries).toBeGreaterThanOrEqual(50);
    expect(queries).toBeLessThanOrEqual(50 + concurrency);
  });

  it('never spends beyond the daily API limit the org reports', async () => {
    sandbox = await startSalesforceSandbox({ port: 0, dailyApiLimit: 12 });
    const { ctx } = salesforceContext(sandbox, new RateBudget({ crm: 'salesforce', accountId: 'org', concurrency: 4, headerParsers: [sforceLimitInfoParser] }));
    await crmFetch(ctx, 'sync', { path: '/query', query: { q: 'SELECT Id FROM Contact LIMIT 1' } });
    const outcomes = await Promise.allSettled(Array.from({ length: 20 }, () => crmFetch(ctx, 'sync', { path: '/query', query: { q: 'SELECT Id FROM Contact LIMIT 1' } })));
    const refused = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
    expect(refused.length).toBeGreaterThan(0);
    // Refused by our budget before sending (no status), never by the org (403 REQUEST_LIMIT_EXCEEDED).
    for (const r of refused) expect(r.reason).toMatchObject({ code: 'CRM_BUDGET_EXHAUSTED' });
    expect(refused.some((r) => (r.reason as ConnectorError).status === 403)).toBe(false);
    expect(ctx.budget.state().daily).toMatchObject({ used: 12, limit: 12, remaining: 0 });
  });

  it('a wrong client secret gives CRM_AUTH_FAILED, the reauthorisation callback, and no secret in the error', async () => {
    sandbox = await startSalesforceSandbox({ port: 0 });
    const reauth: string[] = [];
    const wrongSecret = 'wrong-secret-7c1d9e';
    const { ctx } = salesforceContext(sandbox, new RateBudget({ crm: 'salesforce', accountId: 'org' }), reauth, wrongSecret);
    const err = (await crmFetch(ctx, 'interactive', { path: '/query', query: { q: 'SELECT Id FROM Contact' } }).catch((e: unknown) => e)) as ConnectorError;
    expect(err).toMatchObject({ code: 'CRM_AUTH_FAILED', crm: 'salesforce' });
    expect(reauth).toHaveLength(1);
    expect(tokenCalls(sandbox)).toBe(1);
    const everything = `${err.message} ${JSON.stringify(err)} ${err.stack}`;
    expect(everything).not.toContain(wrongSecret);
    expect(everything).not.toContain(DEFAULT_REFRESH_TOKEN);
  });
});
