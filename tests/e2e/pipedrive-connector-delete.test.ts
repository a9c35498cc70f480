/**
 * A Pipedrive connector deleted through the admin API takes its webhook subscriptions out of Pipedrive (the demo's
 * Pipedrive sandbox): once it is gone its path answers 404, which Pipedrive would retry and in the end ban. Disabled,
 * it keeps them (deliveries answered 503 are delivered again, and polling catches up on enable); deleted, those of its
 * own path go and another tool's stay.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PIPEDRIVE_WEBHOOK_AUTH } from '../../cli/connector-setup.ts';
import { startTestApp } from '../support/test-app.ts';
import type { TestApp } from '../support/test-app.ts';

const CONNECTOR = 'pipedrive-demo';
interface Subscription { id: number; subscription_url: string }

describe('deleting the Pipedrive connector through the admin API', () => {
  let t: TestApp;
  const pd = (method: string, path: string, body?: unknown) => fetch(`${t.pipedriveUrl}${path}`, {
    method, headers: { 'content-type': 'application/json', 'x-api-token': 'sandbox-pipedrive-token' }, body: body === undefined ? undefined : JSON.stringify(body),
  });
  const subscriptions = async () => ((await (await pd('GET', '/api/v1/webhooks')).json()) as { data: Subscription[] }).data;
  const deliver = () => fetch(`${t.app.server.url}/webhooks/${CONNECTOR}`, {
    method: 'POST', headers: { 'content-type': 'application/json', authorization: `Basic ${Buffer.from(`${DEMO_PIPEDRIVE_WEBHOOK_AUTH.user}:${DEMO_PIPEDRIVE_WEBHOOK_AUTH.password}`).toString('base64')}` },
    body: JSON.stringify({ data: { id: 1 }, previous: null, meta: { action: 'create', entity: 'person', entity_id: '1', id: 'pd-after-delete-1', version: '2.0' } }),
  });

  beforeAll(async () => {
    t = await startTestApp({ env: { CUSTOMER_GRAPH_DEMO_PIPEDRIVE_PORT: '0' } });
    await t.app.sync.subscribed;
  }, 240_000);
  afterAll(async () => t?.close());

  it('keeps the subscriptions while disabled, and removes those of its path when deleted, another tool\'s kept', async () => {
    const ours = (await subscriptions()).filter((s) => s.subscription_url === `${t.app.server.url}/webhooks/${CONNECTOR}`);
    expect(ours).toHaveLength(3);
    const make = async (url: string) => ((await (await pd('POST', '/api/v1/webhooks', { subscription_url: url, event_action: '*', event_object: 'deal', version: '2.0' })).json()) as { data: Subscription }).data.id;
    const oldHost = await make(`http://old-gateway.test/webhooks/${CONNECTOR}`);
    const foreign = [await make('http://old-gateway.test/hooks/other-tool'), await make(`${t.app.server.url}/webhooks/${CONNECTOR}-2`)];

    const disabled = await t.gql('mutation { setConnectorEnabled(id: "pipedrive-demo", enabled: false) { restartReason } }');
    expect(disabled.errors).toBeUndefined();
    expect((await subscriptions()).map((s) => s.id).sort()).toEqual([...ours.map((s) => s.id), oldHost, ...foreign].sort());
    expect((await deliver()).status).toBe(503);

    const deleted = await t.gql<{ deleteConnector: boolean }>('mutation { deleteConnector(id: "pipedrive-demo") }');
    expect(deleted.errors).toBeUndefined();
    expect(deleted.data!.deleteConnector).toBe(true);
    expect((await subscriptions()).map((s) => s.id).sort()).toEqual([...foreign].sort());
    // What a subscription left behind would have been answered.
    expect((await deliver()).status).toBe(404);
  }, 30_000);
});
