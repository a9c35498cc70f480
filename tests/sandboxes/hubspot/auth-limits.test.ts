import { afterEach, describe, expect, it } from 'vitest';
import { Client } from '@hubspot/api-client';
import type { RunningHubSpotSandbox } from '../../../sandboxes/hubspot/index.ts';
import { apiError, control, startSandbox } from './helpers.ts';

const started: RunningHubSpotSandbox[] = [];
async function sandboxWith(opts: Parameters<typeof startSandbox>[0] = {}) {
  const s = await startSandbox(opts);
  started.push(s.sandbox);
  return s;
}
afterEach(async () => {
  await Promise.all(started.splice(0).map((s) => s.close()));
});

describe('HubSpot sandbox: OAuth', () => {
  it('refreshes with the refresh_token grant (200) and accepts the new access token', async () => {
    const { sandbox, client } = await sandboxWith();
    const tokens = await client.oauth.tokensApi.create('refresh_token', undefined, undefined, 'customer-graph', 'sandbox', 'sandbox-refresh-token');
    expect(tokens.accessToken).toBeTruthy();
    expect(tokens.refreshToken).toBe('sandbox-refresh-token');
    expect(tokens.expiresIn).toBe(1800);
    const oauthClient = new Client({ accessToken: tokens.accessToken, basePath: sandbox.url });
    const created = await oauthClient.crm.contacts.basicApi.create({ properties: { email: 'oauth@x.test' }, associations: [] });
    expect(created.id).toBeTruthy();

    // Expire every OAuth token: the next call gets HubSpot's 401, and a refresh fixes it.
    expect((await control(sandbox, 'POST', '/hubspot/expire-tokens')).expired).toBe(1);
    const expired = await apiError(oauthClient.crm.contacts.basicApi.getById(created.id));
    expect(expired.code).toBe(401);
    expect(expired.body).toMatchObject({ status: 'error', category: 'EXPIRED_AUTHENTICATION' });
    expect(String(expired.body.message)).toMatch(/^The OAuth token used to make this call expired \d+ second\(s\) ago\.$/);
    const again = await client.oauth.tokensApi.create('refresh_token', undefined, undefined, 'customer-graph', 'sandbox', 'sandbox-refresh-token');
    expect(again.accessToken).not.toBe(tokens.accessToken);
    oauthClient.setAccessToken(again.accessToken);
    expect((await oauthClient.crm.contacts.basicApi.getById(created.id)).id).toBe(created.id);
  });

  it('refuses bad refresh tokens and client secrets with 400, and expires tokens after their TTL', async () => {
    const { sandbox, client } = await sandboxWith({ accessTokenTtlSeconds: 1 });
    const bad = await apiError(client.oauth.tokensApi.create('refresh_token', undefined, undefined, 'customer-graph', 'sandbox', 'nope'));
    expect(bad.code).toBe(400);
    expect(bad.body.status).toBe('BAD_REFRESH_TOKEN');
    const secret = await apiError(client.oauth.tokensApi.create('refresh_token', undefined, undefined, 'customer-graph', 'wrong', 'sandbox-refresh-token'));
    expect(secret.body.status).toBe('BAD_CLIENT_SECRET');
    const tokens = await client.oauth.tokensApi.create('refresh_token', undefined, undefined, 'customer-graph', 'sandbox', 'sandbox-refresh-token');
    const oauthClient = new Client({ accessToken: tokens.accessToken, basePath: sandbox.url });
    expect((await oauthClient.crm.contacts.basicApi.getPage()).results).toEqual([]);
    await new Promise((r) => setTimeout(r, 1100));
    expect((await apiError(oauthClient.crm.contacts.basicApi.getPage())).code).toBe(401);
  });
});

describe('HubSpot sandbox: rate limits', () => {
  it('sends the X-HubSpot-RateLimit-* headers counting down', async () => {
    const { client } = await sandboxWith({ tenSecondLimit: 50, dailyLimit: 1000 });
    const first = await client.crm.contacts.basicApi.getPageWithHttpInfo();
    const second = await client.crm.contacts.basicApi.getPageWithHttpInfo();
    expect(first.headers['x-hubspot-ratelimit-max']).toBe('50');
    expect(first.headers['x-hubspot-ratelimit-interval-milliseconds']).toBe('10000');
    expect(first.headers['x-hubspot-ratelimit-daily']).toBe('1000');
    expect(Number(first.headers['x-hubspot-ratelimit-remaining'])).toBe(49);
    expect(Number(second.headers['x-hubspot-ratelimit-remaining'])).toBe(48);
    expect(Number(second.headers['x-hubspot-ratelimit-daily-remaining'])).toBe(998);
  });

  it('answers 429 TEN_SECONDLY_ROLLING with Retry-After, and the client retries it', async () => {
    const { sandbox, client } = await sandboxWith({ tenSecondLimit: 2 });
    await client.crm.contacts.basicApi.getPage();
    await client.crm.contacts.basicApi.getPage();
    const limited = await apiError(client.crm.contacts.basicApi.getPage());
    expect(limited.code).toBe(429);
    expect(Object.keys(limited.body).sort()).toEqual(['correlationId', 'errorType', 'message', 'policyName', 'status']);
    expect(limited.body).toMatchObject({ status: 'error', message: 'You have reached your ten_secondly_rolling limit.', errorType: 'RATE_LIMIT', policyName: 'TEN_SECONDLY_ROLLING' });
    expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(limited.headers['x-hubspot-ratelimit-remaining']).toBe('0');

    // The client waits 10 s × attempt on TEN_SECONDLY_ROLLING; by then the window has rolled.
    const retrying = new Client({ accessToken: sandbox.accessToken, basePath: sandbox.url, numberOfApiCallRetries: 2 });
    const page = await retrying.crm.contacts.basicApi.getPage();
    expect(page.results).toEqual([]);
    // 2 allowed + 1 refused, then the retrying client's refused first attempt and its successful retry.
    expect((await control(sandbox, 'GET', '/stats')).routes['GET /crm/v3/objects/contacts']).toBe(5);
  }, 25_000);

  it('answers 429 DAILY once the daily budget is spent (the client does not retry it)', async () => {
    const { sandbox } = await sandboxWith({ dailyLimit: 2 });
    const retrying = new Client({ accessToken: sandbox.accessToken, basePath: sandbox.url, numberOfApiCallRetries: 3 });
    await retrying.crm.deals.basicApi.getPage();
    await retrying.crm.deals.basicApi.getPage();
    await control(sandbox, 'POST', '/stats/reset');
    const daily = await apiError(retrying.crm.deals.basicApi.getPage());
    expect(daily.code).toBe(429);
    expect(daily.body).toMatchObject({ policyName: 'DAILY', errorType: 'RATE_LIMIT', message: 'You have reached your daily limit.' });
    expect((await control(sandbox, 'GET', '/stats')).total).toBe(1);
    // Raising the budget through the control plane lets calls through again.
    await control(sandbox, 'PUT', '/limits', { dailyLimit: 100 });
    expect((await control(sandbox, 'GET', '/limits')).dailyLimit).toBe(100);
    expect((await retrying.crm.deals.basicApi.getPage()).results).toEqual([]);
  });

  it('renders the control plane rate-limit fault as the same 429', async () => {
    const { sandbox, client } = await sandboxWith();
    await control(sandbox, 'PUT', '/faults', [{ kind: 'rate-limit', schedule: [1], retryAfterSeconds: 3 }]);
    const fault = await apiError(client.crm.companies.basicApi.getPage());
    expect(fault.code).toBe(429);
    expect(fault.body).toMatchObject({ policyName: 'TEN_SECONDLY_ROLLING', errorType: 'RATE_LIMIT' });
    expect(fault.headers['retry-after']).toBe('3');
    expect(fault.headers['content-type']).toMatch(/^application\/json/);
    expect((await client.crm.companies.basicApi.getPage()).results).toEqual([]);
  });
});
