import { afterEach, describe, expect, it } from 'vitest';
import { ConnectorError } from '../../../connectors/contract/index.ts';
import type { WriteResult } from '../../../connectors/contract/index.ts';
import { RateBudgetRegistry, assertAllSucceeded, chunk, createConnectorRuntime, paginate, writeInChunks } from '../../../connectors/runtime/index.ts';
import { sendJson, startServer } from './local-server.ts';
import type { LocalServer } from './local-server.ts';

const servers: LocalServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

describe('createConnectorRuntime', () => {
  it('connectors of the same account share one budget; another account has its own', async () => {
    const server = await startServer((req, res) => sendJson(res, 200, { path: req.path }));
    servers.push(server);
    const registry = new RateBudgetRegistry();
    const a = createConnectorRuntime({ crm: 'hubspot', accountId: '42', registry, budget: { concurrency: 2 }, http: { baseUrl: server.url } });
    const b = createConnectorRuntime({ crm: 'hubspot', accountId: '42', registry, http: { baseUrl: server.url } });
    const c = createConnectorRuntime({ crm: 'hubspot', accountId: '43', registry, http: { baseUrl: server.url } });
    expect(a.budget).toBe(b.budget);
    expect(c.budget).not.toBe(a.budget);
    await Promise.all([a.fetch('sync', { path: '/1' }), b.fetch('interactive', { path: '/2', query: { ids: ['1', '2'], archived: false } })]);
    expect(a.rateLimitState().totals.sent).toBe(2);
    expect(c.rateLimitState().totals.sent).toBe(0);
    expect(server.requests.map((r) => r.path).sort()).toEqual(['/1', '/2?ids=1&ids=2&archived=false']);
  });

  it('call() maps library errors through the connector classifier', async () => {
    const rt = createConnectorRuntime({
      crm: 'salesforce', accountId: 'org', registry: new RateBudgetRegistry(), retry: { maxAttempts: 1 },
      classifyError: (crm, err) => new ConnectorError('CRM_VALIDATION', crm, (err as Error).message, { details: { nativeCode: 'MALFORMED_QUERY' } }),
    });
    await expect(rt.call('interactive', async () => { throw new Error('unexpected token: FROM'); }))
      .rejects.toMatchObject({ code: 'CRM_VALIDATION', message: 'salesforce: unexpected token: FROM', details: { nativeCode: 'MALFORMED_QUERY' } });
  });
});

describe('batching helpers', () => {
  it('chunks and keeps write results in input order, failing only the items of a chunk that threw', async () => {
    expect(chunk([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
    const items = ['a', 'b', 'c', 'd', 'e'];
    const results = await writeInChunks('hubspot', items, 2, async (part): Promise<WriteResult[]> => {
      if (part.includes('c')) throw new ConnectorError('CRM_UNAVAILABLE', 'hubspot', 'down');
      return part.map((id) => (id === 'e' ? { ok: false, error: new ConnectorError('CRM_VALIDATION', 'hubspot', 'bad e') } : { ok: true, id }));
    });
    expect(results.map((r) => (r.ok ? r.id : r.error.code))).toEqual(['a', 'b', 'CRM_UNAVAILABLE', 'CRM_UNAVAILABLE', 'CRM_VALIDATION']);
    const err = (() => { try { assertAllSucceeded('hubspot', results); } catch (e) { return e as ConnectorError; } })();
    expect(err).toMatchObject({ code: 'CRM_PARTIAL_FAILURE', crm: 'hubspot', retryable: false });
    expect((err?.details?.failures as unknown[]).length).toBe(3);
    expect(assertAllSucceeded('hubspot', [{ ok: true, id: '1', created: true }])).toEqual([{ id: '1', created: true }]);
  });

  it('paginate yields pages until the cursor runs out and stops fetching when the consumer stops', async () => {
    const fetched: Array<number | null> = [];
    const pages = paginate<number, number>(null, async (cursor) => {
      fetched.push(cursor);
      const start = cursor ?? 0;
      return { items: [start, start + 1], next: start + 2 < 10 ? start + 2 : null };
    });
    const seen: number[] = [];
    for await (const page of pages) {
      seen.push(...page);
      if (seen.length >= 4) break;
    }
    expect(seen).toEqual([0, 1, 2, 3]);
    expect(fetched).toEqual([null, 2]);
  });
});
