import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@hubspot/api-client';
import type { RunningHubSpotSandbox } from '../../../sandboxes/hubspot/index.ts';
import { apiError, op, startSandbox } from './helpers.ts';

let sandbox: RunningHubSpotSandbox;
let client: Client;
const ids: Record<string, string> = {};

const people: Record<string, string>[] = [
  { email: 'ada@acme.test', firstname: 'Ada', lastname: 'Lovelace', lifecyclestage: 'customer', city: 'London', jobtitle: 'Chief Analyst' },
  { email: 'grace@navy.test', firstname: 'Grace', lastname: 'Hopper', lifecyclestage: 'lead', city: 'Arlington' },
  { email: 'alan@acme.test', firstname: 'Alan', lastname: 'Turing', lifecyclestage: 'lead' },
  { email: 'edsger@tue.test', firstname: 'Edsger', lastname: 'Dijkstra', lifecyclestage: 'opportunity', city: 'Austin' },
];

beforeAll(async () => {
  ({ sandbox, client } = await startSandbox());
  for (const p of people) {
    ids[p.firstname!] = (await client.crm.contacts.basicApi.create({ properties: p, associations: [] })).id;
    await new Promise((r) => setTimeout(r, 3));
  }
});
afterAll(() => sandbox.close());

const search = (body: Record<string, unknown>) =>
  client.crm.contacts.searchApi.doSearch({ filterGroups: [], sorts: [], properties: ['firstname'], limit: 100, after: '0', ...body } as never);
const names = (r: { results: { properties: Record<string, string | null> }[] }) => r.results.map((x) => x.properties.firstname);

describe('HubSpot sandbox: search through @hubspot/api-client', () => {
  it('ANDs filters inside a group and ORs groups', async () => {
    const res = await search({
      filterGroups: [
        { filters: [{ propertyName: 'lifecyclestage', operator: op('EQ'), value: 'lead' }, { propertyName: 'email', operator: op('CONTAINS_TOKEN'), value: '*@acme.test' }] },
        { filters: [{ propertyName: 'city', operator: op('EQ'), value: 'austin' }] },
      ],
      sorts: [{ propertyName: 'firstname', direction: 'ASCENDING' }],
    });
    expect(res.total).toBe(2);
    expect(names(res)).toEqual(['Alan', 'Edsger']);
  });

  it('supports IN, NOT_IN, NEQ, HAS_PROPERTY, NOT_HAS_PROPERTY and NOT_CONTAINS_TOKEN', async () => {
    const sorted = [{ propertyName: 'firstname', direction: 'ASCENDING' }];
    expect(names(await search({ sorts: sorted, filterGroups: [{ filters: [{ propertyName: 'lifecyclestage', operator: op('IN'), values: ['customer', 'opportunity'] }] }] }))).toEqual(['Ada', 'Edsger']);
    expect(names(await search({ sorts: sorted, filterGroups: [{ filters: [{ propertyName: 'lifecyclestage', operator: op('NOT_IN'), values: ['lead'] }] }] }))).toEqual(['Ada', 'Edsger']);
    expect(names(await search({ sorts: sorted, filterGroups: [{ filters: [{ propertyName: 'firstname', operator: op('NEQ'), value: 'ada' }] }] }))).toEqual(['Alan', 'Edsger', 'Grace']);
    expect(names(await search({ sorts: sorted, filterGroups: [{ filters: [{ propertyName: 'city', operator: op('HAS_PROPERTY') }] }] }))).toEqual(['Ada', 'Edsger', 'Grace']);
    expect(names(await search({ sorts: sorted, filterGroups: [{ filters: [{ propertyName: 'city', operator: op('NOT_HAS_PROPERTY') }] }] }))).toEqual(['Alan']);
    expect(names(await search({ sorts: sorted, filterGroups: [{ filters: [{ propertyName: 'jobtitle', operator: op('CONTAINS_TOKEN'), value: 'analyst' }] }] }))).toEqual(['Ada']);
    expect(names(await search({ sorts: sorted, filterGroups: [{ filters: [{ propertyName: 'email', operator: op('NOT_CONTAINS_TOKEN'), value: '*@acme.test' }] }] }))).toEqual(['Edsger', 'Grace']);
  });

  it('compares dates given as epoch ms or ISO, with LT/LTE/GT/GTE/BETWEEN', async () => {
    const grace = await client.crm.contacts.basicApi.getById(ids.Grace!, ['lastmodifieddate']);
    const ms = Date.parse(grace.properties.lastmodifieddate!);
    const gte = await search({ filterGroups: [{ filters: [{ propertyName: 'lastmodifieddate', operator: op('GTE'), value: String(ms) }] }], sorts: [{ propertyName: 'lastmodifieddate', direction: 'ASCENDING' }] });
    expect(names(gte)).toEqual(['Grace', 'Alan', 'Edsger']);
    const gt = await search({ filterGroups: [{ filters: [{ propertyName: 'lastmodifieddate', operator: op('GT'), value: new Date(ms).toISOString() }] }] });
    expect(gt.total).toBe(2);
    const lt = await search({ filterGroups: [{ filters: [{ propertyName: 'lastmodifieddate', operator: op('LT'), value: String(ms) }] }] });
    expect(names(lt)).toEqual(['Ada']);
    const lte = await search({ filterGroups: [{ filters: [{ propertyName: 'createdate', operator: op('LTE'), value: String(ms) }] }] });
    expect(lte.total).toBe(2);
    const between = await search({ filterGroups: [{ filters: [{ propertyName: 'hs_object_id', operator: op('BETWEEN'), value: ids.Grace!, highValue: ids.Alan! }] }] });
    expect(names(between)).toEqual(['Grace', 'Alan']);
  });

  it('sorts with string sorts ("-prop") and pages with after offsets and total', async () => {
    const page1 = await search({ sorts: ['-firstname'], limit: 3 });
    expect(page1.total).toBe(4);
    expect(names(page1)).toEqual(['Grace', 'Edsger', 'Alan']);
    expect(page1.paging!.next!.after).toBe('3');
    const page2 = await search({ sorts: ['-firstname'], limit: 3, after: page1.paging!.next!.after });
    expect(names(page2)).toEqual(['Ada']);
    expect(page2.paging).toBeUndefined();
    const q = await search({ query: 'lov' });
    expect(names(q)).toEqual(['Ada']);
  });

  it('never returns archived records', async () => {
    await client.crm.contacts.basicApi.archive(ids.Alan!);
    const res = await search({ filterGroups: [{ filters: [{ propertyName: 'email', operator: op('EQ'), value: 'alan@acme.test' }] }] });
    expect(res.total).toBe(0);
  });

  it('rejects limit > 200, after + limit > 10,000 and unknown properties with 400', async () => {
    expect((await apiError(search({ limit: 201 }))).code).toBe(400);
    const cap = await apiError(search({ limit: 100, after: '9901' }));
    expect(cap.code).toBe(400);
    expect(cap.body.category).toBe('VALIDATION_ERROR');
    expect(await search({ limit: 100, after: '9900' })).toMatchObject({ total: 3, results: [] });
    const unknown = await apiError(search({ filterGroups: [{ filters: [{ propertyName: 'nope', operator: op('EQ'), value: 'x' }] }] }));
    expect(unknown.code).toBe(400);
  });
});
