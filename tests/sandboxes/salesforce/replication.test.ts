import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Connection } from 'jsforce';
import { startSalesforceSandbox } from '../../../sandboxes/salesforce/index.ts';
import type { SalesforceSandbox } from '../../../sandboxes/salesforce/index.ts';
import { connect, errorOf, start } from './helpers.ts';

let sb: SalesforceSandbox;
let conn: Connection;
beforeAll(async () => {
  ({ sb, conn } = await start({
    demoSeed: { Contact: [{ Id: '003000000000001AAA', LastName: 'Old', SystemModstamp: '2024-01-01T00:00:00.000+0000' }] },
  }));
});
afterAll(() => sb.close());

describe('updated and deleted', () => {
  it('lists ids changed in a window (jsforce date formatting)', async () => {
    const start = new Date(Date.now() - 60_000);
    const { id } = (await conn.sobject('Contact').create({ LastName: 'New' })) as { id: string };
    const res = await conn.sobject('Contact').updated(start.toISOString(), new Date(Date.now() + 60_000).toISOString());
    expect(res.ids).toEqual([id]);
    expect(res.latestDateCovered).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:00\.000\+0000$/);
    const old = await conn.sobject('Contact').updated('2023-12-31T00:00:00Z', '2024-01-02T00:00:00Z');
    expect(old.ids).toEqual(['003000000000001AAA']);
  });

  it('lists deleted ids with their deletion date', async () => {
    const start = new Date(Date.now() - 60_000);
    const { id } = (await conn.sobject('Contact').create({ LastName: 'Doomed' })) as { id: string };
    await conn.sobject('Contact').destroy(id);
    const res = await conn.sobject('Contact').deleted(start, new Date(Date.now() + 60_000));
    expect(res.deletedRecords).toEqual([{ id, deletedDate: expect.stringMatching(/\+0000$/) }]);
    expect(res.earliestDateAvailable).toMatch(/\+0000$/);
  });

  it('refuses an inverted window', async () => {
    const err = await errorOf(conn.sobject('Contact').updated('2024-02-01T00:00:00Z', '2024-01-01T00:00:00Z'));
    expect(err.errorCode).toBe('INVALID_REPLICATION_DATE');
  });
});

describe('limits and the daily API budget', () => {
  it('reports DailyApiRequests and Sforce-Limit-Info', async () => {
    const limits = (await conn.limits()) as unknown as { DailyApiRequests: { Max: number; Remaining: number } };
    expect(limits.DailyApiRequests.Max).toBe(15000);
    expect(limits.DailyApiRequests.Remaining).toBeLessThan(15000);
    expect(conn.limitInfo.apiUsage?.limit).toBe(15000);
    expect(conn.limitInfo.apiUsage!.used).toBe(15000 - limits.DailyApiRequests.Remaining);
  });

  it('answers 403 REQUEST_LIMIT_EXCEEDED once the budget is spent', async () => {
    const small = await startSalesforceSandbox({ dailyApiLimit: 3 });
    try {
      const c = await connect(small);
      for (let i = 0; i < 3; i++) await c.query('SELECT Id FROM Contact');
      expect(c.limitInfo.apiUsage).toEqual({ used: 3, limit: 3 });
      const err = await errorOf(c.query('SELECT Id FROM Contact'));
      expect(err.errorCode).toBe('REQUEST_LIMIT_EXCEEDED');
      expect(err.message).toBe('TotalRequests Limit exceeded.');
      // The control plane can lift the budget again.
      await fetch(`${small.url}/_sandbox/limits`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ dailyApiLimit: 10 }) });
      await c.query('SELECT Id FROM Contact');
    } finally {
      await small.close();
    }
  });
});
