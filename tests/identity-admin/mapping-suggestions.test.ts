/**
 * `mappingSuggestions` on the real app (embedded demo: the HubSpot and Salesforce sandboxes' live metadata, the
 * stored mapping), over HTTP with CUSTOMER_GRAPH_API_TOKENS set. With the HubSpot mapping of Customer.title removed,
 * the suggestions propose HubSpot's jobtitle for it (a synonym), never a native field another golden field already
 * reads; accepting the proposal — adding its mapping entry and saving a version — makes the golden title read HubSpot
 * again. A custom property created in HubSpot shows up as unused. Bad input: BAD_USER_INPUT naming the argument.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearerGraphql } from '../support/bearer-graphql.ts';
import { startTestApp } from '../support/test-app.ts';
import type { TestApp } from '../support/test-app.ts';

const TOKEN = 'mapping-suggestions-token';
const SUGGEST = `query($type: String!, $crm: String!, $objectType: String) {
  mappingSuggestions(type: $type, crm: $crm, objectType: $objectType) {
    type crm objectType
    fields { field type mappedFrom candidates { nativeField score converter reasons mapping } proposed { nativeField nativeLabel nativeType score converter reasons mapping } }
    unusedNativeFields { name label type custom }
  }
}`;
const CURRENT = '{ mappingConfiguration { version document } }';
const SAVE = 'mutation($d: String!, $v: Int) { saveMappingConfiguration(document: $d, expectedVersion: $v, comment: "suggestion accepted") { version } }';

interface Candidate { nativeField: string; score: number; converter: string; reasons: string[]; mapping: string; nativeLabel?: string | null; nativeType?: string | null }
interface Suggestions {
  type: string; crm: string; objectType: string;
  fields: { field: string; type: string; mappedFrom: string[]; candidates: Candidate[]; proposed: Candidate | null }[];
  unusedNativeFields: { name: string; label: string; type: string; custom: boolean }[];
}
type Doc = { types: Record<string, { fields: Record<string, { mappings: { crm: string; objectType: string; from: string[] | string }[] }> }> };

describe('admin API: mappingSuggestions', () => {
  let t: TestApp;
  const gql = bearerGraphql(() => t.url, TOKEN);
  const suggest = async (type: string, crm: string, objectType?: string) => gql<{ mappingSuggestions: Suggestions }>(SUGGEST, { type, crm, ...(objectType ? { objectType } : {}) });
  const current = async () => {
    const res = await gql<{ mappingConfiguration: { version: number; document: string } }>(CURRENT);
    expect(res.errors).toBeUndefined();
    return { version: res.data!.mappingConfiguration.version, doc: JSON.parse(res.data!.mappingConfiguration.document) as Doc };
  };
  const save = async (doc: Doc, version: number) => {
    const res = await gql<{ saveMappingConfiguration: { version: number } }>(SAVE, { d: JSON.stringify(doc), v: version });
    expect(res.errors).toBeUndefined();
  };
  const titleSources = async () => {
    const res = await t.gql<{ customers: { edges: { node: { provenance: { candidates: { source: { crm: string } }[] }[] } }[] } }>(
      '{ customers(first: 50) { edges { node { provenance(fields: ["title"]) { candidates { source { crm } } } } } } }');
    expect(res.errors).toBeUndefined();
    return new Set(res.data!.customers.edges.flatMap((e) => e.node.provenance.flatMap((p) => p.candidates.map((c) => c.source.crm))));
  };

  beforeAll(async () => {
    process.env.CUSTOMER_GRAPH_API_TOKENS = TOKEN;
    t = await startTestApp();
  }, 240_000);
  afterAll(async () => {
    await t?.close();
    delete process.env.CUSTOMER_GRAPH_API_TOKENS;
  });

  it('shows what each golden field reads from the object now and proposes nothing where all is mapped', async () => {
    const res = await suggest('Customer', 'hubspot');
    expect(res.errors).toBeUndefined();
    const s = res.data!.mappingSuggestions;
    expect(s).toMatchObject({ type: 'Customer', crm: 'hubspot', objectType: 'contacts' });
    const byField = new Map(s.fields.map((f) => [f.field, f]));
    expect(byField.get('title')!.mappedFrom).toEqual(['jobtitle']);
    expect(byField.get('mailingPostalCode')!.mappedFrom).toEqual(['zip']);
    expect(byField.get('title')!.proposed).toBeNull();
    // The best candidate for a mapped field is the field it reads.
    expect(byField.get('mailingPostalCode')!.candidates[0]!.nativeField).toBe('zip');
    const mapped = new Set(s.fields.flatMap((f) => f.mappedFrom));
    for (const f of s.fields) if (f.proposed) expect(mapped.has(f.proposed.nativeField)).toBe(false);
    for (const u of s.unusedNativeFields) expect(mapped.has(u.name)).toBe(false);
  });

  it('proposes HubSpot jobtitle for an unmapped title, and accepting it makes the golden title read HubSpot again', async () => {
    const before = await current();
    const doc = structuredClone(before.doc);
    const title = doc.types.Customer!.fields.title!;
    title.mappings = title.mappings.filter((m) => m.crm !== 'hubspot');
    await save(doc, before.version);
    expect(await titleSources()).toEqual(new Set(['salesforce']));

    const res = await suggest('Customer', 'hubspot', 'contacts');
    expect(res.errors).toBeUndefined();
    const field = res.data!.mappingSuggestions.fields.find((f) => f.field === 'title')!;
    expect(field.mappedFrom).toEqual([]);
    expect(field.proposed).toMatchObject({ nativeField: 'jobtitle', converter: 'identity' });
    expect(field.proposed!.reasons.join(' ')).toMatch(/synonym/);
    const entry = JSON.parse(field.proposed!.mapping) as Record<string, unknown>;
    expect(entry).toEqual({ crm: 'hubspot', objectType: 'contacts', from: ['jobtitle'], converter: { name: 'identity', options: {} }, writable: true });

    const now = await current();
    now.doc.types.Customer!.fields.title!.mappings.push(entry as never);
    await save(now.doc, now.version);
    expect(await titleSources()).toEqual(new Set(['salesforce', 'hubspot']));
  });

  it('lists a custom property created in HubSpot as unused, typed as HubSpot says', async () => {
    const created = await fetch(`${t.hubspotUrl}/crm/v3/properties/contacts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer sandbox-token' },
      body: JSON.stringify({ name: 'loyalty_tier', label: 'Loyalty tier', type: 'string', fieldType: 'text', groupName: 'contactinformation' }),
    });
    expect(created.status).toBeLessThan(300);
    await expect.poll(async () => (await suggest('Customer', 'hubspot')).data?.mappingSuggestions.unusedNativeFields.find((u) => u.name === 'loyalty_tier'),
      { timeout: 10_000, interval: 500 }).toMatchObject({ label: 'Loyalty tier', type: expect.stringMatching(/^string/) });
  });

  it.each([
    ['an unknown type', ['Customr', 'hubspot'], 'type'],
    ['a CRM no object of the type comes from', ['Customer', 'inhouse'], 'crm'],
    ['an object that does not feed the type', ['Customer', 'salesforce', 'Lead'], 'objectType'],
  ])('answers BAD_USER_INPUT for %s, naming it', async (_what, [type, crm, objectType], field) => {
    const res = await suggest(type!, crm!, objectType);
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
  });

  it('needs the API token', async () => {
    const res = await gql(SUGGEST, { type: 'Customer', crm: 'hubspot' }, null);
    expect(res.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});
