/**
 * Zoho's accounts server and limits: refusals answered with HTTP 200, the 10-tokens-per-10-minutes limit as a rate
 * limit (never a re-authorisation), tokens reused until expiry, the API domain from the options or the token answer,
 * 429 TOO_MANY_REQUESTS retried after a pause, the data-centre table and the connection form.
 */
import { describe, expect, it } from 'vitest';
import { RateBudgetRegistry } from '../../../connectors/runtime/index.ts';
import { TOKEN_LIMIT_PAUSE_MS, accountsUrlFor, createZohoConnector, zohoConnectionForm } from '../../../connectors/zoho/index.ts';
import { countCalls, putLimits, setLatency } from '../contract-suite/sandbox-control.ts';
import { CREDENTIALS } from './harness.ts';
import { connect, start, startBodyProxy } from './helpers.ts';

const ID = '4150868000000400001';
const seed = { Contacts: [{ id: ID, Last_Name: 'Doe', Email: 'doe@example.test' }] };

describe('tokens', () => {
  it('the refresh limit (400 Access Denied) is CRM_RATE_LIMITED: no re-authorisation, token requests paused, not hammered', async () => {
    const sandbox = await start(seed, { tokenLimitPer10Min: 1 });
    const marked: string[] = [];
    const connector = connect(sandbox, { retry: { maxAttempts: 1 }, onNeedsReauthorisation: (id) => void marked.push(id) });
    expect((await connector.fetchByIds('Contacts', [ID])).has(ID)).toBe(true);
    await fetch(`${sandbox.url}/_sandbox/zoho/expire-tokens`, { method: 'POST' });
    const { result, calls } = await countCalls(sandbox, () => connector.fetchByIds('Contacts', [ID]).catch((e: unknown) => e));
    expect(result).toMatchObject({ code: 'CRM_RATE_LIMITED', crm: 'zoho', status: 400, retryable: true, retryAfterMs: TOKEN_LIMIT_PAUSE_MS });
    expect(calls.routes).toEqual({ 'POST /oauth/v2/token': 1, 'GET /crm/v8/Contacts': 1 });
    expect(marked).toEqual([]);
    expect(connector.runtime.auth!.needsReauthorisation()).toBeNull();
    expect(connector.rateLimitState().blockedUntil).toBeGreaterThan(Date.now() + TOKEN_LIMIT_PAUSE_MS - 5_000);
    // Within the pause nothing is sent, neither to the accounts server nor the API.
    const again = await countCalls(sandbox, () => connector.fetchByIds('Contacts', [ID]).catch((e: unknown) => e));
    expect(again.result).toMatchObject({ code: 'CRM_RATE_LIMITED' });
    expect(again.calls.total).toBe(0);
  });

  it('refusals with HTTP 200 (invalid_client, invalid_code) are CRM_AUTH_FAILED, reported once, one token call', async () => {
    const sandbox = await start(seed);
    for (const auth of ['invalid-static', 'invalid-refresh-token'] as const) {
      const marked: string[] = [];
      const connector = connect(sandbox, { auth, onNeedsReauthorisation: (_id, reason) => void marked.push(reason) });
      const { result, calls } = await countCalls(sandbox, () => connector.describeObjects(['Contacts']).catch((e: unknown) => e));
      expect(result).toMatchObject({ code: 'CRM_AUTH_FAILED', crm: 'zoho', retryable: false });
      expect(calls.routes).toEqual({ 'POST /oauth/v2/token': 1 });
      expect(marked).toHaveLength(1);
      expect(marked[0]).toContain(auth === 'invalid-static' ? 'invalid_client' : 'invalid_code');
    }
  });

  it('a token is reused until it expires; API calls go to the token answer\'s api_domain unless one is configured', async () => {
    const sandbox = await start(seed);
    const fromToken = createZohoConnector({
      connectorId: `zoho-domain-${Date.now()}`, accountsUrl: sandbox.url, auth: { kind: 'refresh-token', ...CREDENTIALS }, registry: new RateBudgetRegistry(),
    });
    const { calls } = await countCalls(sandbox, async () => {
      for (let i = 0; i < 20; i++) expect((await fromToken.fetchByIds('Contacts', [ID], { fields: ['Last_Name'] })).has(ID)).toBe(true);
    });
    expect(calls.routes).toEqual({ 'POST /oauth/v2/token': 1, 'GET /crm/v8/settings/fields': 1, 'GET /crm/v8/Contacts': 20 });

    const proxy = await startBodyProxy(sandbox.url);
    const configured = createZohoConnector({
      connectorId: `zoho-domain2-${Date.now()}`, accountsUrl: sandbox.url, apiDomain: proxy.url, auth: { kind: 'refresh-token', ...CREDENTIALS }, registry: new RateBudgetRegistry(),
    });
    expect((await configured.fetchByIds('Contacts', [ID])).has(ID)).toBe(true);
    expect(proxy.requests.map((r) => r.path.split('?')[0])).toEqual(['/crm/v8/settings/fields', '/crm/v8/Contacts']);
    expect(proxy.requests.every((r) => String(r.headers.authorization).startsWith('Zoho-oauthtoken '))).toBe(true);
  });
});

describe('limits', () => {
  it('429 TOO_MANY_REQUESTS (more requests in flight than the org allows) is retried after a pause: every call succeeds', async () => {
    const sandbox = await start(seed);
    const proxy = await startBodyProxy(sandbox.url);
    const connector = connect(sandbox, { baseUrl: proxy.url, budget: { concurrency: 4 }, retry: { maxAttempts: 8, baseDelayMs: 20 } });
    await connector.describeObjects(['Contacts']);
    await putLimits(sandbox, { concurrency: 1 });
    await setLatency(sandbox, { fixedMs: 100 });
    const reads = await Promise.all(Array.from({ length: 6 }, () => connector.fetchByIds('Contacts', [ID], { fields: ['Last_Name'] })));
    expect(reads.every((m) => m.has(ID))).toBe(true);
    expect(proxy.requests.filter((r) => r.status === 429).length).toBeGreaterThan(0);
    expect(connector.rateLimitState().totals.rateLimited).toBeGreaterThan(0);
  });

  it('the budget defaults to 25,000 credits a day and 5 calls at once (Zoho sends no rate headers)', async () => {
    const connector = connect(await start(seed));
    expect(connector.rateLimitState()).toMatchObject({ daily: { limit: 25_000 }, concurrency: { limit: 5 } });
  });
});

describe('data centres and the connection form', () => {
  it('accountsUrlFor maps each API domain of §5 to its accounts server; an unknown host has none', () => {
    expect(Object.fromEntries(['com', 'eu', 'in', 'com.au', 'jp', 'ca', 'com.cn', 'sa'].map((tld) => [tld, accountsUrlFor(`https://www.zohoapis.${tld}`)]))).toEqual({
      com: 'https://accounts.zoho.com', eu: 'https://accounts.zoho.eu', in: 'https://accounts.zoho.in', 'com.au': 'https://accounts.zoho.com.au',
      jp: 'https://accounts.zoho.jp', ca: 'https://accounts.zohocloud.ca', 'com.cn': 'https://accounts.zoho.com.cn', sa: 'https://accounts.zoho.sa',
    });
    expect(accountsUrlFor('https://zohoapis.ca')).toBe('https://accounts.zohocloud.ca');
    expect(accountsUrlFor('www.zohoapis.eu/')).toBe('https://accounts.zoho.eu');
    expect(accountsUrlFor('http://127.0.0.1:4107')).toBeUndefined();
    expect(accountsUrlFor('https://zohoapis.example.com')).toBeUndefined();
    expect(accountsUrlFor('not a url')).toBeUndefined();
  });

  it('asks for the API domain, client id, secret client secret and refresh token, an optional accounts URL and secret webhook token', () => {
    expect(zohoConnectionForm).toMatchObject({ crm: 'zoho', label: 'Zoho CRM', baseUrlLabel: 'API domain (data centre)' });
    const fields = zohoConnectionForm.authKinds[0]!.fields;
    expect(fields.map((f) => [f.name, f.secret, f.required])).toEqual([
      ['clientId', false, true], ['clientSecret', true, true], ['refreshToken', true, true], ['accountsUrl', false, false], ['webhookToken', true, false],
    ]);
    for (const f of fields.filter((f) => f.name !== 'webhookToken')) expect(f.help).toMatch(/api-console|accounts/);
    expect(fields.find((f) => f.name === 'webhookToken')!.help).toMatch(/long random string.*prove they come from this org/);
    expect(zohoConnectionForm.toCredentials('refresh-token', { clientId: 'c', clientSecret: 's', refreshToken: 'r' }))
      .toEqual({ auth: { kind: 'refresh-token', clientId: 'c', clientSecret: 's', refreshToken: 'r' } });
    expect(zohoConnectionForm.toCredentials('refresh-token', { clientId: 'c', clientSecret: 's', refreshToken: 'r', accountsUrl: 'https://accounts.zoho.eu' }))
      .toMatchObject({ accountsUrl: 'https://accounts.zoho.eu' });
    expect(zohoConnectionForm.toCredentials('refresh-token', { clientId: 'c', clientSecret: 's', refreshToken: 'r', webhookToken: 'zh-wt-3c9e1a7f5b2d8e4c6a0f' }))
      .toEqual({ auth: { kind: 'refresh-token', clientId: 'c', clientSecret: 's', refreshToken: 'r' }, webhookToken: 'zh-wt-3c9e1a7f5b2d8e4c6a0f' });
  });
});
