/**
 * Golden relations end to end: Customer.company and Deal.company / Deal.contact through the real gateway, from the
 * references the CRMs hold (Salesforce Contact.AccountId and Opportunity.AccountId / ContactId, HubSpot
 * contacts.associatedcompanyid), turned into golden ids through identity's links on the test database.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_MAPPING_CONFIG, parseMappingConfig } from '../../../resolver-engine/index.ts';
import type { SourceRef } from '../../../resolver-engine/index.ts';
import type { WriteResult } from '../../../connectors/contract/index.ts';
import { pollOnce } from '../../../sync/poller.ts';
import { startWorld } from './support/world.ts';
import type { World } from './support/world.ts';

let world: World;
const lookups: (readonly SourceRef[])[] = [];
const ids = { engines: '', babbage: '', hsEngines: '', hsOther: '', ada: '', adaHs: '', deal: '', late: '' };

function created(results: WriteResult[]): [string, ...string[]] {
  return results.map((r) => {
    if (!r.ok) throw new Error(`write refused: ${r.error.message}`);
    return r.id;
  }) as [string, ...string[]];
}

interface Prov { field: string; value: string | null; rule: string; source: { crm: string } | null; candidates: { value: string | null; source: { crm: string }; issues: string[] }[] }
interface Customer { id: string; email: string; company: { id: string; name: string | null; domain: string | null } | null; provenance: Prov[]; conflicts: { field: string }[] }
const CUSTOMER = 'id email company { id name domain } provenance(fields: ["company"]) { field value rule source { crm } candidates { value source { crm } issues } } conflicts { field }';

async function customer(email: string): Promise<Customer> {
  const r = await world.query<{ customers: { edges: { node: Customer }[] } }>(`{ customers(first: 5, filter: { email: "${email}" }) { edges { node { ${CUSTOMER} } } } }`);
  expect(r.errors).toBeUndefined();
  expect(r.data.customers.edges).toHaveLength(1);
  return r.data.customers.edges[0]!.node;
}

async function companyId(domain: string): Promise<string> {
  const r = await world.query<{ companies: { edges: { node: { id: string } }[] } }>(`{ companies(first: 5, filter: { domain: "${domain}" }) { edges { node { id } } } }`);
  expect(r.data.companies.edges).toHaveLength(1);
  return r.data.companies.edges[0]!.node.id;
}

beforeAll(async () => {
  world = await startWorld(parseMappingConfig(DEFAULT_MAPPING_CONFIG), { onLookup: (records) => lookups.push(records) });
  const sf = world.connectors.get('salesforce')!;
  const hs = world.connectors.get('hubspot')!;
  [ids.engines, ids.babbage = ''] = created(await sf.createMany('Account', [
    { fields: { Name: 'Analytical Engines Ltd', Website: 'https://engines.test' } },
    { fields: { Name: 'Difference Engines plc', Website: 'https://difference.test' } },
  ]));
  // HubSpot knows the same company (same domain) under its own id, and one Salesforce does not know.
  [ids.hsEngines, ids.hsOther = ''] = created(await hs.createMany('companies', [
    { fields: { name: 'Analytical Engines', domain: 'engines.test' } },
    { fields: { name: 'Jacquard Looms', domain: 'looms.test' } },
  ]));
  [ids.ada] = created(await sf.createMany('Contact', [{ fields: { FirstName: 'Ada', LastName: 'Lovelace', Email: 'ada@engines.test', AccountId: ids.engines } }]));
  [ids.adaHs] = created(await hs.createMany('contacts', [
    { fields: { email: 'ada@engines.test', firstname: 'Ada', lastname: 'Lovelace', associatedcompanyid: ids.hsEngines } },
    { fields: { email: 'joseph@looms.test', firstname: 'Joseph', lastname: 'Jacquard', associatedcompanyid: ids.hsOther } },
    { fields: { email: 'nobody@nowhere.test', lastname: 'Nobody' } },
  ]));
  [ids.deal] = created(await sf.createMany('Opportunity', [{ fields: { Name: 'Engine No. 1', StageName: 'Prospecting', CloseDate: '2027-01-31', Amount: 1000, AccountId: ids.engines, ContactId: ids.ada } }]));
  const report = await world.link();
  expect(report.failed).toEqual([]);
}, 120_000);
afterAll(async () => world?.close());

describe('golden relations through the gateway', () => {
  it('Customer.company is the golden company both CRMs point to, under their own ids, with no conflict', async () => {
    const ada = await customer('ada@engines.test');
    expect(ada.company).toEqual({ id: await companyId('engines.test'), name: expect.any(String), domain: 'engines.test' });
    const p = ada.provenance.find((x) => x.field === 'company')!;
    expect(p).toMatchObject({ value: ada.company!.id, rule: 'source-priority', source: { crm: 'salesforce' } });
    expect(p.candidates.map((c) => [c.source.crm, c.value]).sort()).toEqual([['hubspot', ada.company!.id], ['salesforce', ada.company!.id]]);
    expect(ada.conflicts.map((c) => c.field)).not.toContain('company');
    // A HubSpot-only person gets HubSpot's company; a person with no reference has none.
    expect((await customer('joseph@looms.test')).company).toMatchObject({ id: await companyId('looms.test'), domain: 'looms.test' });
    expect((await customer('nobody@nowhere.test')).company).toBeNull();
  });

  it('follows a contact moved to another account at the next query, and shows the disagreement as a conflict', async () => {
    const sf = world.connectors.get('salesforce')!;
    created(await sf.updateMany('Contact', [{ id: ids.ada, fields: { AccountId: ids.babbage } }]));
    const ada = await customer('ada@engines.test');
    expect(ada.company).toMatchObject({ id: await companyId('difference.test'), domain: 'difference.test' });
    // HubSpot still says Analytical Engines: Salesforce wins by the relation's source priority, and the conflict shows.
    expect(ada.conflicts.map((c) => c.field)).toContain('company');
    const p = ada.provenance.find((x) => x.field === 'company')!;
    expect(p.candidates.find((c) => c.source.crm === 'hubspot')!.value).toBe(await companyId('engines.test'));
    created(await sf.updateMany('Contact', [{ id: ids.ada, fields: { AccountId: ids.engines } }]));
  });

  it('a reference to a record not linked yet offers nothing, flagged TARGET_NOT_LINKED, and the other CRM decides', async () => {
    const sf = world.connectors.get('salesforce')!;
    [ids.late] = created(await sf.createMany('Account', [{ fields: { Name: 'Not Synced Yet Inc', Website: 'https://late.test' } }]));
    created(await sf.updateMany('Contact', [{ id: ids.ada, fields: { AccountId: ids.late } }]));
    const ada = await customer('ada@engines.test');
    expect(ada.company).toMatchObject({ id: await companyId('engines.test') }); // HubSpot's association
    const sfCandidate = ada.provenance.find((x) => x.field === 'company')!.candidates.find((c) => c.source.crm === 'salesforce')!;
    expect(sfCandidate.value).toBeNull();
    expect(sfCandidate.issues.join(' ')).toMatch(new RegExp(`TARGET_NOT_LINKED.*${ids.late}`));
    created(await sf.updateMany('Contact', [{ id: ids.ada, fields: { AccountId: ids.engines } }]));
  });

  it('Deal.company and Deal.contact reach the golden company and customer, and nest further', async () => {
    const r = await world.query<{ deals: { edges: { node: { name: string; company: { domain: string } | null; contact: { email: string; company: { domain: string } | null } | null } }[] } }>(
      '{ deals(first: 5, filter: { name: "Engine No. 1" }) { edges { node { name company { domain } contact { email company { domain } } } } } }');
    expect(r.errors).toBeUndefined();
    expect(r.data.deals.edges.map((e) => e.node)).toEqual([{ name: 'Engine No. 1', company: { domain: 'engines.test' }, contact: { email: 'ada@engines.test', company: { domain: 'engines.test' } } }]);
  });

  it('filters customers and deals by their golden company and contact, as sync decided them', async () => {
    const engines = await companyId('engines.test');
    const ada = await customer('ada@engines.test');
    const people = await world.query<{ customers: { edges: { node: { email: string } }[] } }>(`{ customers(first: 10, filter: { companyId: "${engines}" }) { edges { node { email } } } }`);
    expect(people.errors).toBeUndefined();
    expect(people.data.customers.edges.map((e) => e.node.email)).toEqual(['ada@engines.test']);
    const deals = (filter: string) => world.query<{ deals: { edges: { node: { name: string } }[] } }>(`{ deals(first: 5, filter: { ${filter} }) { edges { node { name } } } }`);
    expect((await deals(`companyId: "${engines}", contactId: "${ada.id}"`)).data.deals.edges.map((e) => e.node.name)).toEqual(['Engine No. 1']);
    expect((await deals(`companyId: "${await companyId('looms.test')}"`)).data.deals.edges).toEqual([]);
    // A customer id where a company id belongs is refused, naming the argument.
    const wrong = await world.query(`{ customers(first: 1, filter: { companyId: "${ada.id}" }) { edges { node { id } } } }`);
    expect(wrong.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argumentName: 'filter' });
    expect(wrong.errors?.[0]?.message).toContain('filter.companyId');
  });

  it('a page of customers looks its references up in one batch, and not at all when no relation is asked for', async () => {
    lookups.length = 0;
    const r = await world.query<{ customers: { edges: { node: { company: { id: string } | null } }[] } }>('{ customers(first: 20) { edges { node { email company { id } } } } }');
    expect(r.errors).toBeUndefined();
    expect(r.data.customers.edges.length).toBeGreaterThanOrEqual(3);
    expect(r.data.customers.edges.filter((e) => e.node.company).length).toBeGreaterThanOrEqual(2);
    expect(lookups).toHaveLength(1);
    lookups.length = 0;
    expect((await world.query('{ customers(first: 20) { edges { node { email phone } } } }')).errors).toBeUndefined();
    expect(lookups).toHaveLength(0);
  });

  it('provenance(fields:) names relations among the known fields, and refuses unknown ones with BAD_USER_INPUT', async () => {
    const r = await world.query('{ customers(first: 1) { edges { node { provenance(fields: ["employer"]) { field } } } } }');
    expect(r.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(r.errors?.[0]?.message).toMatch(/'employer' is not a Customer field; known: .*\bcompany\b/);
  });
});

describe('inverse lists: Company.customers, Company.deals, Customer.deals', () => {
  interface Page { totalCount: number; edges: { cursor: string; node: { email?: string; name?: string } }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } }
  const customersOf = async (domain: string, args = 'first: 10'): Promise<Page> => {
    const r = await world.query<{ companies: { edges: { node: { customers: Page } }[] } }>(
      `{ companies(first: 1, filter: { domain: "${domain}" }) { edges { node { customers(${args}) { totalCount edges { cursor node { email } } pageInfo { hasNextPage endCursor } } } } } }`);
    expect(r.errors).toBeUndefined();
    return r.data.companies.edges[0]!.node.customers;
  };
  const emails = (p: Page) => p.edges.map((e) => e.node.email).sort();

  it('lists the people the CRMs place at a company, and the deals of a company and of a person', async () => {
    expect(emails(await customersOf('engines.test'))).toEqual(['ada@engines.test']);
    expect(emails(await customersOf('looms.test'))).toEqual(['joseph@looms.test']);
    expect(await customersOf('difference.test')).toMatchObject({ totalCount: 0, edges: [] });
    const r = await world.query<{ companies: { edges: { node: { deals: Page } }[] }; customers: { edges: { node: { deals: Page } }[] } }>(
      '{ companies(first: 1, filter: { domain: "engines.test" }) { edges { node { deals { totalCount edges { node { name } } } } } } customers(first: 1, filter: { email: "ada@engines.test" }) { edges { node { deals { totalCount edges { node { name } } } } } } }');
    expect(r.errors).toBeUndefined();
    expect(r.data.companies.edges[0]!.node.deals.edges.map((e) => e.node.name)).toEqual(['Engine No. 1']);
    expect(r.data.customers.edges[0]!.node.deals).toMatchObject({ totalCount: 1, edges: [{ node: { name: 'Engine No. 1' } }] });
  });

  it('pages with first and after, and refuses a foreign cursor with BAD_USER_INPUT', async () => {
    const sf = world.connectors.get('salesforce')!;
    created(await sf.createMany('Contact', [1, 2, 3].map((i) => ({ fields: { LastName: `Engineer${i}`, Email: `engineer${i}@engines.test`, AccountId: ids.engines } }))));
    await world.link();
    const first = await customersOf('engines.test', 'first: 2');
    expect(first.totalCount).toBe(4);
    expect(first.pageInfo.hasNextPage).toBe(true);
    const rest = await customersOf('engines.test', `first: 10, after: "${first.pageInfo.endCursor}"`);
    expect(rest.pageInfo.hasNextPage).toBe(false);
    expect([...emails(first), ...emails(rest)].sort()).toEqual(['ada@engines.test', 'engineer1@engines.test', 'engineer2@engines.test', 'engineer3@engines.test']);
    const companyCursor = (await world.query<{ companies: { pageInfo: { endCursor: string } } }>('{ companies(first: 1) { pageInfo { endCursor } } }')).data.companies.pageInfo.endCursor;
    const bad = await world.query(`{ companies(first: 1, filter: { domain: "engines.test" }) { edges { node { customers(after: "${companyCursor}") { totalCount } } } } }`);
    expect(bad.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('follows a contact moved to another account once sync has read it again, while HubSpot still places her at the first', async () => {
    const sf = world.connectors.get('salesforce')!;
    created(await sf.updateMany('Contact', [{ id: ids.ada, fields: { AccountId: ids.babbage } }]));
    expect(emails(await customersOf('difference.test'))).toEqual([]); // references are stored by sync, not read live
    await world.link();
    expect(emails(await customersOf('difference.test'))).toEqual(['ada@engines.test']);
    // HubSpot's association still names Analytical Engines: she stays listed there too.
    expect(emails(await customersOf('engines.test'))).toContain('ada@engines.test');
    created(await hsUpdate('contacts', ids.adaHs, { associatedcompanyid: ids.hsOther }));
    await world.link();
    expect(emails(await customersOf('engines.test'))).not.toContain('ada@engines.test');
    expect(emails(await customersOf('looms.test'))).toEqual(['ada@engines.test', 'joseph@looms.test']);
  });
});

describe('inverse lists through change capture', () => {
  it('a poll that reads a contact with a new association stores its references: the lists follow', async () => {
    created(await hsUpdate('contacts', ids.adaHs, { associatedcompanyid: ids.hsEngines }));
    const report = await pollOnce({ db: world.db.db, config: world.config(), connectors: world.connectors }, { pageSize: 50 });
    expect(report.failed).toEqual([]);
    const r = await world.query<{ companies: { edges: { node: { domain: string; customers: { edges: { node: { email: string } }[] } } }[] } }>(
      '{ companies(first: 10) { edges { node { domain customers { edges { node { email } } } } } } }');
    const holding = r.data.companies.edges.filter((e) => e.node.customers.edges.some((c) => c.node.email === 'ada@engines.test')).map((e) => e.node.domain).sort();
    // Salesforce still says Difference Engines, HubSpot now Analytical Engines again, and no longer Jacquard Looms.
    expect(holding).toEqual(['difference.test', 'engines.test']);
  });
});

async function hsUpdate(objectType: string, id: string, fields: Record<string, unknown>): Promise<WriteResult[]> {
  return world.connectors.get('hubspot')!.updateMany(objectType, [{ id, fields }]);
}
