import { describe, expect, it } from 'vitest';
import { api, control, startSandbox } from './helpers.ts';

describe('Dynamics sandbox: request limit and control plane', () => {
  it('429 over the 5-minute request limit with Retry-After and 0x80072322; refused calls count nothing', async () => {
    const sandbox = await startSandbox({ requestLimit: 3 });
    for (let i = 0; i < 3; i++) {
      const ok = await api(sandbox, 'GET', 'WhoAmI');
      expect(ok.status).toBe(200);
      expect(ok.headers.get('x-ms-ratelimit-burst-remaining-xrm-requests')).toBe(String(2 - i));
    }
    const limited = await api(sandbox, 'GET', 'contacts');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('content-type')).toMatch(/^application\/json/);
    const retryAfter = Number(limited.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(299);
    expect(retryAfter).toBeLessThanOrEqual(300);
    expect(limited.body).toEqual({ error: { code: '0x80072322', message: 'Number of requests exceeded the limit of 3 over time window of 300 seconds.' } });
    expect((await control(sandbox, 'GET', '/limits')).body).toMatchObject({ requests: { used: 3, limit: 3, windowSeconds: 300 }, requestLimit: 3 });
    // A 401 is not counted either.
    expect((await api(sandbox, 'GET', 'contacts', undefined, { bearer: 'bad' })).status).toBe(401);
    expect((await control(sandbox, 'PUT', '/limits', { requests: { limit: 5 } })).body.requests).toEqual({ used: 3, limit: 5, windowSeconds: 300 });
    expect((await api(sandbox, 'GET', 'contacts')).status).toBe(200);
  });

  it('injected faults answer in Dataverse\'s shapes; stats count calls per route', async () => {
    const sandbox = await startSandbox();
    await control(sandbox, 'PUT', '/faults', [{ kind: 'rate-limit', schedule: [1], retryAfterSeconds: 7, match: 'contacts' }, { kind: 'server-error', schedule: [1], match: 'accounts' }]);
    const limited = await api(sandbox, 'GET', 'contacts');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('7');
    expect(limited.body.error.code).toBe('0x80072322');
    const failed = await api(sandbox, 'GET', 'accounts');
    expect(failed.status).toBe(500);
    expect(failed.headers.get('content-type')).toMatch(/^application\/json/);
    expect(failed.body).toEqual({ error: { code: '0x80040216', message: 'An unexpected error occurred.' } });
    expect((await api(sandbox, 'GET', 'contacts')).status).toBe(200);
    const stats = (await control(sandbox, 'GET', '/stats')).body;
    expect(stats.routes[`POST /${sandbox.tenantId}/oauth2/vXX.X/token`]).toBe(1);
    expect(stats.routes['GET /api/data/vXX.X/contacts']).toBe(2);
    expect(stats.routes['GET /api/data/vXX.X/accounts']).toBe(1);
    expect(stats.total).toBe(4);
  });

  it('seeds through /_sandbox/dynamics/seed (all or nothing) and resets to the start-time seed', async () => {
    const sandbox = await startSandbox({ seed: { accounts: [{ name: 'Start', modifiedon: '2024-05-01T12:00:00.123Z' }] } });
    expect(sandbox.store.all('accounts')[0]).toMatchObject({ name: 'Start', modifiedon: '2024-05-01T12:00:00Z', createdon: '2024-05-01T12:00:00Z' });
    const loaded = await control(sandbox, 'POST', '/dynamics/seed', { contacts: [{ lastname: 'Seeded', createdon: '2023-01-01T00:00:00Z' }] });
    expect(loaded.body).toEqual({ loaded: { contacts: 1, accounts: 0, opportunities: 0 } });
    expect(sandbox.store.all('contacts')[0]).toMatchObject({ fullname: 'Seeded', createdon: '2023-01-01T00:00:00Z', modifiedon: '2023-01-01T00:00:00Z' });
    const bad = await control(sandbox, 'POST', '/dynamics/seed', { contacts: [{ lastname: 'Fine' }, { lastname: 'Bad', nope: 1 }] });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatch(/^seed\.contacts\[1\]: .*'nope'/);
    expect(sandbox.store.all('contacts')).toHaveLength(1);
    expect((await control(sandbox, 'GET', '/ledger')).body.entries).toEqual([]);
    await api(sandbox, 'POST', "EntityDefinitions(LogicalName='contact')/Attributes", { '@odata.type': 'Microsoft.Dynamics.CRM.StringAttributeMetadata', SchemaName: 'cg_Temp' });
    expect((await control(sandbox, 'POST', '/reset')).body).toEqual({ ok: true });
    expect(sandbox.store.all('contacts')).toEqual([]);
    expect(sandbox.store.all('accounts').map((a) => a.name)).toEqual(['Start']);
    expect((await api(sandbox, 'GET', 'contacts?$select=cg_temp')).status).toBe(400);
  });
});
