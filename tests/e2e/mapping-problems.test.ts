/**
 * An integration that silently loses a source is found: a HubSpot custom property the mapping reads is deleted in
 * HubSpot; at the next metadata refresh the golden field keeps answering (null from that source) and the admin API's
 * `mappingProblems` names the native field and the golden field that read it, /metrics counts it, and the gateway
 * logs it. A mapping saved with a mistyped native field while its CRM could not be read shows up the same way, and reading that CRM object still works. Real app on the embedded demo.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp } from '../support/test-app.ts';
import type { TestApp } from '../support/test-app.ts';

type Doc = { types: Record<string, { fields: Record<string, unknown> }> };
interface Problem { goldenType: string; crm: string; objectType: string; field: string; reason: string; goldenFields: string[] }
const PROBLEMS = '{ mappingProblems { goldenType crm objectType field reason goldenFields } }';
const SAVE = 'mutation($d: String!) { saveMappingConfiguration(document: $d) { version } }';

describe('mapped native fields a CRM no longer serves', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  }, 240_000);
  afterAll(async () => t?.close());

  const problems = async () => {
    const res = await t.gql<{ mappingProblems: Problem[] }>(PROBLEMS);
    expect(res.errors).toBeUndefined();
    return res.data!.mappingProblems;
  };
  const hubspot = () => t.app.subgraphs.natives.find((n) => n.crm === 'hubspot')!;
  const save = async (change: (doc: Doc) => void) => {
    const current = await t.gql<{ mappingConfiguration: { document: string } }>('{ mappingConfiguration { document } }');
    const doc = JSON.parse(current.data!.mappingConfiguration.document) as Doc;
    change(doc);
    const res = await t.gql(SAVE, { d: JSON.stringify(doc) });
    expect(res.errors).toBeUndefined();
  };
  const metric = async () => /^customer_graph_mapping_unserved_fields\{crm="hubspot"\} (\d+)$/m.exec(await (await fetch(`${t.app.server.url}/metrics`)).text())?.[1];

  it('names a deleted custom property and the golden field that read it, while the field keeps answering', async () => {
    const property = { name: 'loyalty_tier', label: 'Loyalty tier', type: 'string', fieldType: 'text', groupName: 'contactinformation' };
    const created = await fetch(`${t.hubspotUrl}/crm/v3/properties/contacts`, {
      method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer sandbox-token' }, body: JSON.stringify(property),
    });
    expect(created.status).toBeLessThan(300);
    expect(await hubspot().refresh()).toBe(true);
    await save((doc) => {
      doc.types.Customer!.fields.loyaltyTier = { type: 'String', mappings: [{ crm: 'hubspot', objectType: 'contacts', from: ['loyalty_tier'] }] };
    });
    expect(await problems()).toEqual([]);
    expect(await metric()).toBeUndefined();

    const archived = await fetch(`${t.hubspotUrl}/crm/v3/properties/contacts/loyalty_tier`, { method: 'DELETE', headers: { authorization: 'Bearer sandbox-token' } });
    expect(archived.status).toBeLessThan(300);
    expect(await hubspot().refresh()).toBe(true);
    expect(await problems()).toEqual([
      { goldenType: 'Customer', crm: 'hubspot', objectType: 'contacts', field: 'loyalty_tier', reason: expect.any(String), goldenFields: ['loyaltyTier'] },
    ]);
    expect(await metric()).toBe('1');
    const golden = await t.gql<{ customers: { edges: { node: { email: string | null; loyaltyTier: string | null } }[] } }>('{ customers(first: 3) { edges { node { email loyaltyTier } } } }');
    expect(golden.errors).toBeUndefined();
    expect(golden.data!.customers.edges.every((e) => e.node.loyaltyTier === null)).toBe(true);
  });

  it('shows a mistyped native field in a mapping saved while Salesforce could not be read', async () => {
    // A save checks the fields it names against the CRM's metadata (tests/e2e/mapping-save-checks.test.ts), except
    // when the CRM cannot be read then: that is how a mistyped field still gets stored.
    await fetch(`${t.salesforceUrl}/_sandbox/faults`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify([{ kind: 'reset', rate: 1 }]) });
    try {
      await save((doc) => {
        doc.types.Customer!.fields.assistant = { type: 'String', mappings: [{ crm: 'salesforce', objectType: 'Contact', from: ['AsistantName'] }] };
      });
    } finally {
      await fetch(`${t.salesforceUrl}/_sandbox/faults`, { method: 'DELETE' });
    }
    expect(await problems()).toContainEqual({ goldenType: 'Customer', crm: 'salesforce', objectType: 'Contact', field: 'AsistantName', reason: expect.any(String), goldenFields: ['assistant'] });
    // Reading Salesforce Contacts still works: the field Salesforce does not have is left out of the query (it would
    // fail the whole SOQL query, and with it every poll and backfill of Contact).
    const report = await t.app.link();
    expect(report.failed).toEqual([]);
    expect(report.recordsRead).toBeGreaterThan(0);
  });
});
