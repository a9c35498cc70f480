/**
 * `connectors` and `testConnector` on the real app (embedded demo: the Salesforce and HubSpot sandboxes, real
 * connectors, real database), over HTTP through the gateway with CUSTOMER_GRAPH_API_TOKENS set. Both demo connectors
 * are listed with the objects the mapping reads and a live rate budget; a stored connector this process does not run
 * is listed as such; no stored credential or token value appears in any answer; a test calls the CRM once and says
 * ok; with the HubSpot sandbox failing (server errors, rate limits, an answer slower than the 10 s timeout) it
 * answers the connector error code; an unknown id is NOT_FOUND; both fields need the token.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { ConnectorStore } from '../../db/connector-store.ts';
import { connectors } from '../../db/schema.ts';
import { bearerGraphql } from '../support/bearer-graphql.ts';
import { startTestApp } from '../support/test-app.ts';
import type { TestApp } from '../support/test-app.ts';

const TOKEN = 'connectors-test-token';
const EXTRA_SECRET = 'eu-portal-private-app-token-0123456789';

interface Health {
  id: string; crm: string; name: string; baseUrl: string | null; status: string; statusReason: string | null; demo: boolean; running: boolean;
  objects: { objectType: string; goldenTypes: string[] }[];
  receivesWebhooks: boolean | null;
  rateBudget: {
    accountId: string; blockedUntil: string | null;
    daily: { used: number; limit: number; remaining: number } | null;
    window: { max: number; remaining: number; intervalMs: number } | null;
    concurrency: { limit: number; inFlight: number };
    waiting: { interactive: number; writeback: number; sync: number };
    totals: { sent: number; rateLimited: number; refusedBudget: number };
  } | null;
}
interface TestResult { ok: boolean; ms: number; objectsChecked: string[]; error: { code: string; message: string } | null; connector: Health }

const HEALTH = `id crm name baseUrl status statusReason demo running objects { objectType goldenTypes } receivesWebhooks
  rateBudget { accountId blockedUntil daily { used limit remaining } window { max remaining intervalMs }
    concurrency { limit inFlight } waiting { interactive writeback sync } totals { sent rateLimited refusedBudget } }`;
const LIST = `{ connectors { ${HEALTH} } }`;
const TEST = `mutation Test($id: ID!) { testConnector(id: $id) { ok ms objectsChecked error { code message } connector { ${HEALTH} } } }`;

describe('admin API: connectors and testConnector', () => {
  let t: TestApp;
  const gql = bearerGraphql(() => t.url, TOKEN);
  const list = async () => {
    const res = await gql<{ connectors: Health[] }>(LIST);
    expect(res.errors).toBeUndefined();
    return new Map(res.data!.connectors.map((c) => [c.id, c]));
  };
  const test = async (id: string) => {
    const res = await gql<{ testConnector: TestResult }>(TEST, { id });
    expect(res.errors).toBeUndefined();
    return res.data!.testConnector;
  };
  const sandbox = (path: string, method = 'GET', body?: unknown) => fetch(`${t.hubspotUrl}/_sandbox${path}`, {
    method, ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  }).then((r) => r.json() as Promise<{ total: number }>);

  beforeAll(async () => {
    process.env.CUSTOMER_GRAPH_API_TOKENS = TOKEN;
    t = await startTestApp();
    // A second HubSpot account stored but not run here (the demo's HubSpot connector holds the CRM's slot).
    await new ConnectorStore(t.app.database.db, t.app.cipher).upsert({
      id: 'hubspot-eu', crm: 'hubspot', name: 'HubSpot EU', baseUrl: 'https://user:pw@api.hubapi.example/?key=abc',
      credentials: { auth: { kind: 'static', accessToken: EXTRA_SECRET } },
    });
  }, 240_000);
  afterEach(async () => {
    if (t?.hubspotUrl) {
      await sandbox('/faults', 'DELETE');
      await sandbox('/latency', 'PUT', {});
    }
  });
  afterAll(async () => {
    await t?.close();
    delete process.env.CUSTOMER_GRAPH_API_TOKENS;
  });

  it('lists both demo connectors with the objects the mapping reads and their live rate budget', async () => {
    const all = await list();
    expect([...all.keys()].sort()).toEqual(['hubspot-demo', 'hubspot-eu', 'salesforce-demo']);
    const sf = all.get('salesforce-demo')!;
    expect(sf).toMatchObject({ crm: 'salesforce', name: 'Salesforce (sandbox)', baseUrl: t.salesforceUrl.replace(/\/$/, ''), status: 'active', statusReason: null, demo: true, running: true, receivesWebhooks: false });
    expect(sf.objects).toEqual([
      { objectType: 'Contact', goldenTypes: ['Customer'] },
      { objectType: 'Account', goldenTypes: ['Company'] },
      { objectType: 'Opportunity', goldenTypes: ['Deal'] },
    ]);
    const hs = all.get('hubspot-demo')!;
    expect(hs).toMatchObject({ crm: 'hubspot', name: 'HubSpot (sandbox)', status: 'active', demo: true, running: true, receivesWebhooks: true });
    // A connector not running here says nothing about how its changes would arrive.
    expect(all.get('hubspot-eu')!.receivesWebhooks).toBeNull();
    expect(hs.objects.map((o) => o.objectType)).toEqual(['contacts', 'companies', 'deals']);
    for (const c of [sf, hs]) {
      const b = c.rateBudget!;
      expect(b.concurrency.limit).toBeGreaterThan(0);
      expect(b.concurrency.inFlight).toBe(0);
      expect(b.waiting).toEqual({ interactive: 0, writeback: 0, sync: 0 });
      // Linking on start read every record through the connector.
      expect(b.totals.sent).toBeGreaterThan(0);
      expect(b.totals.rateLimited).toBe(0);
    }
    // The sandboxes announce their budgets in headers: Salesforce's daily allowance, HubSpot's daily and 10 s window.
    expect(sf.rateBudget!.daily!.limit).toBeGreaterThan(sf.rateBudget!.daily!.used);
    expect(sf.rateBudget!.daily!.used + sf.rateBudget!.daily!.remaining).toBe(sf.rateBudget!.daily!.limit);
    expect(hs.rateBudget!.window).toMatchObject({ intervalMs: 10_000 });

    const eu = all.get('hubspot-eu')!;
    expect(eu).toMatchObject({ crm: 'hubspot', demo: false, running: false, rateBudget: null, status: 'active' });
    // The mapping reads HubSpot contacts, companies and deals from whichever HubSpot connector runs.
    expect(eu.objects.map((o) => o.objectType)).toEqual(['contacts', 'companies', 'deals']);
    // User info and query string are dropped: they are where a careless URL carries a secret.
    expect(eu.baseUrl).toBe('https://api.hubapi.example');
  });

  it('shows a stored status: refused credentials and their reason', async () => {
    const store = new ConnectorStore(t.app.database.db, t.app.cipher);
    await store.setStatus('hubspot-eu', 'needs_reauthorisation', 'hubspot: 401 invalid token');
    try {
      expect((await list()).get('hubspot-eu')).toMatchObject({ status: 'needs_reauthorisation', statusReason: 'hubspot: 401 invalid token' });
    } finally {
      await store.setStatus('hubspot-eu', 'active', null);
    }
  });

  it('a flagged connector is active again once the CRM answers a test, or new credentials are stored; a disabled one stays disabled', async () => {
    const store = new ConnectorStore(t.app.database.db, t.app.cipher);
    await store.setStatus('hubspot-demo', 'needs_reauthorisation', 'hubspot: 401 invalid token');
    const tested = await test('hubspot-demo');
    expect(tested.ok).toBe(true);
    expect((await list()).get('hubspot-demo')).toMatchObject({ status: 'active', statusReason: null });

    await store.setStatus('hubspot-eu', 'needs_reauthorisation', 'hubspot: 401 invalid token');
    const stored = { id: 'hubspot-eu', crm: 'hubspot', name: 'HubSpot EU', baseUrl: 'https://user:pw@api.hubapi.example/?key=abc' };
    // Credentials stored again (a restart with them in the environment, say): worth trying.
    await store.upsert({ ...stored, credentials: { auth: { kind: 'static', accessToken: EXTRA_SECRET } } });
    expect((await list()).get('hubspot-eu')).toMatchObject({ status: 'active', statusReason: null });
    await store.setStatus('hubspot-eu', 'disabled', 'switched off by an admin');
    await store.upsert({ ...stored, credentials: { auth: { kind: 'static', accessToken: EXTRA_SECRET } } });
    expect((await list()).get('hubspot-eu')).toMatchObject({ status: 'disabled', statusReason: 'switched off by an admin' });
    await store.setStatus('hubspot-eu', 'active', null);
  });

  it('never answers a stored credential or token', async () => {
    const store = new ConnectorStore(t.app.database.db, t.app.cipher);
    // Make sure Salesforce's OAuth token is stored too (the client-credentials flow persists it on first use).
    expect((await test('salesforce-demo')).ok).toBe(true);
    const secrets: string[] = [];
    // Every stored string but the auth kind and the instance URL (the CRM's address, which the answer may show).
    const collect = (v: unknown, key = ''): void => {
      if (typeof v === 'string' && key !== 'kind' && key !== 'instanceUrl') secrets.push(v);
      else if (v && typeof v === 'object') Object.entries(v).forEach(([k, x]) => collect(x, k));
    };
    for (const id of ['salesforce-demo', 'hubspot-demo', 'hubspot-eu']) collect(await store.readCredentials(id));
    const [row] = await t.app.database.db.select({ c: connectors.credentialsCiphertext }).from(connectors).where(eq(connectors.id, 'hubspot-eu'));
    // 'sandbox' (a demo secret) also occurs in the demo connectors' names; every value of 8 characters or more is checked.
    const checked = [...new Set(secrets.filter((s) => s.length >= 8)), row!.c!];
    expect(checked).toEqual(expect.arrayContaining(['sandbox-token', EXTRA_SECRET]));
    const sfToken = ((await store.readCredentials('salesforce-demo'))?.token as { accessToken?: string } | undefined)?.accessToken;
    expect(sfToken).toBeTruthy();
    expect(checked).toContain(sfToken);

    const answers = [JSON.stringify(await gql(LIST)), JSON.stringify(await gql(TEST, { id: 'hubspot-demo' })), JSON.stringify(await gql(TEST, { id: 'salesforce-demo' }))];
    for (const answer of answers) {
      for (const secret of checked) expect(answer.includes(secret), `the answer contains ${secret.slice(0, 6)}…`).toBe(false);
    }
  });

  it('testConnector makes one metadata call to the CRM and says ok', async () => {
    const before = await sandbox('/stats');
    const sentBefore = (await list()).get('hubspot-demo')!.rateBudget!.totals.sent;
    const r = await test('hubspot-demo');
    expect(r).toMatchObject({ ok: true, objectsChecked: ['contacts'], error: null });
    expect(r.ms).toBeGreaterThanOrEqual(0);
    expect(r.ms).toBeLessThan(10_000);
    expect((await sandbox('/stats')).total - before.total).toBe(1);
    expect(r.connector).toMatchObject({ id: 'hubspot-demo', running: true, status: 'active' });
    expect(r.connector.rateBudget!.totals.sent).toBe(sentBefore + 1);
    expect(await test('salesforce-demo')).toMatchObject({ ok: true, objectsChecked: ['Contact'], error: null });
  });

  it('reports CRM_UNAVAILABLE when the CRM answers server errors', async () => {
    await sandbox('/faults', 'PUT', [{ kind: 'server-error', rate: 1 }]);
    const r = await test('hubspot-demo');
    expect(r.ok).toBe(false);
    expect(r.error?.code).toBe('CRM_UNAVAILABLE');
    expect(r.error?.message).toMatch(/^hubspot: /);
    expect(r.objectsChecked).toEqual(['contacts']);
    // The other CRM is unaffected.
    expect((await test('salesforce-demo')).ok).toBe(true);
  });

  it('reports CRM_RATE_LIMITED when the CRM keeps refusing for rate limiting, and counts it in the budget', async () => {
    await sandbox('/faults', 'PUT', [{ kind: 'rate-limit', rate: 1, retryAfterSeconds: 1 }]);
    const r = await test('hubspot-demo');
    expect(r.error?.code).toBe('CRM_RATE_LIMITED');
    expect(r.connector.rateBudget!.totals.rateLimited).toBeGreaterThan(0);
  }, 30_000);

  it('gives up after 10 s with CRM_TIMEOUT when the CRM does not answer', async () => {
    await sandbox('/latency', 'PUT', { fixedMs: 14_000 });
    const r = await test('hubspot-demo');
    expect(r.error?.code).toBe('CRM_TIMEOUT');
    expect(r.ms).toBeGreaterThanOrEqual(9_900);
    expect(r.ms).toBeLessThan(13_000);
  }, 30_000);

  it('an unknown id is NOT_FOUND; a connector not running here cannot be tested (CONFLICT)', async () => {
    const unknown = await gql(TEST, { id: 'no-such-connector' });
    expect(unknown.data).toBeNull();
    expect(unknown.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const idle = await gql(TEST, { id: 'hubspot-eu' });
    expect(idle.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    expect(idle.errors?.[0]?.message).toContain('not running in this process');
  });

  it('both need the API token', async () => {
    for (const token of [null, 'wrong-token']) {
      const read = await gql(LIST, {}, token);
      expect(read.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
      expect(read.data ?? null).toBeNull();
      const before = await sandbox('/stats');
      const write = await gql(TEST, { id: 'hubspot-demo' }, token);
      expect(write.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
      // Refused before it ran: the CRM was not called.
      expect((await sandbox('/stats')).total).toBe(before.total);
    }
  });
});
