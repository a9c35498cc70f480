/**
 * One process per database polls the CRMs (sync/leadership.ts), end to end with the whole app and a Salesforce
 * sandbox both apps read (polling every 200 ms, Change Data Capture off so polling is the only way changes arrive):
 * - one app alone leads at once: it polls as soon as it has started, /metrics says so, Sync health names it;
 * - two apps on one Postgres database (two gateway replicas): only the leader sends Salesforce API calls; when it
 *   stops, the other takes over within a few checks, and a change made in Salesforce then still reaches the golden
 *   record. The apps reach Salesforce through a loopback proxy that notes when each Contact poll arrives: one
 *   poller's rounds are at least the poll interval apart, two pollers' interleave closer (the apps share this test
 *   process, and with it the CRM rate budgets, their counts and the access token, so those cannot tell them apart);
 * - an app with polling off (an API replica) that leads does not keep polling away from the database: an app with
 *   polling on that starts later takes the lease over at once, the first steps down, and a change made in Salesforce
 *   reaches the golden record through the second's polling (the only way it can arrive: no change stream, no webhook).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { goldenRecords } from '../../db/schema.ts';
import { createSalesforceConnector } from '../../connectors/salesforce/index.ts';
import type { SalesforceConnector } from '../../connectors/salesforce/index.ts';
import { RateBudgetRegistry } from '../../connectors/runtime/index.ts';
import { generateDemoSeed } from '../../sandboxes/demo/index.ts';
import { DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, startSalesforceSandbox } from '../../sandboxes/salesforce/index.ts';
import type { SalesforceSandbox } from '../../sandboxes/salesforce/index.ts';
import { startTestApp } from '../support/test-app.ts';
import type { TestApp } from '../support/test-app.ts';

interface Node { id: string; phone: string | null; sources: { crm: string; recordId: string }[] }

describe('change capture runs in one process per database', () => {
  let sb: SalesforceSandbox;
  let rest: SalesforceConnector;
  let proxy: http.Server;
  let proxyUrl: string;
  /** When each Contact poll (a query of changed Contacts) reached Salesforce through the proxy, in order. */
  const contactPolls: number[] = [];
  const apps: TestApp[] = [];
  const env = (pollMs = '200') => ({
    SALESFORCE_LOGIN_URL: proxyUrl, SALESFORCE_CLIENT_ID: DEFAULT_CLIENT_ID, SALESFORCE_CLIENT_SECRET: DEFAULT_CLIENT_SECRET,
    CUSTOMER_GRAPH_SALESFORCE_CDC: 'off', CUSTOMER_GRAPH_POLL_INTERVAL_MS: pollMs,
    // Checks every second: a stopped leader is replaced within a few.
    CUSTOMER_GRAPH_LEADER_LEASE_MS: '3000',
  });
  /** Salesforce API calls sent from this test process since it started (every app's: the budgets are per process). */
  const sent = (t: TestApp) => t.app.connectors.get('salesforce')!.rateLimitState().totals.sent;
  /** The shortest time between two Contact polls from poll number `from` on. */
  const shortestGap = (from: number) => Math.min(...contactPolls.slice(from).map((at, i, all) => (i === 0 ? Infinity : at - all[i - 1]!)));
  const leaderGauge = async (t: TestApp) => {
    const text = await (await fetch(`${t.app.server.url}/metrics`)).text();
    return Number(/^customer_graph_change_capture_leader (\d+)$/m.exec(text)?.[1]);
  };
  const leaderOf = async (t: TestApp) => {
    const res = await t.gql<{ syncHealth: { changeCaptureLeader: { owner: string; since: string; expired: boolean } | null } }>(
      '{ syncHealth { changeCaptureLeader { owner since expired } } }');
    expect(res.errors).toBeUndefined();
    return res.data!.syncHealth.changeCaptureLeader;
  };
  /** The golden record's stored phone (its snapshot), which only applying a read change updates. */
  const storedPhone = async (t: TestApp, id: string) => {
    const [row] = await t.app.database.db.select({ snapshot: goldenRecords.snapshot }).from(goldenRecords).where(eq(goldenRecords.id, id));
    return row?.snapshot?.phone;
  };

  beforeAll(async () => {
    sb = await startSalesforceSandbox({ port: 0, demoSeed: generateDemoSeed({ customers: 10 }).salesforce });
    const target = new URL(sb.url);
    // The Host header is kept: the sandbox answers sign-ins with its address taken from it, so the apps' data calls
    // come through here too.
    proxy = http.createServer((req, res) => {
      const url = decodeURIComponent(req.url ?? '');
      if (url.includes('/queryAll?') && url.includes('IsDeleted') && url.includes(' FROM Contact ')) contactPolls.push(performance.now());
      const upstream = http.request({ hostname: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      });
      upstream.on('error', () => res.destroy());
      req.pipe(upstream);
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
    rest = createSalesforceConnector({
      connectorId: 'test-rest', loginUrl: sb.url, auth: { kind: 'client-credentials', clientId: DEFAULT_CLIENT_ID, clientSecret: DEFAULT_CLIENT_SECRET }, registry: new RateBudgetRegistry(),
    });
  }, 60_000);
  afterAll(async () => {
    // The app that made the database drops it: the others close first.
    for (const t of apps.reverse()) await t.close();
    proxy?.closeAllConnections();
    await new Promise((resolve) => proxy?.close(resolve));
    await sb?.close();
  });

  it('one app alone leads at once: it polls from the start, and /metrics and Sync health say so', async () => {
    const t = await startTestApp({ demo: false, env: env(), linkOnStart: false });
    apps.push(t);
    // Closed at the end: its polling would mix with the next test's.
    onTestFinished(async () => { apps.splice(apps.indexOf(t), 1); await t.close(); });
    expect(t.app.sync.leadership.isLeader()).toBe(true);
    expect(t.app.sync.poller).toBeDefined();
    const before = sent(t);
    await expect.poll(() => sent(t), { timeout: 5000, interval: 50 }).toBeGreaterThan(before);
    expect(await leaderGauge(t)).toBe(1);
    expect(await leaderOf(t)).toMatchObject({ owner: t.app.sync.leadership.owner, expired: false });
  }, 240_000);

  // Two processes share a database only on Postgres (a PGlite folder has one owner).
  it.skipIf(!process.env.DATABASE_URL)('two apps on one Postgres database: only the leader polls; when it stops, the other takes over and changes still arrive', async () => {
    const a = await startTestApp({ demo: false, env: env() });
    apps.push(a);
    const b = await startTestApp({ demo: false, env: env(), join: a, linkOnStart: false });
    apps.push(b);
    expect(a.app.sync.leadership.isLeader()).toBe(true);
    expect(b.app.sync.leadership.isLeader()).toBe(false);
    expect(b.app.sync.poller).toBeUndefined();
    expect([await leaderGauge(a), await leaderGauge(b)]).toEqual([1, 0]);
    expect((await leaderOf(b))?.owner).toBe(a.app.sync.leadership.owner);

    // Over several poll intervals only one process polls: its rounds come one interval (200 ms) or more apart.
    const from = contactPolls.length;
    await new Promise((r) => setTimeout(r, 2000));
    expect(contactPolls.length - from).toBeGreaterThan(3);
    expect(contactPolls.length - from).toBeLessThanOrEqual(2000 / 200 + 1);
    expect(shortestGap(from)).toBeGreaterThanOrEqual(190);

    const page = await b.gql<{ customers: { edges: { node: Node }[] } }>('{ customers(first: 100) { edges { node { id phone sources { crm recordId } } } } }');
    const customer = page.data!.customers.edges.map((e) => e.node).find((n) => n.sources.some((s) => s.crm === 'salesforce'))!;
    const recordId = customer.sources.find((s) => s.crm === 'salesforce')!.recordId;

    // A stops (a deploy): B takes over at its next check (every second), long before A's lease would have run out.
    const stoppedAt = Date.now();
    await a.app.close();
    await expect.poll(() => b.app.sync.leadership.isLeader(), { timeout: 3000, interval: 20 }).toBe(true);
    expect(Date.now() - stoppedAt).toBeLessThan(2500);
    expect(b.app.sync.poller).toBeDefined();
    expect(await leaderGauge(b)).toBe(1);
    expect((await leaderOf(b))?.owner).toBe(b.app.sync.leadership.owner);

    // B polls now (A is closed: nothing else can).
    const handedOver = contactPolls.length;
    await expect.poll(() => contactPolls.length - handedOver, { timeout: 3000, interval: 50 }).toBeGreaterThan(2);

    // A change made in Salesforce now reaches the golden record through B's polling.
    const b1 = sent(b);
    const [result] = await rest.updateMany('Contact', [{ id: recordId, fields: { Phone: '+14155550177' } }]);
    expect(result?.ok).toBe(true);
    await expect.poll(() => storedPhone(b, customer.id), { timeout: 10_000, interval: 100 }).toBe('+14155550177');
    expect(sent(b)).toBeGreaterThan(b1);
  }, 240_000);

  it.skipIf(!process.env.DATABASE_URL)('an app with polling off that leads is taken over by an app with polling on, whose polling then brings a Salesforce change in', async () => {
    const a = await startTestApp({ demo: false, env: env('0') });
    apps.push(a);
    expect(a.app.sync.leadership.isLeader()).toBe(true);
    expect(a.app.sync.poller).toBeUndefined();
    expect(a.app.sync.leadership.owner).toMatch(/ poll=off$/);
    expect((await leaderOf(a))?.owner).toBe(a.app.sync.leadership.owner);

    const b = await startTestApp({ demo: false, env: env('200'), join: a, linkOnStart: false });
    apps.push(b);
    // B took the lease over at its first try, before its start finished.
    expect(b.app.sync.leadership.isLeader()).toBe(true);
    expect(b.app.sync.poller).toBeDefined();
    expect(b.app.sync.leadership.owner).toMatch(/ poll=200ms$/);
    // A steps down at its next renewal (every second) and stays a follower.
    await expect.poll(() => a.app.sync.leadership.isLeader(), { timeout: 3000, interval: 20 }).toBe(false);
    expect([await leaderGauge(a), await leaderGauge(b)]).toEqual([0, 1]);
    expect(await leaderOf(a)).toMatchObject({ owner: b.app.sync.leadership.owner, expired: false });
    const handedOver = contactPolls.length;
    await expect.poll(() => contactPolls.length - handedOver, { timeout: 3000, interval: 50 }).toBeGreaterThan(2);
    expect(b.app.sync.leadership.isLeader()).toBe(true);
    expect(a.app.sync.leadership.isLeader()).toBe(false);

    const page = await a.gql<{ customers: { edges: { node: Node }[] } }>('{ customers(first: 100) { edges { node { id phone sources { crm recordId } } } } }');
    const customer = page.data!.customers.edges.map((e) => e.node).find((n) => n.sources.some((s) => s.crm === 'salesforce'))!;
    const recordId = customer.sources.find((s) => s.crm === 'salesforce')!.recordId;
    const [result] = await rest.updateMany('Contact', [{ id: recordId, fields: { Phone: '+14155550188' } }]);
    expect(result?.ok).toBe(true);
    await expect.poll(() => storedPhone(a, customer.id), { timeout: 10_000, interval: 100 }).toBe('+14155550188');
    expect(a.app.sync.poller).toBeUndefined();
  }, 240_000);
});
