import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { call, control, startSandbox } from './helpers.ts';

describe('Pipedrive sandbox: control plane and seeds', () => {
  it('starts empty; a seed keeps ids and timestamps (any precision cut to the second) and costs no API call', async () => {
    const sandbox = await startSandbox({
      seed: { persons: [{ id: 10, name: 'Ada', update_time: '2024-05-01T12:00:00.789Z' }, { name: 'Bob', add_time: '2024-04-01 08:00:00' }] },
    });
    expect(sandbox.store.all('persons').map((p) => [p.id, p.add_time, p.update_time])).toEqual([
      [10, '2024-05-01T12:00:00Z', '2024-05-01T12:00:00Z'], [11, '2024-04-01T08:00:00Z', '2024-04-01T08:00:00Z'],
    ]);
    expect((await startSandbox()).store.all('persons')).toEqual([]);

    const seeded = await control(sandbox, 'POST', '/pipedrive/seed', {
      organizations: [{ name: 'Acme', update_time: '2023-01-02T03:04:05Z', add_time: '2022-01-01T00:00:00Z' }],
      deals: [{ title: 'Old deal', status: 'won', update_time: '2023-06-01T00:00:00Z' }],
    });
    expect(seeded.body).toEqual({ loaded: { persons: 0, organizations: 1, deals: 1 } });
    expect((await call(sandbox, 'GET', '/api/v2/organizations/1')).body.data).toMatchObject({ add_time: '2022-01-01T00:00:00Z', update_time: '2023-01-02T03:04:05Z' });
    const stats = (await control(sandbox, 'GET', '/stats')).body;
    expect(stats).toEqual({ total: 1, routes: { 'GET /api/v2/organizations/:id': 1 } });
    expect((await control(sandbox, 'GET', '/ledger')).body.entries).toEqual([]);
    expect((await control(sandbox, 'GET', '/limits')).body.daily.used).toBe(1);
  });

  it('refuses an invalid seed whole with 400', async () => {
    const sandbox = await startSandbox();
    const bad = await control(sandbox, 'POST', '/pipedrive/seed', { persons: [{ name: 'Fine' }, { emails: [{ value: 'x@y.test' }] }] });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatch(/persons\[1\].*name is required/);
    expect((await control(sandbox, 'POST', '/pipedrive/seed', { leads: [] })).status).toBe(400);
    expect(sandbox.store.all('persons')).toEqual([]);
  });

  it('counts calls per route shape, injects faults in Pipedrive\'s shapes and latency', async () => {
    const sandbox = await startSandbox({ seed: { persons: [{ name: 'Ada' }] } });
    await call(sandbox, 'GET', '/api/v2/persons/1');
    await call(sandbox, 'GET', '/api/v2/persons?limit=5');
    await call(sandbox, 'GET', '/api/v1/personFields');
    expect((await control(sandbox, 'GET', '/stats')).body).toEqual({
      total: 3, routes: { 'GET /api/v2/persons/:id': 1, 'GET /api/v2/persons': 1, 'GET /api/v1/personFields': 1 },
    });
    await control(sandbox, 'POST', '/stats/reset');

    // A rule counts only the requests no earlier rule took: the server error hits the second call.
    await control(sandbox, 'PUT', '/faults', [{ kind: 'rate-limit', schedule: [1], retryAfterSeconds: 3 }, { kind: 'server-error', schedule: [1] }]);
    const limited = await call(sandbox, 'GET', '/api/v2/persons/1');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('3');
    expect(limited.body).toMatchObject({ success: false, error: 'Request over limit', errorCode: 429 });
    const failed = await call(sandbox, 'GET', '/api/v2/persons/1');
    expect(failed.status).toBe(500);
    expect(failed.headers.get('content-type')).toMatch(/^application\/json/);
    expect(failed.body).toMatchObject({ success: false, data: null });
    expect((await call(sandbox, 'GET', '/api/v2/persons/1')).status).toBe(200);
    // Injected refusals spend no budget.
    expect((await control(sandbox, 'GET', '/limits')).body.daily.used).toBe(4);
    await control(sandbox, 'DELETE', '/faults');

    await control(sandbox, 'PUT', '/latency', { fixedMs: 300 });
    const started = Date.now();
    await call(sandbox, 'GET', '/api/v2/persons/1');
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    await control(sandbox, 'PUT', '/latency', {});
  });

  it('reset restores the start-time seed, drops custom fields and clears usage', async () => {
    const sandbox = await startSandbox({ seed: { persons: [{ name: 'Ada' }] } });
    await call(sandbox, 'POST', '/api/v2/persons', { name: 'Bob' });
    await call(sandbox, 'POST', '/api/v1/personFields', { name: 'Tier', field_type: 'varchar' });
    expect((await control(sandbox, 'POST', '/reset')).body).toEqual({ ok: true });
    expect(sandbox.store.all('persons').map((p) => p.name)).toEqual(['Ada']);
    expect((await call(sandbox, 'GET', '/api/v1/personFields')).body.data.some((f: { edit_flag: boolean }) => f.edit_flag)).toBe(false);
    expect((await control(sandbox, 'GET', '/limits')).body.daily.used).toBe(1);
  });

  it('loads a seed folder <dir>/pipedrive/{persons,organizations,deals}.json at start and on reset', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'pipedrive-seed-'));
    mkdirSync(path.join(dir, 'pipedrive'));
    writeFileSync(path.join(dir, 'pipedrive', 'deals.json'), JSON.stringify([{ id: 7, title: 'Folder deal', update_time: '2024-05-01T12:00:00Z' }]));
    try {
      const sandbox = await startSandbox({ seedDir: dir });
      expect(sandbox.store.get('deals', 7)).toMatchObject({ title: 'Folder deal', update_time: '2024-05-01T12:00:00Z' });
      const other = await startSandbox();
      await control(other, 'POST', '/reset', { seedDir: dir });
      expect(other.store.all('deals').map((d) => d.id)).toEqual([7]);
      expect(other.store.all('persons')).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
