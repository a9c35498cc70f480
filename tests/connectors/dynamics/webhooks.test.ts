/**
 * Dataverse webhooks: `verify` compares the `x-customer-graph-key` header (from the service endpoint's HttpHeader
 * auth settings) with the connector's key, `parse` turns one RemoteExecutionContext into one event. The
 * registrations themselves (service endpoints and steps in the sandbox) are in service-endpoints.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { supportedCrms } from '../../../cli/connector-registry.ts';
import type { WebhookRequest } from '../../../connectors/contract/index.ts';
import { createDynamicsConnector, dynamicsConnectionForm } from '../../../connectors/dynamics/index.ts';
import { InMemoryTokenStore, RateBudgetRegistry } from '../../../connectors/runtime/index.ts';
import { CREDENTIALS } from './harness.ts';
import { thrown } from '../thrown-connector-error.ts';

const WEBHOOK_KEY = 'dv-wk-5c1e9a7f3b2d8e4a6f0c';

/** A connector that never calls Dataverse here (nothing listens on port 9). */
const offline = (webhookKey?: string) => createDynamicsConnector({
  connectorId: 'dynamics-hooks', baseUrl: 'http://127.0.0.1:9', authorityUrl: 'http://127.0.0.1:9', auth: { kind: 'client-credentials', ...CREDENTIALS },
  registry: new RateBudgetRegistry(), ...(webhookKey !== undefined ? { webhookKey } : {}),
});
const handler = () => offline(WEBHOOK_KEY).webhooks!;

const CONTACT = '3f2504e0-4f89-41d3-9a0c-0305e82c3301';
const OPERATION = '8d3c0b6e-1a2f-4e5d-9c7b-6a5f4e3d2c1b';
const STEP = '0e9d8c7b-6a5f-4e3d-2c1b-0a9f8e7d6c5b';
const ORG = '11111111-2222-4333-8444-555555555555';

/** The Target of an Update or Create: an Entity with the attributes written. */
const entity = (logicalName: string, id: string, attributes: Record<string, unknown>) => ({
  __type: 'Entity:http://schemas.microsoft.com/xrm/2011/Contracts',
  Attributes: Object.entries(attributes).map(([key, value]) => ({ key, value })),
  EntityState: null, FormattedValues: [], Id: id, KeyAttributes: [], LogicalName: logicalName, RelatedEntities: [], RowVersion: '123456',
});

/** A RemoteExecutionContext as Dataverse serialises it to JSON. */
function context(message: string, table: string, id: string, target: unknown, fields: Record<string, unknown> = {}) {
  return {
    BusinessUnitId: ORG, CorrelationId: '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d', Depth: 1, InitiatingUserId: ORG,
    InputParameters: [{ key: 'Target', value: target }],
    IsExecutingOffline: false, IsInTransaction: false, IsOfflinePlayback: false, IsolationMode: 1,
    MessageName: message, Mode: 1, OperationCreatedOn: '/Date(1733568000123)/', OperationId: OPERATION,
    OrganizationId: ORG, OrganizationName: 'org', OutputParameters: message === 'Create' ? [{ key: 'id', value: id }] : [],
    OwningExtension: { Id: STEP, KeyAttributes: [], LogicalName: 'sdkmessageprocessingstep', Name: `customer-graph dynamics-hooks: ${message} of ${table}`, RowVersion: null },
    ParentContext: null, PostEntityImages: [], PreEntityImages: [], PrimaryEntityId: id,
    PrimaryEntityName: table, RequestId: '7f6e5d4c-3b2a-4190-8f7e-6d5c4b3a2918', SecondaryEntityName: 'none', SharedVariables: [],
    Stage: 40, UserId: ORG, ...fields,
  };
}
const update = (fields: Record<string, unknown> = {}) =>
  context('Update', 'contact', CONTACT, entity('contact', CONTACT, { telephone1: '+1 415 555 0100', contactid: CONTACT }), fields);
const json = (body: unknown = update()) => JSON.stringify(body);
const request = (headers: WebhookRequest['headers'], body = json()): WebhookRequest => ({
  method: 'POST', url: 'http://gw/webhooks/dynamics-hooks', headers: { 'content-type': 'application/json', ...headers }, rawBody: body,
});

describe('Dynamics webhooks: verify', () => {
  it('exist only when a webhook key is configured', () => {
    expect(offline().webhooks).toBeUndefined();
    expect(offline('').webhooks).toBeUndefined();
    expect(handler().ensureSubscriptions).toBeTypeOf('function');
    expect(handler().removeSubscriptions).toBeTypeOf('function');
    expect(handler().subscriptionsPage).toMatch(/Plug-in Registration Tool.*customer-graph dynamics-hooks/);
  });

  it('the stored connection form\'s webhook key turns them on in the connector the product builds', () => {
    const row = { id: 'dynamics-hooks', crm: 'dynamics', name: 'Dynamics', baseUrl: 'https://acme.crm4.dynamics.com', settings: {}, status: 'active', statusReason: null };
    const deps = { tokenStore: new InMemoryTokenStore(), onNeedsReauthorisation: async () => {} };
    const values = { tenantId: CREDENTIALS.tenantId, clientId: CREDENTIALS.clientId, clientSecret: CREDENTIALS.clientSecret };
    const build = (v: Record<string, string>) => supportedCrms.dynamics!.buildConnector(row, dynamicsConnectionForm.toCredentials('client-credentials', v), deps);
    expect(build(values).webhooks).toBeUndefined();
    expect(build({ ...values, webhookKey: '' }).webhooks).toBeUndefined();
    const hooks = build({ ...values, webhookKey: WEBHOOK_KEY }).webhooks!;
    expect(hooks.verify(request({ 'x-customer-graph-key': WEBHOOK_KEY }))).toBe(true);
    expect(hooks.verify(request({ 'x-customer-graph-key': 'dv-wk-wrong-2b7e4c9a1f6d' }))).toBe(false);
  });

  it('accepts the configured key in x-customer-graph-key, whatever the body (text or bytes)', () => {
    const h = handler();
    expect(h.verify(request({ 'x-customer-graph-key': WEBHOOK_KEY }))).toBe(true);
    expect(h.verify(request({ 'x-customer-graph-key': WEBHOOK_KEY }, 'not json'))).toBe(true);
    expect(h.verify({ ...request({ 'x-customer-graph-key': WEBHOOK_KEY }), rawBody: new TextEncoder().encode(json()) })).toBe(true);
    expect(h.verify(request({ 'x-customer-graph-key': [WEBHOOK_KEY] }))).toBe(true);
  });

  it('refuses a wrong key, one that only starts alike, an empty or missing one, the key in another header or in the body', () => {
    const h = handler();
    expect(h.verify(request({ 'x-customer-graph-key': 'dv-wk-wrong-2b7e4c9a1f6d' }))).toBe(false);
    expect(h.verify(request({ 'x-customer-graph-key': WEBHOOK_KEY.slice(0, -1) }))).toBe(false);
    expect(h.verify(request({ 'x-customer-graph-key': `${WEBHOOK_KEY}x` }))).toBe(false);
    expect(h.verify(request({ 'x-customer-graph-key': ` ${WEBHOOK_KEY}` }))).toBe(false);
    expect(h.verify(request({ 'x-customer-graph-key': '' }))).toBe(false);
    expect(h.verify(request({}))).toBe(false);
    expect(h.verify(request({ 'x-customer-graph-key': [] }))).toBe(false);
    expect(h.verify(request({ authorization: WEBHOOK_KEY, 'x-api-key': WEBHOOK_KEY }))).toBe(false);
    expect(h.verify(request({}, json({ ...update(), key: WEBHOOK_KEY })))).toBe(false);
  });
});

describe('Dynamics webhooks: parse', () => {
  it('an Update is one updated event: the entity set, the row, the operation\'s time, the attributes written but the key', () => {
    const events = handler().parse(json());
    expect(events).toEqual([{
      eventId: `${OPERATION}:${CONTACT}`, objectType: 'contacts', recordId: CONTACT, kind: 'updated',
      occurredAt: '2024-12-07T10:40:00.123Z', changedFields: ['telephone1'], raw: update(),
    }]);
    // A retry of the same job repeats the body and so the event id; another job (another OperationId) does not.
    expect(handler().parse(new TextEncoder().encode(json()))[0]!.eventId).toBe(events[0]!.eventId);
    expect(handler().parse(json(update({ OperationId: 'another-job' })))[0]!.eventId).toBe(`another-job:${CONTACT}`);
  });

  it('a Create is a created event of an account; a Delete (an EntityReference Target) a deleted event of an opportunity', () => {
    const account = '6b29fc40-ca47-4a7b-8d1e-0c2f6f8e9a10';
    const created = handler().parse(json(context('Create', 'account', account, entity('account', account, { name: 'Contoso', accountid: account }))));
    expect(created).toEqual([expect.objectContaining({ objectType: 'accounts', recordId: account, kind: 'created', eventId: `${OPERATION}:${account}` })]);
    expect(created[0]!.changedFields).toBeUndefined();
    const deal = 'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d';
    const reference = { __type: 'EntityReference:http://schemas.microsoft.com/xrm/2011/Contracts', Id: deal, KeyAttributes: [], LogicalName: 'opportunity', Name: null, RowVersion: null };
    const deleted = handler().parse(json(context('Delete', 'opportunity', deal, reference, { OperationCreatedOn: '/Date(1733568001000+0000)/' })));
    expect(deleted).toEqual([expect.objectContaining({ objectType: 'opportunities', recordId: deal, kind: 'deleted', occurredAt: '2024-12-07T10:40:01.000Z' })]);
    expect(deleted[0]!.changedFields).toBeUndefined();
  });

  it('an upper-case row id is read as Dataverse\'s lower-case one', () => {
    expect(handler().parse(json(update({ PrimaryEntityId: CONTACT.toUpperCase() })))[0]).toMatchObject({ recordId: CONTACT, eventId: `${OPERATION}:${CONTACT}` });
  });

  it('an opportunity\'s state or sales stage written changes its stage_name too', () => {
    const deal = 'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d';
    const [event] = handler().parse(json(context('Update', 'opportunity', deal, entity('opportunity', deal, { salesstage: 2, opportunityid: deal, name: 'Big deal' }))));
    expect(event!.changedFields).toEqual(['salesstage', 'name', 'stage_name']);
  });

  it('a table the connector does not sync parses to no event (acknowledged, not refused)', () => {
    const id = '0f0e0d0c-0b0a-4908-8706-050403020100';
    expect(handler().parse(json(context('Update', 'lead', id, entity('lead', id, { subject: 'x' }))))).toEqual([]);
  });

  it('a body that is not a RemoteExecutionContext is CRM_VALIDATION (400)', () => {
    const h = handler();
    const withoutAttributes = { ...entity('contact', CONTACT, {}), Attributes: undefined };
    for (const body of ['not json', '[]', 'null', '{}', json({ Zoho: 'notification' }),
      json(update({ MessageName: undefined })), json(update({ MessageName: 'Assign' })), json(update({ PrimaryEntityName: '' })),
      json(update({ PrimaryEntityId: 'not-a-guid' })), json(update({ PrimaryEntityId: 42 })), json(update({ OperationId: undefined })),
      json(update({ OperationCreatedOn: undefined })), json(update({ OperationCreatedOn: '2024-12-07T10:40:00Z' })),
      json(update({ InputParameters: [] })), json(update({ InputParameters: [{ key: 'Target', value: 'x' }] })),
      json(update({ InputParameters: [{ key: 'Target', value: withoutAttributes }] }))]) {
      const err = thrown(() => h.parse(body));
      expect(err, body).toMatchObject({ code: 'CRM_VALIDATION', crm: 'dynamics', retryable: false });
    }
    expect(thrown(() => h.parse(json(update({ MessageName: 'Assign' })))).message).toMatch(/Assign/);
    expect(thrown(() => h.parse('{}')).message).toMatch(/RemoteExecutionContext/);
  });
});
