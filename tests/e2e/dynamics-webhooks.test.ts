/**
 * Dataverse webhooks end to end on the demo with Dynamics 365 on: at start the product registers a service endpoint
 * on the Dynamics sandbox through the Web API (named for the demo connector, delivering to this gateway with the
 * demo connector's key) and its nine steps; a phone changed in Dynamics then reaches a graphql-ws subscriber through
 * the webhook with polling paused. A wrong or missing key gets 401 and a body that is not a RemoteExecutionContext
 * 400, with nothing stored; one delivery repeated 10 times is stored and applied once; registering again finds the
 * endpoint instead of duplicating it.
 */
import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { webhookInbox } from '../../db/schema.ts';
import { DEMO_DYNAMICS_AUTH, DEMO_DYNAMICS_ID, DEMO_SANDBOXES } from '../../cli/demo-sandboxes.ts';
import { startTestApp } from '../support/test-app.ts';
import type { TestApp } from '../support/test-app.ts';
import { collect, wsClient } from '../gateway/subscriptions/ws-test-client.ts';
import type { Collected } from '../gateway/subscriptions/ws-test-client.ts';

const PHONE_SUBSCRIPTION = 'subscription($ids: [ID!]) { customerChanged(ids: $ids, fields: ["phone"]) { customerId changedFields customer { phone } } }';
const KEY = DEMO_SANDBOXES.find((d) => d.crm === 'dynamics')!.credentials.webhookKey as string;
interface Node { id: string; phone: string | null; sources: { crm: string; recordId: string }[] }
interface Endpoint { serviceendpointid: string; name: string; url: string }
interface Step { sdkmessageprocessingstepid: string; _eventhandler_value: string }

describe('Dataverse webhooks (demo)', () => {
  let t: TestApp;
  let customer: Node;
  let contactId: string;
  let accessToken: string;
  const clients: { dispose(): unknown }[] = [];
  const webhookUrl = () => `${t.app.server.url}/webhooks/${DEMO_DYNAMICS_ID}`;
  const dataverse = (method: string, path: string, body?: unknown) => fetch(`${t.dynamicsUrl}/api/data/v9.2/${path}`, {
    method, headers: { 'content-type': 'application/json', accept: 'application/json', authorization: `Bearer ${accessToken}` },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const endpoints = async () => ((await (await dataverse('GET', 'serviceendpoints')).json()) as { value: Endpoint[] }).value;
  const steps = async () => ((await (await dataverse('GET', 'sdkmessageprocessingsteps')).json()) as { value: Step[] }).value;
  const post = (body: string, key?: string) => fetch(webhookUrl(), {
    method: 'POST', body, headers: { 'content-type': 'application/json', ...(key === undefined ? {} : { 'x-customer-graph-key': key }) },
  });
  const inboxCount = async () => (await t.app.database.db.select({ id: webhookInbox.id }).from(webhookInbox).where(eq(webhookInbox.connectorId, DEMO_DYNAMICS_ID))).length;
  const inboxRows = () => t.app.database.db.select().from(webhookInbox).where(eq(webhookInbox.connectorId, DEMO_DYNAMICS_ID));
  const subscribe = async (): Promise<Collected> => {
    const client = wsClient(t.app.server.url);
    clients.push(client);
    await expect.poll(() => t.app.server.subscriptions!.stats().subscribers, { timeout: 5000, interval: 20 }).toBe(0);
    const sub = collect(client, PHONE_SUBSCRIPTION, { ids: [customer.id] });
    await expect.poll(() => t.app.server.subscriptions!.stats().subscribers, { timeout: 5000, interval: 20 }).toBe(1);
    return sub;
  };
  /** An Update of the contact's phone as Dataverse sends it: the RemoteExecutionContext of one async job. */
  const updateContext = (operationId: string, phone: string) => JSON.stringify({
    BusinessUnitId: randomUUID(), CorrelationId: randomUUID(), Depth: 1, InitiatingUserId: randomUUID(),
    InputParameters: [{ key: 'Target', value: {
      __type: 'Entity:http://schemas.microsoft.com/xrm/2011/Contracts',
      Attributes: [{ key: 'telephone1', value: phone }, { key: 'contactid', value: contactId }],
      EntityState: null, FormattedValues: [], Id: contactId, KeyAttributes: [], LogicalName: 'contact', RelatedEntities: [], RowVersion: '1',
    } }],
    IsExecutingOffline: false, IsInTransaction: false, IsOfflinePlayback: false, IsolationMode: 1, MessageName: 'Update', Mode: 1,
    OperationCreatedOn: `/Date(${Date.now()})/`, OperationId: operationId, OrganizationId: randomUUID(), OrganizationName: 'sandbox', OutputParameters: [],
    OwningExtension: { Id: randomUUID(), KeyAttributes: [], LogicalName: 'sdkmessageprocessingstep', Name: 'not-checked-here', RowVersion: null },
    ParentContext: null, PostEntityImages: [], PreEntityImages: [], PrimaryEntityId: contactId, PrimaryEntityName: 'contact', RequestId: randomUUID(),
    SecondaryEntityName: 'none', SharedVariables: [], Stage: 40, UserId: randomUUID(),
  });

  beforeAll(async () => {
    t = await startTestApp({ env: { CUSTOMER_GRAPH_DEMO_DYNAMICS_PORT: '0', CUSTOMER_GRAPH_POLL_INTERVAL_MS: '600000' } });
    t.app.sync.poller!.pause();
    await t.app.sync.subscribed;
    const grant = await fetch(`${t.dynamicsUrl}/${DEMO_DYNAMICS_AUTH.tenantId}/oauth2/v2.0/token`, {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: DEMO_DYNAMICS_AUTH.clientId, client_secret: DEMO_DYNAMICS_AUTH.clientSecret, scope: `${t.dynamicsUrl}/.default` }),
    });
    accessToken = ((await grant.json()) as { access_token: string }).access_token;
    const page = await t.gql<{ customers: { edges: { node: Node }[] } }>('{ customers(first: 500) { edges { node { id phone sources { crm recordId } } } } }');
    customer = page.data!.customers.edges.map((e) => e.node).find((n) => n.sources.some((s) => s.crm === 'dynamics'))!;
    contactId = customer.sources.find((s) => s.crm === 'dynamics')!.recordId;
  }, 240_000);
  afterAll(async () => {
    for (const c of clients) await c.dispose();
    await t?.close();
  });

  it('registers one service endpoint at start, delivering to this gateway, with its nine steps', async () => {
    const ours = (await endpoints()).filter((e) => e.name === `customer-graph ${DEMO_DYNAMICS_ID}`);
    expect(ours).toHaveLength(1);
    expect(ours[0]!.url).toBe(webhookUrl());
    expect((await steps()).filter((s) => s._eventhandler_value === ours[0]!.serviceendpointid)).toHaveLength(9);
  });

  it('a phone changed in Dynamics reaches the subscriber as the new merged phone through the webhook', async () => {
    const sub = await subscribe();
    const before = await inboxCount();
    expect((await dataverse('PATCH', `contacts(${contactId})`, { telephone1: '+1 415 555 0142' })).status).toBe(204);
    const [result] = await sub.waitFor(1, 10_000);
    expect(result!.data).toMatchObject({ customerChanged: { customerId: customer.id, customer: { phone: '+14155550142' } } });
    // Through the inbox (the poller is paused): the delivery was stored and applied.
    const rows = await inboxRows();
    expect(rows.length).toBeGreaterThan(before);
    expect(rows.some((r) => (r.payload as { recordId: string }).recordId === contactId && r.processedAt !== null)).toBe(true);
    sub.unsubscribe();
  }, 30_000);

  it('refuses a delivery with a wrong or no key with 401, a body that is not a RemoteExecutionContext with 400, and stores nothing', async () => {
    const before = await inboxCount();
    const body = updateContext(randomUUID(), '+1 415 555 0199');
    expect((await post(body, 'not-the-key')).status).toBe(401);
    expect((await post(body, `${KEY}x`)).status).toBe(401);
    expect((await post(body)).status).toBe(401);
    // With the right key but not what Dataverse sends: nothing this gateway can apply.
    expect((await post(JSON.stringify({ module: 'Contacts', ids: [contactId], operation: 'update' }), KEY)).status).toBe(400);
    expect((await post('{not json', KEY)).status).toBe(400);
    expect(await inboxCount()).toBe(before);
  });

  it('the same delivery repeated 10 times is stored once and applied once', async () => {
    // Only our deliveries now: the product's registration is removed from the sandbox.
    const removal = await t.app.connectors.get('dynamics')!.webhooks!.removeSubscriptions!();
    expect(removal).toMatchObject({ notRemoved: [] });
    expect(removal.removed).toHaveLength(10);
    const sub = await subscribe();
    expect((await dataverse('PATCH', `contacts(${contactId})`, { telephone1: '+1 415 555 0143' })).status).toBe(204);
    const before = await inboxCount();
    const body = updateContext(randomUUID(), '+1 415 555 0143');
    const answers = await Promise.all(Array.from({ length: 10 }, () => post(body, KEY)));
    expect(answers.map((a) => a.status)).toEqual(Array(10).fill(200));
    const [result] = await sub.waitFor(1, 10_000);
    expect(result!.data).toMatchObject({ customerChanged: { customer: { phone: '+14155550143' } } });
    await t.app.sync.inbox.drain();
    await new Promise((r) => setTimeout(r, 1000));
    expect(sub.results).toHaveLength(1);
    expect(await inboxCount()).toBe(before + 1);
    sub.unsubscribe();
  }, 30_000);

  it('registering again finds the endpoint it made instead of duplicating it', async () => {
    const handler = t.app.connectors.get('dynamics')!.webhooks!;
    const made = await handler.ensureSubscriptions!(webhookUrl());
    expect(made.created).toHaveLength(10);
    const again = await handler.ensureSubscriptions!(webhookUrl());
    expect(again).toEqual({ existing: made.created, created: [], removed: [], notRemoved: [] });
    expect((await endpoints()).filter((e) => e.name === `customer-graph ${DEMO_DYNAMICS_ID}`)).toHaveLength(1);
  });
});
