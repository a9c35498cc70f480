/**
 * HubSpot's per-second search limit against the sandbox enforcing it (5 searches per second, `SECONDLY` 429s):
 * polling several feeds at once with the connector's search limiter draws no 429 and is spaced out; without it
 * the same polling is refused. Waiting for search spacing does not hold the portal's call slots.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { ConnectorError } from '../../../connectors/contract/index.ts';
import { DEFAULT_SEARCH_PER_SECOND, createHubSpotConnector } from '../../../connectors/hubspot/index.ts';
import type { HubSpotConnector } from '../../../connectors/hubspot/index.ts';
import { RateBudgetRegistry } from '../../../connectors/runtime/index.ts';
import type { RunningHubSpotSandbox } from '../../../sandboxes/hubspot/index.ts';
import { countCalls, putLimits } from '../contract-suite/sandbox-control.ts';
import { CREDENTIALS, startHubSpot } from './harness.ts';

const sandboxes: RunningHubSpotSandbox[] = [];
afterEach(async () => {
  await Promise.all(sandboxes.splice(0).map((s) => s.close()));
});

const BASE = Date.parse('2024-04-01T00:00:00.000Z');
const HUBSPOT_SEARCH_LIMIT = 5;

async function start(searchPerSecond?: number, concurrency = 8) {
  const seed = Array.from({ length: 20 }, (_, i) => ({
    objectType: 'contacts', fields: { firstname: `F${i}`, lastname: `L${i}` }, modifiedAt: new Date(BASE + i * 1000).toISOString(),
  }));
  const sandbox = await startHubSpot(seed);
  sandboxes.push(sandbox);
  await putLimits(sandbox, { searchPerSecondLimit: HUBSPOT_SEARCH_LIMIT });
  const connector = createHubSpotConnector({
    connectorId: `hs-search-${Date.now()}-${Math.random()}`,
    baseUrl: sandbox.url,
    auth: { kind: 'static', accessToken: CREDENTIALS.accessToken },
    registry: new RateBudgetRegistry(),
    // One attempt: a 429 is not retried away, it fails the call.
    retry: { maxAttempts: 1 },
    budget: { concurrency, ...(searchPerSecond !== undefined ? { searchPerSecond } : {}) },
  });
  return { sandbox, connector };
}

/** A poll round with concurrency: three readers of the contact feed in pages of 5, plus newest-change probes. */
function pollAtOnce(connector: HubSpotConnector): Promise<unknown>[] {
  const drainFeed = async () => {
    let records = 0;
    for await (const batch of connector.readChanges('contacts', null, { pageSize: 5, fields: ['firstname'] })) records += batch.records.length;
    return records;
  };
  return [
    ...Array.from({ length: 3 }, drainFeed),
    ...['contacts', 'companies', 'deals', 'contacts', 'companies', 'deals'].map((type) => connector.latestChangeAt(type)),
  ];
}

const searchesIn = (routes: Record<string, number>) =>
  Object.entries(routes).filter(([route]) => route.endsWith('/search')).reduce((n, [, count]) => n + count, 0);

describe('HubSpot search limit', () => {
  it('polling with concurrency: no 429, every feed complete, searches spaced to the limiter', async () => {
    const { sandbox, connector } = await start();
    const started = Date.now();
    const { result, calls } = await countCalls(sandbox, () => Promise.all(pollAtOnce(connector)));
    const elapsed = Date.now() - started;
    expect(result.slice(0, 3)).toEqual([20, 20, 20]);
    expect(connector.rateLimitState().totals.rateLimited).toBe(0);
    const searches = searchesIn(calls.routes);
    expect(searches).toBeGreaterThan(3 * HUBSPOT_SEARCH_LIMIT);
    // At most DEFAULT_SEARCH_PER_SECOND searches start in any second: the rest waited for the next seconds.
    const fullSeconds = Math.ceil(searches / DEFAULT_SEARCH_PER_SECOND) - 1;
    expect(elapsed).toBeGreaterThanOrEqual(fullSeconds * 1000);
  }, 30_000);

  it('the same polling without the limiter draws SECONDLY 429s from the sandbox', async () => {
    const { connector } = await start(0);
    const outcomes = await Promise.allSettled(pollAtOnce(connector));
    const refused = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected').map((o) => o.reason as ConnectorError);
    expect(refused.length).toBeGreaterThan(0);
    expect(refused[0]).toMatchObject({ code: 'CRM_RATE_LIMITED', details: { nativeCode: 'SECONDLY' } });
    expect(connector.rateLimitState().totals.rateLimited).toBeGreaterThan(0);
  }, 30_000);

  it('searches waiting for their second do not hold the portal: an interactive read goes through at once', async () => {
    // Four call slots: were waiting searches to hold them, the read would queue behind the next second's searches.
    const { sandbox, connector } = await start(undefined, 4);
    const ids = sandbox.portal().records.all('contacts').map((r) => r.id).slice(0, 3);
    // Warm up (client, connection), then let its search leave the limiter's window.
    await connector.latestChangeAt('contacts');
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const probes = Array.from({ length: 12 }, () => connector.latestChangeAt('contacts'));
    await new Promise((resolve) => setTimeout(resolve, 300)); // the first second's searches are answered, 8 wait
    const readStarted = Date.now();
    const read = await connector.fetchByIds('contacts', ids, { fields: ['firstname'], lane: 'interactive' });
    const readMs = Date.now() - readStarted;
    await Promise.all(probes);
    expect(read.size).toBe(3);
    expect(readMs).toBeLessThan(500);
    expect(Date.now() - readStarted).toBeGreaterThanOrEqual(1000);
  }, 30_000);
});
