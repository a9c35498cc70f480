import { describe, expect, it } from 'vitest';
import { DEFAULT_MAPPING_CONFIG } from '../../../resolver-engine/index.ts';
import { createGoldenSubgraph } from '../../../subgraphs/golden/index.ts';
import { renderIdentitySdl } from '../../../subgraphs/identity/identity-sdl.ts';
import { compose, fetches, plan } from './support/query-plan.ts';
import { SALESFORCE_STUB_SDL, hubspotStubSdl } from './support/native-stub-sdl.ts';

const PAGE_QUERY = '{ customers(first: 100) { edges { node { email phone title provenance { field rule source { crm } } } } } }';

function supergraph(withMarketing = true) {
  const natives = [SALESFORCE_STUB_SDL, hubspotStubSdl(withMarketing)];
  const golden = createGoldenSubgraph({ getConfig: () => DEFAULT_MAPPING_CONFIG, nativeTypeDefs: () => natives });
  const composed = compose([
    { name: 'identity', typeDefs: renderIdentitySdl(DEFAULT_MAPPING_CONFIG) },
    { name: 'salesforce', typeDefs: natives[0]! },
    { name: 'hubspot', typeDefs: natives[1]! },
    { name: 'golden', typeDefs: golden.typeDefs() },
  ]);
  return { golden, composed };
}

describe('golden SDL from the default mapping configuration', () => {
  it('composes with identity and the native subgraphs', () => {
    const { golden, composed } = supergraph();
    expect(composed.errors).toEqual([]);
    expect(golden.problems()).toEqual([]);
    const sdl = golden.typeDefs();
    expect(sdl).toContain('type Customer @key(fields: "id")');
    expect(sdl).toContain('salesforceContacts: [SalesforceContact!]! @external');
    expect(sdl).toContain('hubspotContacts: [HubSpotContact!]! @external');
    expect(sdl).toContain('type SalesforceAccount @key(fields: "Id", resolvable: false)');
    // Account.Name is read through the Contact's relationship: a nested selection in @requires.
    expect(sdl).toMatch(/salesforceContacts \{ [^}]*Account \{ Name \}/);
    expect(sdl).toContain('HasOptedOutOfEmail: Boolean @external');
    expect(sdl).toContain('NumberOfEmployees: Int @external');
    expect(sdl).toContain('numberofemployees: Float @external');
  });

  it('gives every golden field of a type the same @requires selection, modification times and key included', () => {
    const { golden } = supergraph();
    const customer = /type Customer @key[^]*?\n\}/.exec(golden.typeDefs())![0];
    const requires = [...customer.matchAll(/@requires\(fields: ("(?:[^"\\]|\\.)*")\)/g)].map((m) => JSON.parse(m[1]!) as string);
    const fieldCount = Object.keys(DEFAULT_MAPPING_CONFIG.types.Customer!.fields).length + Object.keys(DEFAULT_MAPPING_CONFIG.types.Customer!.relations).length;
    expect(requires).toHaveLength(fieldCount + 2); // every golden field and relation, provenance, conflicts
    expect(new Set(requires).size).toBe(1);
    expect(requires[0]).toContain('sources { crm objectType recordId }');
    const salesforce = requires[0]!.slice(requires[0]!.indexOf('salesforceContacts'), requires[0]!.indexOf('hubspotContacts'));
    expect(salesforce).toMatch(/ Id .*SystemModstamp/);
    expect(salesforce).toMatch(/\bAccountId\b/); // the company relation's reference
    expect(requires[0]).toMatch(/hubspotContacts \{ [^}]*\bid\b[^}]*lastmodifieddate/);
  });

  it('plans customers(first: 100) with one fetch per CRM and exactly one golden fetch', () => {
    const { composed } = supergraph();
    const services = fetches(plan(composed.supergraphSdl!, PAGE_QUERY));
    expect(services.filter((s) => s === 'golden')).toHaveLength(1);
    expect(services.sort()).toEqual(['golden', 'hubspot', 'identity', 'salesforce']);
  });

  it('plans one golden fetch for companies and deals too', () => {
    const { composed } = supergraph();
    const companies = fetches(plan(composed.supergraphSdl!, '{ companies(first: 50) { edges { node { name domain employees conflicts { field } } } } }'));
    expect(companies.sort()).toEqual(['golden', 'hubspot', 'identity', 'salesforce']);
    const deals = fetches(plan(composed.supergraphSdl!, '{ deals { edges { node { name amount stage closeDate companyName provenance(fields: ["stage"]) { rule } } } } }'));
    expect(deals.filter((s) => s === 'golden')).toHaveLength(1);
  });

  it('leaves out native fields no CRM subgraph serves, reports them, and still composes', () => {
    const { golden, composed } = supergraph(false);
    expect(composed.errors).toEqual([]);
    expect(golden.problems().map((p) => `${p.crm}/${p.objectType}.${p.field}`).sort()).toEqual(['hubspot/contacts.hs_analytics_source', 'hubspot/contacts.hs_email_optout']);
    expect(golden.typeDefs()).not.toContain('hs_email_optout: Boolean @external');
  });

  it('without native SDL, guesses external types from converters (and still composes when they agree)', () => {
    const golden = createGoldenSubgraph({ getConfig: () => DEFAULT_MAPPING_CONFIG });
    expect(golden.typeDefs()).toContain('HasOptedOutOfEmail: Boolean @external');
    expect(golden.typeDefs()).toContain('hs_email_optout: Boolean @external');
  });

  it('rejects a golden field named like a field the graph owns', () => {
    const config = structuredClone(DEFAULT_MAPPING_CONFIG);
    config.types.Customer!.fields.sources = config.types.Customer!.fields.email!;
    expect(() => createGoldenSubgraph({ getConfig: () => config })).toThrow(/Customer\.sources clashes/);
  });
});
