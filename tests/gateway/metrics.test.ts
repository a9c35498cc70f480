/**
 * `GET /metrics` on the running product (demo CRMs, real database): Prometheus text with the process metrics,
 * GraphQL requests counted by operation type and outcome, the write-back outbox and the CRMs' request totals read
 * at scrape time; with CUSTOMER_GRAPH_API_TOKENS set, a scrape needs one of the tokens.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syncHealth } from '../../db/sync-health.ts';
import { createGatewayMetrics } from '../../gateway/metrics.ts';
import { createLogger } from '../../lib/logger.ts';
import { startTestApp } from '../support/test-app.ts';
import type { TestApp } from '../support/test-app.ts';

type Labels = Record<string, string>;
interface Sample { name: string; labels: Labels; value: number }

/** The samples of a Prometheus text exposition (comments skipped; label values without escaped quotes suffice here). */
function parseExposition(text: string): Sample[] {
  const out: Sample[] = [];
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)/.exec(line);
    if (!m) throw new Error(`not an exposition line: ${line}`);
    const labels: Labels = {};
    for (const l of (m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="([^"]*)"/g)) labels[l[1]!] = l[2]!;
    out.push({ name: m[1]!, labels, value: Number(m[3]) });
  }
  return out;
}

/** The sum of the samples named `name` whose labels include `labels` (0 when none). */
function sum(samples: readonly Sample[], name: string, labels: Labels = {}): number {
  return samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v)).reduce((a, s) => a + s.value, 0);
}
const has = (samples: readonly Sample[], name: string) => samples.some((s) => s.name === name);

async function scrape(t: TestApp, token?: string): Promise<{ status: number; contentType: string | null; text: string }> {
  const res = await fetch(`${t.app.server.url}/metrics`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  return { status: res.status, contentType: res.headers.get('content-type'), text: await res.text() };
}

describe('GET /metrics without API tokens', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  }, 240_000);
  afterAll(async () => {
    await t?.close();
  });

  it('answers in the Prometheus text format with the default process metrics, prefixed', async () => {
    const res = await scrape(t);
    expect(res.status).toBe(200);
    expect(res.contentType).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(res.text).toContain('# TYPE customer_graph_process_cpu_user_seconds_total counter');
    const samples = parseExposition(res.text);
    expect(sum(samples, 'customer_graph_process_resident_memory_bytes')).toBeGreaterThan(0);
    expect(has(samples, 'customer_graph_nodejs_eventloop_lag_seconds')).toBe(true);
  });

  it('counts GraphQL requests by operation type and outcome, and times them', async () => {
    const before = parseExposition((await scrape(t)).text);
    const ok = await t.gql('{ customers(first: 1) { edges { node { id } } } }');
    expect(ok.errors).toBeUndefined();
    const bad = await t.gql('{ customers(first: 1) { edges { node { noSuchField } } } }');
    expect(bad.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    const after = parseExposition((await scrape(t)).text);
    const delta = (name: string, labels: Labels) => sum(after, name, labels) - sum(before, name, labels);
    expect(delta('customer_graph_graphql_requests_total', { operation_type: 'query', outcome: 'ok' })).toBe(1);
    // A document that does not validate has no operation resolved: its type is unknown.
    expect(delta('customer_graph_graphql_requests_total', { outcome: 'error' })).toBe(1);
    expect(delta('customer_graph_graphql_requests_total', { operation_type: 'unknown', outcome: 'error' })).toBe(1);
    expect(delta('customer_graph_graphql_request_duration_seconds_count', { operation_type: 'query' })).toBe(1);
    expect(delta('customer_graph_graphql_request_duration_seconds_bucket', { operation_type: 'query', le: '+Inf' })).toBe(1);
    expect(sum(after, 'customer_graph_graphql_request_duration_seconds_sum', { operation_type: 'query' })).toBeGreaterThan(0);
    // Never the operation text or name as a label.
    expect(after.filter((s) => s.name.startsWith('customer_graph_graphql_')).every((s) => Object.keys(s.labels).every((k) => ['operation_type', 'outcome', 'le'].includes(k)))).toBe(true);
  });

  it('shows the CRM request totals of both demo CRMs', async () => {
    const samples = parseExposition((await scrape(t)).text);
    expect(sum(samples, 'customer_graph_crm_requests_sent', { crm: 'salesforce' })).toBeGreaterThan(0);
    expect(sum(samples, 'customer_graph_crm_requests_sent', { crm: 'hubspot' })).toBeGreaterThan(0);
    expect(has(samples, 'customer_graph_crm_requests_in_flight')).toBe(true);
  });

  it('shows the write-back outbox rows an update queued, by status, and the open dead letters', async () => {
    // The worker stopped, the queued rows stay pending until drained by hand.
    await t.app.writebackWorker.stop();
    const list = await t.gql<{ customers: { edges: { node: { id: string } }[] } }>('{ customers(first: 1) { edges { node { id } } } }');
    const id = list.data!.customers.edges[0]!.node.id;
    const before = parseExposition((await scrape(t)).text);
    expect(sum(before, 'customer_graph_writeback_outbox_rows', { status: 'pending' })).toBe(0);
    expect(sum(before, 'customer_graph_writeback_dead_letters')).toBe(0);

    const res = await t.gql<{ updateCustomer: { enqueued: number } }>('mutation($id: ID!) { updateCustomer(id: $id, input: { title: "Metrics Observer" }) { enqueued } }', { id });
    expect(res.errors).toBeUndefined();
    const enqueued = res.data!.updateCustomer.enqueued;
    expect(enqueued).toBeGreaterThan(0);

    const queued = parseExposition((await scrape(t)).text);
    expect(sum(queued, 'customer_graph_writeback_outbox_rows', { status: 'pending' })).toBe(enqueued);
    expect(sum(queued, 'customer_graph_graphql_requests_total', { operation_type: 'mutation', outcome: 'ok' })).toBe(1);
    const pendingSeries = queued.filter((s) => s.name === 'customer_graph_writeback_outbox_rows' && s.labels.status === 'pending' && s.value > 0);
    expect(new Set(pendingSeries.map((s) => s.labels.crm))).toEqual(new Set(['salesforce', 'hubspot']));
    expect(pendingSeries.every((s) => s.labels.connector && s.labels.object)).toBe(true);

    await t.app.writebackWorker.drain();
    const drained = parseExposition((await scrape(t)).text);
    expect(sum(drained, 'customer_graph_writeback_outbox_rows', { status: 'pending' })).toBe(0);
    expect(sum(drained, 'customer_graph_writeback_outbox_rows', { status: 'done_last_hour' })).toBe(enqueued);
  });

  it('counts webhook deliveries by connector and status, and their events stored or duplicate; unknown paths as one label', async () => {
    const before = parseExposition((await scrape(t)).text);
    const post = (path: string) => fetch(`${t.app.server.url}/webhooks/${path}`, {
      method: 'POST', headers: { 'content-type': 'application/json', 'x-hubspot-signature-v3': 'forged', 'x-hubspot-request-timestamp': String(Date.now()) }, body: '[]',
    });
    expect((await post('hubspot-demo')).status).toBe(401);
    expect((await post('no-such-connector-4711')).status).toBe(404);
    // A real signed delivery: the demo HubSpot sandbox posts the change of a contact to this gateway.
    const changed = await fetch(`${t.hubspotUrl}/crm/v3/objects/contacts/1001`, {
      method: 'PATCH', headers: { authorization: 'Bearer sandbox-token', 'content-type': 'application/json' }, body: JSON.stringify({ properties: { jobtitle: 'Metrics Officer' } }),
    });
    expect(changed.status).toBe(200);
    const delta = async (name: string, labels: Labels) => sum(parseExposition((await scrape(t)).text), name, labels) - sum(before, name, labels);
    await expect.poll(() => delta('customer_graph_webhook_events_total', { connector: 'hubspot-demo', result: 'stored' }), { timeout: 15_000 }).toBeGreaterThanOrEqual(1);
    expect(await delta('customer_graph_webhook_deliveries_total', { connector: 'hubspot-demo', status: '200' })).toBeGreaterThanOrEqual(1);
    expect(await delta('customer_graph_webhook_deliveries_total', { connector: 'hubspot-demo', status: '401' })).toBe(1);
    expect(await delta('customer_graph_webhook_deliveries_total', { connector: 'unknown', status: '404' })).toBe(1);
    expect((await scrape(t)).text).not.toContain('no-such-connector-4711');
  });

  it('reads the sync health once per scrape, however many gauges it fills', async () => {
    let reads = 0;
    const metrics = createGatewayMetrics({ syncHealth: () => { reads += 1; return syncHealth(t.app.database.db); } }, createLogger('test', 'silent'));
    const text = await metrics.registry.metrics();
    expect(reads).toBe(1);
    expect(has(parseExposition(text), 'customer_graph_writeback_dead_letters')).toBe(true);
    await metrics.registry.metrics();
    expect(reads).toBe(2);
  });
});

describe('GET /metrics with API tokens', () => {
  const TOKEN = 'metrics-scrape-token';
  let t: TestApp;
  beforeAll(async () => {
    process.env.CUSTOMER_GRAPH_API_TOKENS = `other-token,${TOKEN}`;
    // Polling on, so the poll gauges have something to show.
    t = await startTestApp({ env: { CUSTOMER_GRAPH_POLL_INTERVAL_MS: '200' } });
  }, 240_000);
  afterAll(async () => {
    await t?.close();
    delete process.env.CUSTOMER_GRAPH_API_TOKENS;
  });

  it('refuses a scrape without a token or with a wrong one (401), and answers one with a token', async () => {
    const none = await scrape(t);
    expect(none.status).toBe(401);
    expect(none.text).not.toContain('customer_graph_');
    expect((await scrape(t, 'not-the-token')).status).toBe(401);
    const ok = await scrape(t, TOKEN);
    expect(ok.status).toBe(200);
    expect(sum(parseExposition(ok.text), 'customer_graph_crm_requests_sent', { crm: 'salesforce' })).toBeGreaterThan(0);
  });

  it('shows when each polled connector object last succeeded and its failures since', async () => {
    const deadline = Date.now() + 20_000;
    let samples: Sample[];
    for (;;) {
      samples = parseExposition((await scrape(t, TOKEN)).text);
      const polled = samples.filter((s) => s.name === 'customer_graph_poll_seconds_since_success');
      if (new Set(polled.map((s) => s.labels.crm)).size === 2 || Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    const contact = { connector: 'salesforce-demo', crm: 'salesforce', object: 'Contact' };
    const since = samples.find((s) => s.name === 'customer_graph_poll_seconds_since_success' && s.labels.object === 'Contact');
    expect(since?.labels).toEqual(contact);
    expect(since!.value).toBeGreaterThanOrEqual(0);
    expect(since!.value).toBeLessThan(60);
    expect(samples.find((s) => s.name === 'customer_graph_poll_consecutive_failures' && s.labels.object === 'Contact')?.value).toBe(0);
    expect(samples.some((s) => s.name === 'customer_graph_poll_seconds_since_success' && s.labels.crm === 'hubspot')).toBe(true);
  });
});
