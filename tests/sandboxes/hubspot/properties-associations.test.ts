import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@hubspot/api-client';
import type { PropertyCreateTypeEnum, PropertyCreateFieldTypeEnum } from '@hubspot/api-client/lib/codegen/crm/properties/models/PropertyCreate.js';
import type { AssociationSpecAssociationCategoryEnum } from '@hubspot/api-client/lib/codegen/crm/associations/v4/models/AssociationSpec.js';
import type { RunningHubSpotSandbox } from '../../../sandboxes/hubspot/index.ts';
import { apiError, op, startSandbox } from './helpers.ts';

let sandbox: RunningHubSpotSandbox;
let client: Client;
const V4_DEFINED = 'HUBSPOT_DEFINED' as AssociationSpecAssociationCategoryEnum;

beforeAll(async () => {
  ({ sandbox, client } = await startSandbox());
});
afterAll(() => sandbox.close());

describe('HubSpot sandbox: properties API', () => {
  it('lists the standard properties with types and options', async () => {
    const all = await client.crm.properties.coreApi.getAll('contacts');
    const byName = Object.fromEntries(all.results.map((p) => [p.name, p]));
    expect(byName.email).toMatchObject({ type: 'string', fieldType: 'text', hasUniqueValue: true });
    expect(byName.lifecyclestage!.options.map((o) => o.value)).toContain('marketingqualifiedlead');
    expect(byName.lastmodifieddate!.modificationMetadata!.readOnlyValue).toBe(true);
    const deals = await client.crm.properties.coreApi.getAll('deals');
    expect(deals.results.map((p) => p.name)).toEqual(expect.arrayContaining(['dealname', 'amount', 'dealstage', 'pipeline', 'closedate', 'hs_lastmodifieddate']));
    const one = await client.crm.properties.coreApi.getByName('companies', 'industry');
    expect(one.type).toBe('enumeration');
    expect((await apiError(client.crm.properties.coreApi.getByName('companies', 'nope'))).code).toBe(404);
  });

  it('creates a custom property (201) that is then writable, readable and searchable', async () => {
    const created = await client.crm.properties.coreApi.create('contacts', {
      name: 'loyalty_tier', label: 'Loyalty tier', type: 'enumeration' as PropertyCreateTypeEnum, fieldType: 'select' as PropertyCreateFieldTypeEnum,
      groupName: 'contactinformation', options: [{ label: 'Gold', value: 'gold', displayOrder: 1, hidden: false }, { label: 'Silver', value: 'silver', displayOrder: 2, hidden: false }],
    });
    expect(created).toMatchObject({ name: 'loyalty_tier', type: 'enumeration' });
    expect(created.hubspotDefined).toBeFalsy();
    const dup = await apiError(client.crm.properties.coreApi.create('contacts', {
      name: 'loyalty_tier', label: 'x', type: 'string' as PropertyCreateTypeEnum, fieldType: 'text' as PropertyCreateFieldTypeEnum, groupName: 'contactinformation',
    }));
    expect(dup.code).toBe(409);

    const contact = await client.crm.contacts.basicApi.create({ properties: { email: 'vip@x.test', loyalty_tier: 'gold' }, associations: [] });
    const read = await client.crm.contacts.basicApi.getById(contact.id, ['loyalty_tier']);
    expect(read.properties.loyalty_tier).toBe('gold');
    const bad = await apiError(client.crm.contacts.basicApi.update(contact.id, { properties: { loyalty_tier: 'platinum' } }));
    expect(bad.code).toBe(400);
    expect(bad.body.category).toBe('VALIDATION_ERROR');
    const found = await client.crm.contacts.searchApi.doSearch({
      filterGroups: [{ filters: [{ propertyName: 'loyalty_tier', operator: op('EQ'), value: 'gold' }] }], sorts: [], properties: ['loyalty_tier'], limit: 10, after: '0',
    });
    expect(found.results.map((r) => r.id)).toEqual([contact.id]);
  });
});

describe('HubSpot sandbox: associations v4', () => {
  it('creates (201), pages (200) and archives (204) associations in both directions', async () => {
    const company = await client.crm.companies.basicApi.create({ properties: { name: 'Initech' }, associations: [] });
    const contact = await client.crm.contacts.basicApi.create({ properties: { email: 'peter@initech.test' }, associations: [] });
    const deal = await client.crm.deals.basicApi.create({ properties: { dealname: 'TPS' }, associations: [] });

    const pair = await client.crm.associations.v4.basicApi.create('contacts', contact.id, 'companies', company.id, [{ associationCategory: V4_DEFINED, associationTypeId: 279 }]);
    expect(pair).toMatchObject({ fromObjectTypeId: '0-1', fromObjectId: contact.id, toObjectTypeId: '0-2', toObjectId: company.id });

    const fromCompany = await client.crm.associations.v4.basicApi.getPage('companies', company.id, 'contacts');
    expect(fromCompany.results).toHaveLength(1);
    expect(fromCompany.results[0]!.toObjectId).toBe(contact.id);
    expect(fromCompany.results[0]!.associationTypes[0]!.typeId).toBe(280);

    const def = await client.crm.associations.v4.basicApi.createDefault('deals', deal.id, 'companies', company.id);
    expect(def.status).toBe('COMPLETE');
    await client.crm.associations.v4.basicApi.create('deals', deal.id, 'contacts', contact.id, [{ associationCategory: V4_DEFINED, associationTypeId: 3 }]);
    const dealContacts = await client.crm.associations.v4.basicApi.getPage('0-3', deal.id, '0-1');
    expect(dealContacts.results.map((r) => r.toObjectId)).toEqual([contact.id]);

    const bad = await apiError(client.crm.associations.v4.basicApi.create('contacts', contact.id, 'companies', company.id, [{ associationCategory: V4_DEFINED, associationTypeId: 3 }]));
    expect(bad.code).toBe(400);

    await client.crm.associations.v4.basicApi.archive('contacts', contact.id, 'companies', company.id);
    expect((await client.crm.associations.v4.basicApi.getPage('companies', company.id, 'contacts')).results).toHaveLength(0);
  });

  it('batch creates, reads (207 for records without associations) and archives', async () => {
    const companies = await client.crm.companies.batchApi.create({ inputs: [1, 2].map((i) => ({ properties: { name: `B${i}` }, associations: [] })) });
    const contacts = await client.crm.contacts.batchApi.create({ inputs: [1, 2].map((i) => ({ properties: { email: `b${i}@assoc.test` }, associations: [] })) });
    const [c1, c2] = contacts.results.map((r) => r.id).sort() as [string, string];
    const [k1] = companies.results.map((r) => r.id).sort() as [string, string];
    const created = await client.crm.associations.v4.batchApi.create('contacts', 'companies', {
      inputs: [{ _from: { id: c1 }, to: { id: k1 }, types: [{ associationCategory: V4_DEFINED, associationTypeId: 1 }] }],
    });
    expect(created.results).toHaveLength(1);
    const read = await client.crm.associations.v4.batchApi.getPage('contacts', 'companies', { inputs: [{ id: c1 }, { id: c2 }] });
    expect(read.results).toHaveLength(1);
    expect(read.results[0]!._from.id).toBe(c1);
    expect(read.results[0]!.to[0]!.associationTypes.map((t) => t.typeId).sort((a, b) => a - b)).toEqual([1, 279]);
    expect((read as { numErrors?: number }).numErrors).toBe(1);
    await client.crm.associations.v4.batchApi.archive('contacts', 'companies', { inputs: [{ _from: { id: c1 }, to: [{ id: k1 }] }] });
    const v3 = await client.crm.contacts.basicApi.getById(c1, undefined, undefined, ['companies']);
    expect(v3.associations).toBeUndefined();
  });
});
