import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphqlCjs } from '../golden/support/graphql-cjs.ts';
import { eq } from 'drizzle-orm';
import { createGoldenRecord, upsertLink, writeSnapshot } from '../../../db/link-store.ts';
import { newGoldenId } from '../../../db/golden-ids.ts';
import { goldenRecords } from '../../../db/schema.ts';
import { DEFAULT_MAPPING_CONFIG } from '../../../resolver-engine/index.ts';
import type { MappingConfig } from '../../../resolver-engine/index.ts';
import { createIdentitySubgraph } from '../../../subgraphs/identity/index.ts';
import type { IdentitySubgraph } from '../../../subgraphs/identity/index.ts';
import { openTestDatabase } from '../../support/test-database.ts';
import type { TestDatabase } from '../../support/test-database.ts';

let t: TestDatabase;
let identity: IdentitySubgraph;
let config: MappingConfig = DEFAULT_MAPPING_CONFIG;
const ids: Record<string, string> = {};

async function customer(name: string, snapshot: Record<string, unknown>, links: [crm: string, objectType: string, recordId: string][]) {
  const id = await createGoldenRecord(t.db, 'Customer');
  for (const [crm, objectType, recordId] of links) {
    await upsertLink(t.db, { goldenId: id, entityType: 'Customer', connectorId: crm, crm, objectType, recordId, matchKey: null });
  }
  await writeSnapshot(t.db, id, snapshot);
  ids[name] = id;
  return id;
}

async function run(source: string, variableValues?: Record<string, unknown>) {
  const result = await graphqlCjs.graphql({ schema: identity.schema(), source, variableValues });
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- test answers are asserted structurally
  return { data: result.data as Record<string, any> | null | undefined, errors: result.errors?.map((e) => ({ message: e.message, code: e.extensions.code })) };
}

beforeAll(async () => {
  t = await openTestDatabase();
  identity = createIdentitySubgraph({ db: t.db, getConfig: () => config });
  await customer('ada', { email: 'Ada@Example.com', phone: '+14155550100', firstName: 'Ada', lastName: 'Lovelace', companyName: 'Analytical Engines' },
    [['salesforce', 'Contact', '003A'], ['salesforce', 'Contact', '003B'], ['hubspot', 'contacts', '101']]);
  await customer('grace', { email: 'grace@navy.mil', firstName: 'Grace', lastName: 'Hopper', companyName: 'US Navy' }, [['hubspot', 'contacts', '102']]);
  await customer('alan', { email: 'alan@bletchley.uk', phone: '+442079460958', firstName: 'Alan', lastName: 'Turing', companyName: 'Bletchley 100%' }, [['salesforce', 'Contact', '003C']]);
  await customer('edsger', { email: null, firstName: 'Edsger', lastName: 'Dijkstra', companyName: null }, [['salesforce', 'Contact', '003D']]);
  await customer('barbara', { email: 'barbara@mit.edu', firstName: 'Barbara', lastName: 'Liskov', companyName: 'MIT' }, [['hubspot', 'contacts', '103']]);
  // grace was merged into ada (identity resolution), and an older record into grace: both resolve to ada.
  await t.db.update(goldenRecords).set({ status: 'merged', mergedInto: ids.ada }).where(eq(goldenRecords.id, ids.grace!));
  const older = await createGoldenRecord(t.db, 'Customer');
  await t.db.update(goldenRecords).set({ status: 'merged', mergedInto: ids.grace }).where(eq(goldenRecords.id, older));
  ids.older = older;
  const gone = await createGoldenRecord(t.db, 'Customer');
  await t.db.update(goldenRecords).set({ status: 'deleted' }).where(eq(goldenRecords.id, gone));
  ids.gone = gone;
});
afterAll(async () => t?.close());

describe('identity: customers', () => {
  it('renders a link field per configured native object, with key-only stubs', () => {
    const sdl = identity.typeDefs();
    expect(sdl).toContain('salesforceContacts: [SalesforceContact!]!');
    expect(sdl).toContain('hubspotContacts: [HubSpotContact!]!');
    expect(sdl).toContain('salesforceAccounts: [SalesforceAccount!]!');
    expect(sdl).toContain('hubspotDeals: [HubSpotDeal!]!');
    expect(sdl).toContain('type SalesforceContact @key(fields: "Id", resolvable: false)');
    expect(sdl).toContain('type HubSpotContact @key(fields: "id", resolvable: false)');
  });

  it('serves a customer with its sources and links (two Salesforce contacts in one list)', async () => {
    const r = await run(`query($id: ID!) { customer(id: $id) { id sources { crm objectType recordId } salesforceContacts { Id } hubspotContacts { id } } }`, { id: ids.ada });
    expect(r.errors).toBeUndefined();
    expect(r.data!.customer).toEqual({
      id: ids.ada,
      sources: [
        { crm: 'hubspot', objectType: 'contacts', recordId: '101' },
        { crm: 'salesforce', objectType: 'Contact', recordId: '003A' },
        { crm: 'salesforce', objectType: 'Contact', recordId: '003B' },
      ],
      salesforceContacts: [{ Id: '003A' }, { Id: '003B' }],
      hubspotContacts: [{ id: '101' }],
    });
  });

  it('resolves merged-away ids (through a chain) to the surviving customer', async () => {
    for (const id of [ids.grace, ids.older]) {
      const r = await run(`query($id: ID!) { customer(id: $id) { id } }`, { id });
      expect(r.data!.customer).toEqual({ id: ids.ada });
    }
    const entities = await run(`query($r: [_Any!]!) { _entities(representations: $r) { ... on Customer { id } } }`,
      { r: [{ __typename: 'Customer', id: ids.older }, { __typename: 'Customer', id: ids.alan }, { __typename: 'Customer', id: ids.gone }] });
    expect(entities.data!._entities).toEqual([{ id: ids.ada }, { id: ids.alan }, null]);
  });

  it('answers null without an error for unknown or deleted ids', async () => {
    for (const id of [newGoldenId('Customer'), ids.gone]) {
      const r = await run(`query($id: ID!) { customer(id: $id) { id } }`, { id });
      expect(r).toEqual({ data: { customer: null }, errors: undefined });
    }
  });

  it('pages active customers in a stable order with totalCount and pageInfo', async () => {
    const q = `query($after: String) { customers(first: 2, after: $after) { totalCount edges { cursor node { id } } pageInfo { hasNextPage endCursor } } }`;
    const seen: string[] = [];
    let after: string | null = null;
    let pages = 0;
    do {
      const r = await run(q, { after });
      expect(r.errors).toBeUndefined();
      const c = r.data!.customers;
      expect(c.totalCount).toBe(4);
      seen.push(...c.edges.map((e: { node: { id: string } }) => e.node.id));
      after = c.pageInfo.hasNextPage ? c.pageInfo.endCursor : null;
      pages++;
    } while (after);
    expect(pages).toBe(2);
    expect(seen).toEqual([ids.ada, ids.alan, ids.edsger, ids.barbara]);
  });

  it('filters by email (exact, case-insensitive), name, company, crm, and their combination', async () => {
    const q = `query($f: CustomerFilter) { customers(first: 50, filter: $f) { totalCount edges { node { id } } } }`;
    const idsOf = async (f: Record<string, string>) => (await run(q, { f })).data!.customers.edges.map((e: { node: { id: string } }) => e.node.id);
    expect(await idsOf({ email: ' ADA@example.COM ' })).toEqual([ids.ada]);
    expect(await idsOf({ name: 'lovel' })).toEqual([ids.ada]);
    expect(await idsOf({ name: 'Alan Turing' })).toEqual([ids.alan]);
    expect(await idsOf({ company: '100%' })).toEqual([ids.alan]); // LIKE wildcards are taken literally
    expect(await idsOf({ company: 'engines' })).toEqual([ids.ada]);
    expect(await idsOf({ crm: 'hubspot' })).toEqual([ids.ada, ids.barbara]);
    expect(await idsOf({ crm: 'salesforce', name: 'a' })).toEqual([ids.ada, ids.alan, ids.edsger]);
    expect(await idsOf({ crm: 'hubspot', company: 'MIT' })).toEqual([ids.barbara]);
    expect((await run(q, { f: { email: 'nobody@example.com' } })).data!.customers.totalCount).toBe(0);
  });

  it('filters by phone in any common form, national numbers read in the configuration\'s default region', async () => {
    const q = `query($f: CustomerFilter) { customers(first: 50, filter: $f) { totalCount edges { node { id } } } }`;
    const idsOf = async (f: Record<string, string>) => (await run(q, { f })).data!.customers.edges.map((e: { node: { id: string } }) => e.node.id);
    for (const typed of ['(415) 555-0100', '+1 415-555-0100', '415.555.0100', '1-415-555-0100']) expect(await idsOf({ phone: typed }), typed).toEqual([ids.ada]);
    expect(await idsOf({ phone: '+44 20 7946 0958' })).toEqual([ids.alan]);
    expect(await idsOf({ phone: '+44 (0)20 7946 0958', crm: 'salesforce' })).toEqual([ids.alan]);
    expect(await idsOf({ phone: '+1 212 555 0199' })).toEqual([]);
    // '020 7946 0958' is a London number only where national numbers are British.
    const bad = await run(q, { f: { phone: '020 7946 0958' } });
    expect(bad.errors?.[0]).toMatchObject({ code: 'BAD_USER_INPUT', message: expect.stringMatching(/filter.phone: '020 7946 0958' is not a phone number such as \+1 415 555 0100/) });
    const british = structuredClone(DEFAULT_MAPPING_CONFIG);
    british.defaultRegion = 'GB';
    config = british;
    identity.rebuild();
    try {
      expect(await idsOf({ phone: '020 7946 0958' })).toEqual([ids.alan]);
    } finally {
      config = DEFAULT_MAPPING_CONFIG;
      identity.rebuild();
    }
  });

  it('rejects malformed ids, cursors, page sizes and filters with BAD_USER_INPUT saying what is wrong', async () => {
    const cases: [string, Record<string, unknown>, RegExp][] = [
      ['query($id: ID!) { customer(id: $id) { id } }', { id: 'abc' }, /'abc' is not a Customer id \(expected cus_/],
      ['query($id: ID!) { customer(id: $id) { id } }', { id: newGoldenId('Company') }, /is a Company id, not a Customer id/],
      ['{ customers(first: -1) { totalCount } }', {}, /first must be between 0 and 500, got -1/],
      ['{ customers(first: 501) { totalCount } }', {}, /first must be between 0 and 500, got 501/],
      ['{ customers(after: "garbage!") { totalCount } }', {}, /after: 'garbage!' is not a cursor of this Customer list/],
      ['{ customers(filter: { crm: "freshsales" }) { totalCount } }', {}, /filter.crm: unknown CRM 'freshsales'; configured: dynamics, hubspot, pipedrive, salesforce, zoho/],
      ['{ customers(filter: { email: "not-an-email" }) { totalCount } }', {}, /filter.email: 'not-an-email' is not an email address/],
      ['{ customers(filter: { name: "  " }) { totalCount } }', {}, /filter.name must not be empty/],
    ];
    for (const [q, vars, message] of cases) {
      const r = await run(q, vars);
      expect(r.errors, q).toHaveLength(1);
      expect(r.errors![0]!.code).toBe('BAD_USER_INPUT');
      expect(r.errors![0]!.message).toMatch(message);
    }
    // A cursor from the companies list is not a customers cursor.
    const company = await createGoldenRecord(t.db, 'Company');
    const companies = await run('{ companies(first: 1) { edges { cursor node { id } } } }');
    expect(companies.data!.companies.edges[0].node.id).toBe(company);
    const wrong = await run('query($a: String) { customers(after: $a) { totalCount } }', { a: companies.data!.companies.edges[0].cursor });
    expect(wrong.errors![0]).toMatchObject({ code: 'BAD_USER_INPUT' });
  });

  it('serves companies and deals the same way', async () => {
    const deal = await createGoldenRecord(t.db, 'Deal');
    await upsertLink(t.db, { goldenId: deal, entityType: 'Deal', connectorId: 'salesforce', crm: 'salesforce', objectType: 'Opportunity', recordId: '006A', matchKey: null });
    await writeSnapshot(t.db, deal, { name: 'Engines renewal', companyName: 'Analytical Engines' });
    const r = await run(`{ deals(filter: { company: "analytical" }) { totalCount edges { node { id salesforceOpportunities { Id } hubspotDeals { id } } } } }`);
    expect(r.data!.deals).toEqual({ totalCount: 1, edges: [{ node: { id: deal, salesforceOpportunities: [{ Id: '006A' }], hubspotDeals: [] } }] });
    expect((await run(`query($id: ID!) { deal(id: $id) { id } }`, { id: deal })).data!.deal).toEqual({ id: deal });
    expect((await run('{ companies(filter: { domain: "not a domain" }) { totalCount } }')).errors![0]!.message).toMatch(/filter.domain: 'not a domain' is not a domain/);
  });

  it('rebuilds its SDL when the configuration changes', () => {
    const previous = config;
    config = structuredClone(DEFAULT_MAPPING_CONFIG);
    config.types.Customer!.objects = config.types.Customer!.objects.filter((o) => o.crm === 'salesforce');
    identity.rebuild();
    expect(identity.typeDefs()).not.toContain('hubspotContacts');
    config = previous;
    identity.rebuild();
    expect(identity.typeDefs()).toContain('hubspotContacts');
  });
});
