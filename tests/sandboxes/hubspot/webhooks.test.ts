import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Signature } from '@hubspot/api-client';
import type { Client } from '@hubspot/api-client';
import type { HubSpotWebhookEvent, RunningHubSpotSandbox } from '../../../sandboxes/hubspot/index.ts';
import { control, startSandbox } from './helpers.ts';

interface Received {
  headers: http.IncomingHttpHeaders;
  body: string;
  events: HubSpotWebhookEvent[];
}

/** A local receiver that fails the first `failures` deliveries with 500. */
async function receiver(failures = 0) {
  const received: Received[] = [];
  let toFail = failures;
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      received.push({ headers: req.headers, body, events: JSON.parse(body) });
      res.statusCode = toFail-- > 0 ? 500 : 204;
      res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hubspot/webhooks`;
  return { url, received, close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }) };
}

async function until(pred: () => boolean, ms = 5000) {
  const end = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 20));
  }
}

let sandbox: RunningHubSpotSandbox;
let client: Client;
let hook: Awaited<ReturnType<typeof receiver>>;
beforeEach(async () => {
  ({ sandbox, client } = await startSandbox({ demoSeed: { contacts: [{ id: '7', properties: { email: 'seeded@x.test' } }] } }));
});
afterEach(async () => {
  await sandbox.close();
  await hook?.close();
});

const isValidV3 = (r: Received, url: string, secret: string) =>
  Signature.isValid({
    signatureVersion: 'v3', method: 'POST', url, clientSecret: secret, requestBody: r.body,
    signature: String(r.headers['x-hubspot-signature-v3']), timestamp: Number(r.headers['x-hubspot-request-timestamp']),
  });

describe('HubSpot sandbox: webhooks', () => {
  it('delivers creation, propertyChange and deletion events signed with v3', async () => {
    hook = await receiver();
    const cfg = await control(sandbox, 'POST', '/hubspot/webhooks', { targetUrl: hook.url, batchDelayMs: 50 });
    expect(cfg).toMatchObject({ enabled: true, targetUrl: hook.url, clientSecret: 'sandbox' });
    const c = await client.crm.contacts.basicApi.create({ properties: { email: 'hook@x.test' }, associations: [] });
    await client.crm.contacts.basicApi.update(c.id, { properties: { firstname: 'Hook', lastname: 'Line', email: 'hook@x.test' } });
    await client.crm.contacts.basicApi.archive(c.id);
    await until(() => hook.received.flatMap((r) => r.events).length >= 5);
    const events = hook.received.flatMap((r) => r.events);
    const kinds = events.map((e) => `${e.subscriptionType}${e.propertyName ? `:${e.propertyName}=${e.propertyValue}` : ''}`).sort();
    expect(kinds).toEqual([
      'contact.creation', 'contact.deletion', 'contact.propertyChange:email=hook@x.test',
      'contact.propertyChange:firstname=Hook', 'contact.propertyChange:lastname=Line',
    ]);
    for (const e of events) {
      expect(e).toMatchObject({ objectId: Number(c.id), changeSource: 'API', sourceId: 'private-app', attemptNumber: 0, portalId: sandbox.portalId, appId: sandbox.appId });
      expect(typeof e.eventId).toBe('number');
      expect(typeof e.occurredAt).toBe('number');
    }
    // The seeded contact produced nothing.
    expect(events.some((e) => e.objectId === 7)).toBe(false);
    for (const r of hook.received) {
      expect(r.headers['content-type']).toMatch(/^application\/json/);
      expect(r.headers['x-hubspot-signature-version']).toBe('v1');
      expect(isValidV3(r, hook.url, 'sandbox')).toBe(true);
      expect(isValidV3(r, hook.url, 'wrong-secret')).toBe(false);
      expect(Signature.isValid({ signatureVersion: 'v1', clientSecret: 'sandbox', requestBody: r.body, signature: String(r.headers['x-hubspot-signature']) })).toBe(true);
    }
  });

  it('batches at most 100 events per request and filters by subscription', async () => {
    hook = await receiver();
    await control(sandbox, 'POST', '/hubspot/webhooks', { targetUrl: hook.url, batchDelayMs: 100, subscriptions: ['company.creation', 'company.propertyChange:name'] });
    await client.crm.companies.batchApi.create({ inputs: Array.from({ length: 100 }, (_, i) => ({ properties: { name: `W${i}`, city: 'X' }, associations: [] })) });
    await client.crm.contacts.basicApi.create({ properties: { email: 'ignored@x.test' }, associations: [] });
    await until(() => hook.received.flatMap((r) => r.events).length >= 200);
    expect(hook.received.map((r) => r.events.length)).toEqual([100, 100]);
    const types = new Set(hook.received.flatMap((r) => r.events.map((e) => `${e.subscriptionType}:${e.propertyName ?? ''}`)));
    expect([...types].sort()).toEqual(['company.creation:', 'company.propertyChange:name']);
  });

  it('retries with backoff and an incremented attemptNumber after the receiver failed', async () => {
    hook = await receiver(1);
    await control(sandbox, 'POST', '/hubspot/webhooks', { targetUrl: hook.url, batchDelayMs: 20, retryBaseMs: 200, clientSecret: 'hook-secret' });
    const d = await client.crm.deals.basicApi.create({ properties: { dealname: 'Retry me' }, associations: [] });
    await until(() => hook.received.length >= 2);
    const [failed, retried] = hook.received as [Received, Received];
    expect(failed.events.every((e) => e.attemptNumber === 0)).toBe(true);
    expect(retried.events.every((e) => e.attemptNumber === 1)).toBe(true);
    expect(retried.events.map((e) => e.eventId)).toEqual(failed.events.map((e) => e.eventId));
    expect(retried.events.some((e) => e.subscriptionType === 'deal.creation' && e.objectId === Number(d.id))).toBe(true);
    expect(Number(retried.headers['x-hubspot-request-timestamp']) - Number(failed.headers['x-hubspot-request-timestamp'])).toBeGreaterThanOrEqual(190);
    expect(isValidV3(retried, hook.url, 'hook-secret')).toBe(true);
    const state = await control(sandbox, 'GET', '/hubspot/webhooks');
    expect(state.deliveries.map((x: { ok: boolean }) => x.ok)).toEqual([false, true]);
  });

  it('stops delivering once disabled', async () => {
    hook = await receiver();
    await control(sandbox, 'POST', '/hubspot/webhooks', { targetUrl: hook.url, batchDelayMs: 10 });
    await control(sandbox, 'DELETE', '/hubspot/webhooks');
    await client.crm.contacts.basicApi.create({ properties: { email: 'quiet@x.test' }, associations: [] });
    await new Promise((r) => setTimeout(r, 150));
    expect(hook.received).toHaveLength(0);
    expect((await control(sandbox, 'POST', '/hubspot/webhooks', { subscriptions: ['nonsense.event'] })).error).toBeTruthy();
  });
});

describe('HubSpot sandbox: associationChange webhooks', () => {
  const v4 = (method: string, path: string, body?: unknown) => fetch(`${sandbox.url}${path}`, {
    method, headers: { authorization: `Bearer ${sandbox.accessToken}`, 'content-type': 'application/json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const associationEvents = () => hook.received.flatMap((r) => r.events).filter((e) => e.subscriptionType.endsWith('.associationChange'));
  /** Association events as `type from→to typeId +/-` lines, sorted, so one assertion reads like the expectation. */
  const lines = () => associationEvents()
    .map((e) => `${e.subscriptionType} ${e.fromObjectId}->${e.toObjectId} ${e.associationType} ${e.associationTypeId} ${e.associationRemoved ? '-' : '+'}${e.isPrimaryAssociation ? ' primary' : ''}`)
    .sort();
  const ids = { deal: '', acme: '', globex: '', ada: '' };

  beforeEach(async () => {
    ids.acme = (await client.crm.companies.basicApi.create({ properties: { name: 'Acme' }, associations: [] })).id;
    ids.globex = (await client.crm.companies.basicApi.create({ properties: { name: 'Globex' }, associations: [] })).id;
    ids.deal = (await client.crm.deals.basicApi.create({ properties: { dealname: 'Rockets' }, associations: [] })).id;
    ids.ada = (await client.crm.contacts.basicApi.create({ properties: { email: 'ada@acme.test' }, associations: [] })).id;
    // Subscribed only now: the creations above are not part of what these tests count.
    hook = await receiver();
    await control(sandbox, 'POST', '/hubspot/webhooks', { targetUrl: hook.url, batchDelayMs: 20 });
  });

  it('is in the default subscription set for contacts, companies and deals', async () => {
    const state = await control(sandbox, 'GET', '/hubspot/webhooks');
    expect(state.subscriptionTypes).toEqual(expect.arrayContaining(['contact.associationChange', 'company.associationChange', 'deal.associationChange']));
    expect(state.subscriptions).toEqual(expect.arrayContaining(['contact.associationChange', 'company.associationChange', 'deal.associationChange']));
  });

  it('a v4 PUT default and a DELETE each send one event per direction, signed like every delivery', async () => {
    expect((await v4('PUT', `/crm/v4/objects/deals/${ids.deal}/associations/default/companies/${ids.acme}`)).status).toBe(200);
    await until(() => associationEvents().length >= 2);
    expect(lines()).toEqual([
      `company.associationChange ${ids.acme}->${ids.deal} COMPANY_TO_DEAL 342 +`,
      `deal.associationChange ${ids.deal}->${ids.acme} DEAL_TO_COMPANY 341 +`,
    ]);
    const dealEvent = associationEvents().find((e) => e.subscriptionType === 'deal.associationChange')!;
    expect(dealEvent).toMatchObject({
      objectId: Number(ids.deal), associationCategory: 'HUBSPOT_DEFINED', changeSource: 'API', sourceId: 'private-app',
      portalId: sandbox.portalId, appId: sandbox.appId, attemptNumber: 0,
    });
    expect(typeof dealEvent.eventId).toBe('number');
    expect(associationEvents().find((e) => e.subscriptionType === 'company.associationChange')!.objectId).toBe(Number(ids.acme));
    for (const r of hook.received) expect(isValidV3(r, hook.url, 'sandbox')).toBe(true);

    expect((await v4('DELETE', `/crm/v4/objects/deals/${ids.deal}/associations/companies/${ids.acme}`)).status).toBe(204);
    await until(() => associationEvents().length >= 4);
    expect(lines().filter((l) => l.endsWith('-'))).toEqual([
      `company.associationChange ${ids.acme}->${ids.deal} COMPANY_TO_DEAL 342 -`,
      `deal.associationChange ${ids.deal}->${ids.acme} DEAL_TO_COMPANY 341 -`,
    ]);
  });

  it('a primary PUT reports the primary and the unlabeled type it implies, and the primary it takes off the old company', async () => {
    const primary = [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 5 }];
    expect((await v4('PUT', `/crm/v4/objects/deals/${ids.deal}/associations/companies/${ids.acme}`, primary)).status).toBe(201);
    await until(() => associationEvents().length >= 4);
    hook.received.length = 0;
    expect((await v4('PUT', `/crm/v4/objects/deals/${ids.deal}/associations/companies/${ids.globex}`, primary)).status).toBe(201);
    await until(() => associationEvents().length >= 6);
    expect(lines()).toEqual([
      `company.associationChange ${ids.acme}->${ids.deal} COMPANY_TO_DEAL 6 - primary`,
      `company.associationChange ${ids.globex}->${ids.deal} COMPANY_TO_DEAL 342 +`,
      `company.associationChange ${ids.globex}->${ids.deal} COMPANY_TO_DEAL 6 + primary`,
      `deal.associationChange ${ids.deal}->${ids.acme} DEAL_TO_COMPANY 5 - primary`,
      `deal.associationChange ${ids.deal}->${ids.globex} DEAL_TO_COMPANY 341 +`,
      `deal.associationChange ${ids.deal}->${ids.globex} DEAL_TO_COMPANY 5 + primary`,
    ]);
  });

  it('batch create and archive send events for the inputs that took effect only', async () => {
    const res = await v4('POST', '/crm/v4/associations/contacts/companies/batch/create', { inputs: [
      { from: { id: ids.ada }, to: { id: ids.acme }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 279 }] },
      { from: { id: ids.ada }, to: { id: '999999' }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 279 }] },
    ] });
    expect(res.status).toBe(207);
    await until(() => associationEvents().length >= 2);
    expect(lines()).toEqual([
      `company.associationChange ${ids.acme}->${ids.ada} COMPANY_TO_CONTACT 280 +`,
      `contact.associationChange ${ids.ada}->${ids.acme} CONTACT_TO_COMPANY 279 +`,
    ]);
    hook.received.length = 0;
    const archived = await v4('POST', '/crm/v4/associations/contacts/companies/batch/archive', { inputs: [{ from: { id: ids.ada }, to: [{ id: ids.acme }, { id: ids.globex }] }] });
    expect(archived.status).toBe(204);
    await until(() => associationEvents().length >= 2);
    await new Promise((r) => setTimeout(r, 100)); // nothing more comes for Globex, which was never associated
    expect(lines()).toEqual([
      `company.associationChange ${ids.acme}->${ids.ada} COMPANY_TO_CONTACT 280 -`,
      `contact.associationChange ${ids.ada}->${ids.acme} CONTACT_TO_COMPANY 279 -`,
    ]);
  });

  it('associations given in a v3 create send events along with the creation', async () => {
    const created = await v4('POST', '/crm/v3/objects/deals', {
      properties: { dealname: 'Linked at birth' },
      associations: [{ to: { id: ids.ada }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 3 }] }],
    });
    expect(created.status).toBe(201);
    const id = ((await created.json()) as { id: string }).id;
    await until(() => associationEvents().length >= 2);
    expect(lines()).toEqual([
      `contact.associationChange ${ids.ada}->${id} CONTACT_TO_DEAL 4 +`,
      `deal.associationChange ${id}->${ids.ada} DEAL_TO_CONTACT 3 +`,
    ]);
    expect(hook.received.flatMap((r) => r.events).some((e) => e.subscriptionType === 'deal.creation' && e.objectId === Number(id))).toBe(true);
  });

  it('a refused request sends nothing', async () => {
    expect((await v4('PUT', `/crm/v4/objects/deals/${ids.deal}/associations/companies/999999`, [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 5 }])).status).toBe(404);
    expect((await v4('PUT', `/crm/v4/objects/deals/${ids.deal}/associations/companies/${ids.acme}`, [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 1 }])).status).toBe(400);
    expect((await v4('POST', '/crm/v3/objects/deals', { properties: { dealname: 'Bad link' }, associations: [{ to: { id: '999999' }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 3 }] }] })).status).toBe(400);
    expect((await v4('DELETE', `/crm/v4/objects/deals/${ids.deal}/associations/companies/${ids.globex}`)).status).toBe(204); // was never there
    // A later write that does deliver: everything before it has been delivered too.
    await client.crm.companies.basicApi.update(ids.acme, { properties: { name: 'Acme Corp' } });
    await until(() => hook.received.flatMap((r) => r.events).some((e) => e.subscriptionType === 'company.propertyChange'));
    expect(associationEvents()).toEqual([]);
  });
});
