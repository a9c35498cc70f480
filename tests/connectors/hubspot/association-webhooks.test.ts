/**
 * associationChange webhooks from the HubSpot sandbox to a real local receiver: a v4 PUT and a DELETE each arrive
 * once per direction, verify on their raw bytes, and parse into `associationChanged` events naming the record whose
 * association moved and the reference it changes (a deal's associatedcompanyid / associatedcontactid).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createHubSpotConnector } from '../../../connectors/hubspot/index.ts';
import type { HubSpotConnector, HubSpotWebhookEvent } from '../../../connectors/hubspot/index.ts';
import { RateBudgetRegistry } from '../../../connectors/runtime/index.ts';
import { CREDENTIALS, startHubSpot } from './harness.ts';
import { startWebhookReceiver } from '../webhook-receiver.ts';

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((c) => c()));
});

async function setup() {
  const sandbox = await startHubSpot();
  closers.push(() => sandbox.close());
  const hook = await startWebhookReceiver('/hooks/hubspot', 204);
  closers.push(() => hook.close());
  const { url, deliveries } = hook;
  const connector: HubSpotConnector = createHubSpotConnector({
    connectorId: `hs-association-webhooks-${Date.now()}`,
    baseUrl: sandbox.url,
    auth: { kind: 'static', accessToken: CREDENTIALS.accessToken },
    webhookSecret: CREDENTIALS.clientSecret,
    registry: new RateBudgetRegistry(),
  });
  const create = async (type: string, fields: Record<string, string>) => {
    const [r] = await connector.createMany(type, [{ fields }]);
    if (!r?.ok) throw new Error(`create ${type} refused`);
    return r.id;
  };
  const v4 = (method: string, path: string, body?: unknown) => fetch(`${sandbox.url}${path}`, {
    method, headers: { authorization: `Bearer ${CREDENTIALS.accessToken}`, 'content-type': 'application/json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  /** Subscribes now, so records created before are not part of what is received. */
  const subscribe = async () => {
    const res = await fetch(`${sandbox.url}/_sandbox/hubspot/webhooks`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ targetUrl: url, batchDelayMs: 10 }),
    });
    expect(res.ok).toBe(true);
  };
  /** Verifies every delivery so far and returns the parsed association events. */
  const associationEvents = async (count: number): Promise<HubSpotWebhookEvent[]> => {
    let events: HubSpotWebhookEvent[] = [];
    for (let i = 0; i < 300; i++) {
      events = deliveries.flatMap((d) => {
        expect(connector.webhooks!.verify({ ...d, url })).toBe(true);
        return connector.webhooks!.parse(d.rawBody);
      }).filter((e) => e.kind === 'associationChanged');
      if (events.length >= count) break;
      await new Promise((r) => setTimeout(r, 10));
    }
    return events;
  };
  return { connector, create, v4, subscribe, associationEvents, deliveries };
}

const view = (e: HubSpotWebhookEvent) => ({
  objectType: e.objectType, recordId: e.recordId, toObjectId: e.toObjectId, associationType: e.associationType,
  associationRemoved: e.associationRemoved, changedFields: e.changedFields,
});

describe('HubSpot associationChange webhooks', () => {
  it('a v4 PUT and a DELETE between a deal and a company arrive in both directions and parse into associationChanged events', async () => {
    const { create, v4, subscribe, associationEvents } = await setup();
    const company = await create('companies', { name: 'Acme', domain: 'acme.test' });
    const deal = await create('deals', { dealname: 'Rockets' });
    await subscribe();
    expect((await v4('PUT', `/crm/v4/objects/deals/${deal}/associations/default/companies/${company}`)).status).toBe(200);
    const added = await associationEvents(2);
    expect(added.map(view)).toEqual(expect.arrayContaining([
      { objectType: 'deals', recordId: deal, toObjectId: company, associationType: 'DEAL_TO_COMPANY', associationRemoved: false, changedFields: ['associatedcompanyid'] },
      // A company has no field an association sets: the event still says the company changed.
      { objectType: 'companies', recordId: company, toObjectId: deal, associationType: 'COMPANY_TO_DEAL', associationRemoved: false, changedFields: undefined },
    ]));
    expect(added).toHaveLength(2);
    expect(added.every((e) => e.changeSource === 'API' && e.sourceId === 'private-app')).toBe(true);

    expect((await v4('DELETE', `/crm/v4/objects/deals/${deal}/associations/companies/${company}`)).status).toBe(204);
    const removed = (await associationEvents(4)).slice(2);
    expect(removed.map(view)).toEqual(expect.arrayContaining([
      { objectType: 'deals', recordId: deal, toObjectId: company, associationType: 'DEAL_TO_COMPANY', associationRemoved: true, changedFields: ['associatedcompanyid'] },
      { objectType: 'companies', recordId: company, toObjectId: deal, associationType: 'COMPANY_TO_DEAL', associationRemoved: true, changedFields: undefined },
    ]));
    expect(removed).toHaveLength(2);
  });

  it('deal→contact and contact→company events name the reference they change', async () => {
    const { create, v4, subscribe, associationEvents } = await setup();
    const company = await create('companies', { name: 'Globex' });
    const contact = await create('contacts', { email: 'hank@globex.test' });
    const deal = await create('deals', { dealname: 'Hammocks' });
    await subscribe();
    const spec = (id: number) => [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: id }];
    expect((await v4('PUT', `/crm/v4/objects/deals/${deal}/associations/contacts/${contact}`, spec(3))).status).toBe(201);
    expect((await v4('PUT', `/crm/v4/objects/contacts/${contact}/associations/companies/${company}`, spec(279))).status).toBe(201);
    const events = (await associationEvents(4)).map(view);
    expect(events).toEqual(expect.arrayContaining([
      { objectType: 'deals', recordId: deal, toObjectId: contact, associationType: 'DEAL_TO_CONTACT', associationRemoved: false, changedFields: ['associatedcontactid'] },
      { objectType: 'contacts', recordId: contact, toObjectId: deal, associationType: 'CONTACT_TO_DEAL', associationRemoved: false, changedFields: undefined },
      { objectType: 'contacts', recordId: contact, toObjectId: company, associationType: 'CONTACT_TO_COMPANY', associationRemoved: false, changedFields: ['associatedcompanyid'] },
      { objectType: 'companies', recordId: company, toObjectId: contact, associationType: 'COMPANY_TO_CONTACT', associationRemoved: false, changedFields: undefined },
    ]));
    expect(events).toHaveLength(4);
  });

  it('an event without objectId (as HubSpot may send one) takes its record from fromObjectId', async () => {
    const { connector } = await setup();
    const [event] = connector.webhooks!.parse(JSON.stringify([{
      eventId: 77, subscriptionId: 3, portalId: 33, appId: 1, occurredAt: 1714564800123, subscriptionType: 'deal.associationChange', attemptNumber: 0,
      changeSource: 'CRM_UI', associationType: 'DEAL_TO_COMPANY', fromObjectId: 11, toObjectId: 22, associationRemoved: true, isPrimaryAssociation: false,
    }]));
    expect(event).toMatchObject({ objectType: 'deals', recordId: '11', kind: 'associationChanged', toObjectId: '22', associationRemoved: true, changedFields: ['associatedcompanyid'] });
    // Other kinds still need objectId.
    expect(() => connector.webhooks!.parse(JSON.stringify([{ eventId: 78, subscriptionType: 'deal.propertyChange', fromObjectId: 11 }]))).toThrow(/objectId/);
  });
});
