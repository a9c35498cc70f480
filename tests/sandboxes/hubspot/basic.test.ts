import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@hubspot/api-client';
import type { RunningHubSpotSandbox } from '../../../sandboxes/hubspot/index.ts';
import { HUBSPOT_DEFINED, ISO_MS, apiError, startSandbox } from './helpers.ts';

let sandbox: RunningHubSpotSandbox;
let client: Client;

beforeAll(async () => {
  ({ sandbox, client } = await startSandbox());
});
afterAll(() => sandbox.close());

describe('HubSpot sandbox: basic object API through @hubspot/api-client', () => {
  it('creates (201), reads, updates (200) and archives (204) a contact, keeping timestamps', async () => {
    const created = await client.crm.contacts.basicApi.create({ properties: { email: 'Ada@Acme.test', firstname: 'Ada', lastname: 'Lovelace' }, associations: [] });
    expect(created.id).toMatch(/^\d+$/);
    expect(created.properties.email).toBe('ada@acme.test');
    expect(created.properties.hs_object_id).toBe(created.id);
    expect(created.properties.createdate).toMatch(ISO_MS);
    expect(created.properties.lastmodifieddate).toMatch(ISO_MS);

    const read = await client.crm.contacts.basicApi.getById(created.id, ['firstname', 'jobtitle']);
    expect(read.properties).toMatchObject({ firstname: 'Ada', jobtitle: null, hs_object_id: created.id });
    expect(read.properties.lastname).toBeUndefined();

    await new Promise((r) => setTimeout(r, 5));
    const updated = await client.crm.contacts.basicApi.update(created.id, { properties: { jobtitle: 'CTO' } });
    expect(updated.properties.jobtitle).toBe('CTO');
    expect(updated.properties.lastmodifieddate! > created.properties.lastmodifieddate!).toBe(true);
    expect(updated.updatedAt.toISOString()).toBe(updated.properties.lastmodifieddate);

    await client.crm.contacts.basicApi.archive(created.id);
    const gone = await apiError(client.crm.contacts.basicApi.getById(created.id));
    expect(gone.code).toBe(404);
    expect(gone.body).toMatchObject({ status: 'error', category: 'OBJECT_NOT_FOUND' });
    const archived = await client.crm.contacts.basicApi.getById(created.id, undefined, undefined, undefined, true);
    expect(archived.archived).toBe(true);
    expect(archived.archivedAt).toBeInstanceOf(Date);
  });

  it('uses hs_lastmodifieddate for companies and deals, and accepts object type ids in paths', async () => {
    const company = await client.crm.objects.basicApi.create('0-2', { properties: { name: 'Acme', domain: 'acme.test', numberofemployees: '120' }, associations: [] });
    expect(company.properties.hs_lastmodifieddate).toMatch(ISO_MS);
    expect(company.properties.lastmodifieddate).toBeUndefined();
    const deal = await client.crm.deals.basicApi.create({ properties: { dealname: 'Big deal', amount: '1000.50', dealstage: 'closedwon', closedate: '2024-05-01T00:00:00Z' }, associations: [] });
    const read = await client.crm.objects.basicApi.getById('deals', deal.id, ['amount', 'closedate', 'hs_is_closed_won', 'hs_deal_stage_probability']);
    expect(read.properties).toMatchObject({ amount: '1000.5', closedate: '2024-05-01T00:00:00.000Z', hs_is_closed_won: 'true', hs_deal_stage_probability: '1' });
    expect(read.properties.hs_lastmodifieddate).toMatch(ISO_MS);
  });

  it('reads by idProperty=email and with associations', async () => {
    const company = await client.crm.companies.basicApi.create({ properties: { name: 'Globex' }, associations: [] });
    const contact = await client.crm.contacts.basicApi.create({
      properties: { email: 'hank@globex.test' },
      associations: [{ to: { id: company.id }, types: [{ associationCategory: HUBSPOT_DEFINED, associationTypeId: 1 }] }],
    });
    const byEmail = await client.crm.contacts.basicApi.getById('HANK@globex.test', ['email'], undefined, ['companies'], false, 'email');
    expect(byEmail.id).toBe(contact.id);
    const types = byEmail.associations!.companies!.results.map((r) => r.type).sort();
    expect(types).toEqual(['contact_to_company', 'contact_to_company_unlabeled']);
    expect(byEmail.associations!.companies!.results[0]!.id).toBe(company.id);
  });

  it('accepts properties as repeated keys and comma-separated values', async () => {
    const c = await client.crm.contacts.basicApi.create({ properties: { email: 'grace@navy.test', firstname: 'Grace', city: 'Arlington' }, associations: [] });
    const auth = { authorization: `Bearer ${sandbox.accessToken}` };
    const comma = await (await fetch(`${sandbox.url}/crm/v3/objects/contacts/${c.id}?properties=firstname,city`, { headers: auth })).json();
    const repeated = await (await fetch(`${sandbox.url}/crm/v3/objects/contacts/${c.id}?properties=firstname&properties=city`, { headers: auth })).json();
    expect(comma.properties).toMatchObject({ firstname: 'Grace', city: 'Arlington' });
    expect(repeated.properties).toEqual(comma.properties);
  });

  it('pages with after/limit and getAll walks every page', async () => {
    const { sandbox: sb, client: cl } = await startSandbox();
    try {
      for (let i = 0; i < 23; i++) await cl.crm.companies.basicApi.create({ properties: { name: `Co ${i}` }, associations: [] });
      const first = await cl.crm.companies.basicApi.getPage(10, undefined, ['name']);
      expect(first.results).toHaveLength(10);
      expect(first.paging!.next!.after).toBeTruthy();
      expect(first.paging!.next!.link).toContain(`${sb.url}/crm/v3/objects/companies?`);
      const all = await cl.crm.companies.getAll(10, undefined, ['name']);
      expect(all.map((c) => c.properties.name)).toEqual(Array.from({ length: 23 }, (_, i) => `Co ${i}`));
      const last = await cl.crm.companies.basicApi.getPage(10, all[20]!.id);
      expect(last.results).toHaveLength(3);
      expect(last.paging).toBeUndefined();
      const tooMany = await apiError(cl.crm.companies.basicApi.getPage(101));
      expect(tooMany.code).toBe(400);
      // Archived records leave the default list and show up only with archived=true.
      await cl.crm.companies.basicApi.archive(all[0]!.id);
      expect((await cl.crm.companies.getAll(100)).length).toBe(22);
      const archivedPage = await cl.crm.companies.basicApi.getPage(100, undefined, undefined, undefined, undefined, true);
      expect(archivedPage.results.map((c) => c.id)).toEqual([all[0]!.id]);
    } finally {
      await sb.close();
    }
  });

  it('answers validation errors in HubSpot shape and stores nothing', async () => {
    const before = (await client.crm.contacts.getAll(100)).length;
    const bad = await apiError(client.crm.contacts.basicApi.create({ properties: { email: 'not-an-email', favourite_colour: 'blue', lifecyclestage: 'king' }, associations: [] }));
    expect(bad.code).toBe(400);
    expect(bad.body.category).toBe('VALIDATION_ERROR');
    expect(bad.body.correlationId).toBeTruthy();
    const codes = (bad.body.errors as { code: string }[]).map((e) => e.code).sort();
    expect(codes).toEqual(['INVALID_EMAIL', 'INVALID_OPTION', 'PROPERTY_DOESNT_EXIST']);
    expect(String(bad.body.message)).toContain('Property values were not valid');
    expect(bad.headers['content-type']).toMatch(/^application\/json/);
    expect((await client.crm.contacts.getAll(100)).length).toBe(before);

    const readOnly = await apiError(client.crm.contacts.basicApi.create({ properties: { email: 'ro@x.test', hs_object_id: '5' }, associations: [] }));
    expect((readOnly.body.errors as { code: string }[])[0]!.code).toBe('READ_ONLY_VALUE');
  });

  it('refuses duplicate emails with 409 CONFLICT naming the existing id', async () => {
    const first = await client.crm.contacts.basicApi.create({ properties: { email: 'dup@x.test' }, associations: [] });
    const err = await apiError(client.crm.contacts.basicApi.create({ properties: { email: 'DUP@x.test' }, associations: [] }));
    expect(err.code).toBe(409);
    expect(err.body).toMatchObject({ status: 'error', category: 'CONFLICT', message: `Contact already exists. Existing ID: ${first.id}` });
    const other = await client.crm.contacts.basicApi.create({ properties: { email: 'other@x.test' }, associations: [] });
    const upd = await apiError(client.crm.contacts.basicApi.update(other.id, { properties: { email: 'dup@x.test' } }));
    expect(upd.code).toBe(409);
  });

  it('answers 404 for unknown ids and 401 INVALID_AUTHENTICATION for bad tokens', async () => {
    const missing = await apiError(client.crm.deals.basicApi.getById('999999'));
    expect(missing.code).toBe(404);
    const upd = await apiError(client.crm.deals.basicApi.update('999999', { properties: { dealname: 'x' } }));
    expect(upd.code).toBe(404);
    const { Client } = await import('@hubspot/api-client');
    const intruder = new Client({ accessToken: 'wrong-token', basePath: sandbox.url });
    const unauth = await apiError(intruder.crm.contacts.basicApi.getPage());
    expect(unauth.code).toBe(401);
    expect(unauth.body).toMatchObject({ status: 'error', category: 'INVALID_AUTHENTICATION' });
    const noHeader = await fetch(`${sandbox.url}/crm/v3/objects/contacts`);
    expect(noHeader.status).toBe(401);
    expect(noHeader.headers.get('content-type')).toMatch(/^application\/json/);
  });
});
