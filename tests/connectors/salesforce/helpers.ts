/** The Salesforce connector wired to a real Salesforce sandbox, plus the sandbox's control routes over HTTP. */
import { createSalesforceConnector } from '../../../connectors/salesforce/index.ts';
import type { SalesforceConnector, SalesforceConnectorOptions } from '../../../connectors/salesforce/index.ts';
import { RateBudgetRegistry } from '../../../connectors/runtime/index.ts';
import { DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, startSalesforceSandbox } from '../../../sandboxes/salesforce/index.ts';
import type { SalesforceSandbox, SalesforceSandboxOptions } from '../../../sandboxes/salesforce/index.ts';

export const TOKEN_ROUTE = 'POST /services/oauth2/token';
export const QUERY_ROUTE = 'GET /services/data/vXX.X/query';
export const QUERY_ALL_ROUTE = 'GET /services/data/vXX.X/queryAll';
export const QUERY_MORE_ROUTE = 'GET /services/data/vXX.X/query/:locator';

export async function startSandbox(opts: SalesforceSandboxOptions = {}): Promise<SalesforceSandbox> {
  return startSalesforceSandbox({ port: 0, ...opts });
}

/** A connector on the client-credentials flow, with its own budget registry and quick retries. */
export function connectorFor(sb: { url: string }, overrides: Partial<SalesforceConnectorOptions> = {}): SalesforceConnector {
  return createSalesforceConnector({
    connectorId: 'sf-test',
    loginUrl: sb.url,
    auth: { kind: 'client-credentials', clientId: DEFAULT_CLIENT_ID, clientSecret: DEFAULT_CLIENT_SECRET },
    registry: new RateBudgetRegistry(),
    retry: { maxAttempts: 3, baseDelayMs: 20, maxDelayMs: 200 },
    ...overrides,
  });
}

async function control(sb: { url: string }, method: string, path: string, body?: unknown): Promise<unknown> {
  const res = await fetch(`${sb.url}/_sandbox${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`control ${method} ${path}: ${res.status} ${await res.text()}`);
  return res.json();
}

/** Calls per route (`GET /services/data/vXX.X/query` …) since the last reset, read from `/_sandbox/stats`. */
export async function stats(sb: { url: string }): Promise<{ total: number; routes: Record<string, number> }> {
  return (await control(sb, 'GET', '/stats')) as { total: number; routes: Record<string, number> };
}

export const resetStats = (sb: { url: string }) => control(sb, 'POST', '/stats/reset');
export const setFaults = (sb: { url: string }, rules: unknown[]) => control(sb, 'PUT', '/faults', rules);
export const clearFaults = (sb: { url: string }) => control(sb, 'DELETE', '/faults');
export const setLatency = (sb: { url: string }, spec: Record<string, number>) => control(sb, 'PUT', '/latency', spec);
export const getLimits = (sb: { url: string }) => control(sb, 'GET', '/limits') as Promise<{ apiUsage: number; dailyApiLimit: number } & Record<string, number>>;
export const setLimits = (sb: { url: string }, limits: Record<string, number>) => control(sb, 'PUT', '/limits', limits);
export const addCustomField = (sb: { url: string }, spec: Record<string, unknown>) => control(sb, 'POST', '/salesforce/fields', spec);

/** `n` contacts in REST shape, optionally all stamped with one SystemModstamp. */
export function contacts(n: number, options: { prefix?: string; stamp?: string; deletedEvery?: number } = {}): object[] {
  return Array.from({ length: n }, (_, i) => ({
    FirstName: `F${i}`,
    LastName: `${options.prefix ?? 'Seed'}${String(i).padStart(5, '0')}`,
    Email: `${(options.prefix ?? 'seed').toLowerCase()}${i}@example.test`,
    ...(options.stamp ? { SystemModstamp: options.stamp, LastModifiedDate: options.stamp, CreatedDate: options.stamp } : {}),
    ...(options.deletedEvery && i % options.deletedEvery === 0 ? { IsDeleted: true } : {}),
  }));
}

/** Collects every item of an async generator. */
export async function collect<T>(gen: AsyncGenerator<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of gen) out.push(item);
  return out;
}

/** The rejection of a promise; fails when it resolves. */
export async function failureOf(p: PromiseLike<unknown>): Promise<Error & Record<string, unknown>> {
  try {
    await p;
  } catch (err) {
    return err as Error & Record<string, unknown>;
  }
  throw new Error('expected the call to fail');
}
