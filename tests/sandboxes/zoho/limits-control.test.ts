import { describe, expect, it } from 'vitest';
import { api, control, requestToken, startSandbox } from './helpers.ts';

const READ = 'Contacts?fields=Last_Name';

describe('Zoho sandbox: credits, concurrency and the shared control plane', () => {
  it('spends one credit per API call (token calls free); when the day\'s credits are gone → 429 TOO_MANY_REQUESTS without Retry-After', async () => {
    const sandbox = await startSandbox();
    await api(sandbox, 'GET', READ);
    const before = await control(sandbox, 'GET', '/limits');
    expect(before.body).toMatchObject({ creditsPerDay: 25000, concurrency: 10, creditsUsed: 1 });
    await requestToken(sandbox);
    expect((await control(sandbox, 'GET', '/limits')).body.creditsUsed).toBe(1);
    expect((await control(sandbox, 'PUT', '/limits', { creditsPerDay: 3 })).body.creditsPerDay).toBe(3);
    expect((await api(sandbox, 'GET', READ)).status).toBe(200);
    expect((await api(sandbox, 'GET', 'settings/modules')).status).toBe(200);
    const refused = await api(sandbox, 'GET', READ);
    expect(refused.status).toBe(429);
    expect(refused.headers.get('content-type')).toMatch(/^application\/json/);
    expect(refused.body).toEqual({ code: 'TOO_MANY_REQUESTS', details: {}, message: expect.any(String), status: 'error' });
    expect(refused.headers.get('retry-after')).toBeNull();
    expect([...refused.headers.keys()].filter((k) => k.includes('ratelimit'))).toEqual([]);
    expect((await control(sandbox, 'GET', '/limits')).body.creditsUsed).toBe(3);
    // A fresh token does not buy fresh credits.
    const fresh = (await requestToken(sandbox)).body.access_token;
    expect((await api(sandbox, 'GET', READ, undefined, { authorization: `Zoho-oauthtoken ${fresh}` })).status).toBe(429);
  });

  it('refuses calls beyond the concurrency limit with 429 while others are in flight, and serves again once they finish', async () => {
    const sandbox = await startSandbox();
    await api(sandbox, 'GET', READ);
    await control(sandbox, 'PUT', '/limits', { concurrency: 2 });
    await control(sandbox, 'PUT', '/latency', { fixedMs: 500 });
    const answers = await Promise.all(Array.from({ length: 5 }, () => api(sandbox, 'GET', READ)));
    expect(answers.map((a) => a.status).sort()).toEqual([200, 200, 429, 429, 429]);
    expect(answers.find((a) => a.status === 429)!.body.code).toBe('TOO_MANY_REQUESTS');
    await control(sandbox, 'PUT', '/latency', {});
    expect((await api(sandbox, 'GET', READ)).status).toBe(200);
    // Refused calls cost no credit: 1 + 2 + 1.
    expect((await control(sandbox, 'GET', '/limits')).body.creditsUsed).toBe(4);
  });

  it('injected faults speak Zoho: a 429 TOO_MANY_REQUESTS with the fault\'s Retry-After, a 500 INTERNAL_ERROR as JSON', async () => {
    const sandbox = await startSandbox();
    await control(sandbox, 'PUT', '/faults', [{ kind: 'rate-limit', schedule: [1], retryAfterSeconds: 3, match: '^GET /crm/v8/Contacts' }]);
    const limited = await api(sandbox, 'GET', READ);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('3');
    expect(limited.body).toEqual({ code: 'TOO_MANY_REQUESTS', details: {}, message: expect.any(String), status: 'error' });
    expect((await api(sandbox, 'GET', READ)).status).toBe(200);
    await control(sandbox, 'PUT', '/faults', [{ kind: 'server-error', schedule: [1] }]);
    const failed = await api(sandbox, 'POST', 'Contacts', { data: [{ Last_Name: 'Lost' }] });
    expect(failed.status).toBe(500);
    expect(failed.headers.get('content-type')).toMatch(/^application\/json/);
    expect(failed.body).toEqual({ code: 'INTERNAL_ERROR', details: {}, message: expect.any(String), status: 'error' });
    expect((await control(sandbox, 'GET', '/ledger')).body.entries).toEqual([]);
  });

  it('counts calls per route shape (ids replaced) for the contract suite, the token route included', async () => {
    const sandbox = await startSandbox();
    const [first] = (await api(sandbox, 'GET', READ)).body.data;
    await api(sandbox, 'GET', `Contacts/${first.id}`);
    await api(sandbox, 'PUT', `Contacts/${first.id}`, { data: [{ Title: 'x' }] });
    await api(sandbox, 'GET', 'settings/fields?module=Contacts');
    const stats = await control(sandbox, 'GET', '/stats');
    expect(stats.body).toEqual({
      total: 5,
      routes: {
        'POST /oauth/v2/token': 1, 'GET /crm/v8/Contacts': 1, 'GET /crm/v8/Contacts/:id': 1, 'PUT /crm/v8/Contacts/:id': 1, 'GET /crm/v8/settings/fields': 1,
      },
    });
  });

  it('reset restores the start-time records, drops writes and forgets the credits used', async () => {
    const sandbox = await startSandbox();
    const before = (await api(sandbox, 'GET', READ)).body.data.length;
    await api(sandbox, 'POST', 'Contacts', { data: [{ Last_Name: 'Temporary' }] });
    expect((await api(sandbox, 'GET', READ)).body.data).toHaveLength(before + 1);
    expect((await control(sandbox, 'POST', '/reset')).body).toEqual({ ok: true });
    expect((await control(sandbox, 'GET', '/limits')).body.creditsUsed).toBe(0);
    expect((await api(sandbox, 'GET', READ)).body.data).toHaveLength(before);
  });
});
