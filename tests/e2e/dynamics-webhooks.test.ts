/**
 * Dataverse webhooks end to end on the demo with Dynamics 365 on: at start the product registers a service endpoint
 * on the Dynamics sandbox through the Web API (named for the demo connector, delivering to this gateway with the
 * demo connector's key) and its nine steps; a phone changed in Dynamics then reaches a graphql-ws subscriber through
 * the webhook with polling paused. A wrong or missing key gets 401 and a body that is not a RemoteExecutionContext
 * 400, with nothing stored; one delivery repeated 10 times is stored and applied once; registering again finds the
 * endpoint instead of duplicating it.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_DYNAMICS_AUTH, DEMO_DYNAMICS_ID, DEMO_SANDBOXES } from '../../cli/demo-sandboxes.ts';
import { startWebhookDemo } from './support/webhook-demo.ts';
import type { WebhookDemo } from './support/webhook-demo.ts';

const KEY = DEMO_SANDBOXES.find((d) => d.crm === 'dynamics')!.credentials.webhookKey as string;
interface Endpoint { serviceendpointid: string; name: string; url: string }
interface Step { sdkmessageprocessingstepid: string; _eventhandler_value: string }

describe('Dataverse webhooks (demo)', () => {
  let demo: WebhookDemo;
  let accessToken: string;
  const dataverse = (method: string, path: string, body?: unknown) => fetch(`${demo.t.dynamicsUrl}/api/data/v9.2/${path}`, {
    method, headers: { 'content-type': 'application/json', accept: 'application/json', authorization: `Bearer ${accessToken}` },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const endpoints = async () => ((await (await dataverse('GET', 'serviceendpoints')).json()) as { value: Endpoint[] }).value;
  const steps = async () => ((await (await dataverse('GET', 'sdkmessageprocessingsteps')).json()) as { value: Step[] }).value;
  const post = (body: string, key?: string) => demo.post(body, key === undefined ? {} : { 'x-customer-graph-key': key });
  /** An Update of the contact's phone as Dataverse sends it: the RemoteExecutionContext of one async job. */
  const updateContext = (operationId: string, phone: string) => JSON.stringify({
    BusinessUnitId: randomUUID(), CorrelationId: randomUUID(), Depth: 1, InitiatingUserId: randomUUID(),
    InputParameters: [{ key: 'Target', value: {
      __type: 'Entity:http://schemas.microsoft.com/xrm/2011/Contracts',
      Attributes: [{ key: 'telephone1', value: phone }, { key: 'contactid', value: demo.recordId }],
      EntityState: null, FormattedValues: [], Id: demo.recordId, KeyAttributes: [], LogicalName: 'contact', RelatedEntities: [], RowVersion: '1',
    } }],
    IsExecutingOffline: false, IsInTransaction: false, IsOfflinePlayback: false, IsolationMode: 1, MessageName: 'Update', Mode: 1,
    OperationCreatedOn: `/Date(${Date.now()})/`, OperationId: operationId, OrganizationId: randomUUID(), OrganizationName: 'sandbox', OutputParameters: [],
    OwningExtension: { Id: randomUUID(), KeyAttributes: [], LogicalName: 'sdkmessageprocessingstep', Name: 'not-checked-here', RowVersion: null },
    ParentContext: null, PostEntityImages: [], PreEntityImages: [], PrimaryEntityId: demo.recordId, PrimaryEntityName: 'contact', RequestId: randomUUID(),
    SecondaryEntityName: 'none', SharedVariables: [], Stage: 40, UserId: randomUUID(),
  });

  beforeAll(async () => {
    demo = await startWebhookDemo('dynamics');
    const grant = await fetch(`${demo.t.dynamicsUrl}/${DEMO_DYNAMICS_AUTH.tenantId}/oauth2/v2.0/token`, {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: DEMO_DYNAMICS_AUTH.clientId, client_secret: DEMO_DYNAMICS_AUTH.clientSecret, scope: `${demo.t.dynamicsUrl}/.default` }),
    });
    accessToken = ((await grant.json()) as { access_token: string }).access_token;
  }, 240_000);
  afterAll(async () => demo?.close());

  it('registers one service endpoint at start, delivering to this gateway, with its nine steps', async () => {
    const ours = (await endpoints()).filter((e) => e.name === `customer-graph ${DEMO_DYNAMICS_ID}`);
    expect(ours).toHaveLength(1);
    expect(ours[0]!.url).toBe(demo.webhookUrl());
    expect((await steps()).filter((s) => s._eventhandler_value === ours[0]!.serviceendpointid)).toHaveLength(9);
  });

  it('a phone changed in Dynamics reaches the subscriber as the new merged phone through the webhook', async () => {
    const sub = await demo.subscribePhone();
    const before = await demo.inboxCount();
    expect((await dataverse('PATCH', `contacts(${demo.recordId})`, { telephone1: '+1 415 555 0142' })).status).toBe(204);
    const [result] = await sub.waitFor(1, 10_000);
    expect(result!.data).toMatchObject({ customerChanged: { customerId: demo.customer.id, customer: { phone: '+14155550142' } } });
    // Through the inbox (the poller is paused): the delivery was stored and applied.
    const rows = await demo.inboxRows();
    expect(rows.length).toBeGreaterThan(before);
    expect(rows.some((r) => (r.payload as { recordId: string }).recordId === demo.recordId && r.processedAt !== null)).toBe(true);
    sub.unsubscribe();
  }, 30_000);

  it('refuses a delivery with a wrong or no key with 401, a body that is not a RemoteExecutionContext with 400, and stores nothing', async () => {
    const before = await demo.inboxCount();
    const body = updateContext(randomUUID(), '+1 415 555 0199');
    expect((await post(body, 'not-the-key')).status).toBe(401);
    expect((await post(body, `${KEY}x`)).status).toBe(401);
    expect((await post(body)).status).toBe(401);
    // With the right key but not what Dataverse sends: nothing this gateway can apply.
    expect((await post(JSON.stringify({ module: 'Contacts', ids: [demo.recordId], operation: 'update' }), KEY)).status).toBe(400);
    expect((await post('{not json', KEY)).status).toBe(400);
    expect(await demo.inboxCount()).toBe(before);
  });

  it('the same delivery repeated 10 times is stored once and applied once', async () => {
    // Only our deliveries now: the product's registration is removed from the sandbox.
    const removal = await demo.t.app.connectors.get('dynamics')!.webhooks!.removeSubscriptions!();
    expect(removal).toMatchObject({ notRemoved: [] });
    expect(removal.removed).toHaveLength(10);
    const sub = await demo.subscribePhone();
    expect((await dataverse('PATCH', `contacts(${demo.recordId})`, { telephone1: '+1 415 555 0143' })).status).toBe(204);
    const body = updateContext(randomUUID(), '+1 415 555 0143');
    await demo.expectAppliedOnce(sub, () => post(body, KEY), '+14155550143');
    sub.unsubscribe();
  }, 30_000);

  it('registering again finds the endpoint it made instead of duplicating it', async () => {
    await demo.expectSubscribingAgainFinds(10);
    expect((await endpoints()).filter((e) => e.name === `customer-graph ${DEMO_DYNAMICS_ID}`)).toHaveLength(1);
  });
});
