/**
 * What a mapping save checks before it stores a version, on the real app (embedded demo: Salesforce and HubSpot
 * sandboxes, live metadata; PGlite, or Postgres with DATABASE_URL):
 * - a CRM field the CRM does not have (Salesforce Contact `Phonee`, a HubSpot property nobody created) is refused with
 *   MAPPING_INVALID naming the field, the CRM object and the nearest existing names; nothing is stored;
 * - a HubSpot property created after the last metadata refresh is accepted (the metadata is read again at save time);
 * - a CRM that cannot be read at save time, or whose connector is disabled, does not block the save: it is stored and
 *   `mappingProblems` reports the field;
 * - a save identical in effect to the version in force (even with keys in another order) stores no new version.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp } from '../support/test-app.ts';
import type { TestApp } from '../support/test-app.ts';

type Doc = { types: Record<string, { fields: Record<string, unknown> }> };
interface UnknownField { crm: string; objectType: string; field: string; goldenFields: string[]; didYouMean: string[] }
const SAVE = 'mutation($d: String!, $c: String) { saveMappingConfiguration(document: $d, comment: $c) { version comment } }';
const HUBSPOT_AUTH = { 'content-type': 'application/json', authorization: 'Bearer sandbox-token' };

describe('mapping saves check the CRM fields they name, and store nothing for no change', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  }, 240_000);
  afterAll(async () => t?.close());

  const stored = async () => {
    const res = await t.gql<{ mappingConfiguration: { version: number; document: string }; mappingVersions: { version: number }[] }>(
      '{ mappingConfiguration { version document } mappingVersions { version } }');
    expect(res.errors).toBeUndefined();
    return { version: res.data!.mappingConfiguration.version, text: res.data!.mappingConfiguration.document, versions: res.data!.mappingVersions.length };
  };
  const saveWith = async (change: (doc: Doc) => void, comment = 'test') => {
    const doc = JSON.parse((await stored()).text) as Doc;
    change(doc);
    return t.gql<{ saveMappingConfiguration: { version: number; comment: string | null } }>(SAVE, { d: JSON.stringify(doc), c: comment });
  };
  const problems = async () => {
    const res = await t.gql<{ mappingProblems: { crm: string; objectType: string; field: string; goldenFields: string[] }[] }>('{ mappingProblems { crm objectType field goldenFields } }');
    expect(res.errors).toBeUndefined();
    return res.data!.mappingProblems;
  };

  it('refuses Salesforce Contact Phonee with MAPPING_INVALID naming the field, the object and Phone; nothing is stored', async () => {
    const before = await stored();
    const res = await saveWith((doc) => {
      doc.types.Customer!.fields.workPhone = { type: 'String', mappings: [{ crm: 'salesforce', objectType: 'Contact', from: ['Phonee'] }] };
    });
    expect(res.data?.saveMappingConfiguration).toBeFalsy();
    const error = res.errors?.[0];
    expect(error?.extensions?.code).toBe('MAPPING_INVALID');
    expect(error?.message).toMatch(/Salesforce Contact has no field Phonee \(read by Customer\.workPhone\)\. Did you mean Phone\b/);
    const unknown = error?.extensions?.unknownFields as UnknownField[];
    expect(unknown).toEqual([expect.objectContaining({ crm: 'salesforce', objectType: 'Contact', field: 'Phonee', goldenFields: ['Customer.workPhone'] })]);
    expect(unknown[0]!.didYouMean[0]).toBe('Phone');
    expect(error?.extensions?.problems).toEqual([{ path: 'types.Customer.fields.workPhone.mappings[0].from', message: expect.stringContaining('Phonee') }]);
    expect(await stored()).toEqual(before);
    expect(await problems()).toEqual([]);
  });

  it('refuses a HubSpot property nobody created, and accepts it once it exists in HubSpot (metadata read again at save time)', async () => {
    const before = await stored();
    const map = (doc: Doc) => {
      doc.types.Customer!.fields.loyaltyTier = { type: 'String', mappings: [{ crm: 'hubspot', objectType: 'contacts', from: ['loyalty_tier'] }] };
    };
    const refused = await saveWith(map);
    expect(refused.errors?.[0]?.extensions?.code).toBe('MAPPING_INVALID');
    expect(refused.errors?.[0]?.message).toContain('HubSpot contacts has no field loyalty_tier');
    expect(await stored()).toEqual(before);

    const property = { name: 'loyalty_tier', label: 'Loyalty tier', type: 'string', fieldType: 'text', groupName: 'contactinformation' };
    const created = await fetch(`${t.hubspotUrl}/crm/v3/properties/contacts`, { method: 'POST', headers: HUBSPOT_AUTH, body: JSON.stringify(property) });
    expect(created.status).toBeLessThan(300);
    const accepted = await saveWith(map);
    expect(accepted.errors).toBeUndefined();
    expect(accepted.data!.saveMappingConfiguration.version).toBe(before.version + 1);
    expect(await problems()).toEqual([]);
  });

  it('an unchanged save (keys in another order) returns the version in force and stores no new one; a real change does', async () => {
    const before = await stored();
    const reordered = Object.fromEntries(Object.entries(JSON.parse(before.text) as Record<string, unknown>).reverse());
    const same = await t.gql<{ saveMappingConfiguration: { version: number } }>(SAVE, { d: JSON.stringify(reordered), c: 'nothing changed' });
    expect(same.errors).toBeUndefined();
    expect(same.data!.saveMappingConfiguration.version).toBe(before.version);
    expect(await stored()).toEqual(before);

    const changed = await saveWith((doc) => {
      (doc.types.Customer!.fields.loyaltyTier as { description?: string }).description = 'Tier in the loyalty programme';
    });
    expect(changed.errors).toBeUndefined();
    expect(changed.data!.saveMappingConfiguration.version).toBe(before.version + 1);
    expect((await stored()).versions).toBe(before.versions + 1);
  });

  it('a HubSpot that cannot be read at save time does not block the save; mappingProblems reports the field', async () => {
    const before = await stored();
    await fetch(`${t.hubspotUrl}/_sandbox/faults`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify([{ kind: 'reset', rate: 1 }]) });
    try {
      const res = await saveWith((doc) => {
        doc.types.Customer!.fields.shoeSize = { type: 'String', mappings: [{ crm: 'hubspot', objectType: 'contacts', from: ['shoe_size'] }] };
      });
      expect(res.errors).toBeUndefined();
      expect(res.data!.saveMappingConfiguration.version).toBe(before.version + 1);
    } finally {
      await fetch(`${t.hubspotUrl}/_sandbox/faults`, { method: 'DELETE' });
    }
    expect(await problems()).toContainEqual({ crm: 'hubspot', objectType: 'contacts', field: 'shoe_size', goldenFields: ['shoeSize'] });
  });

  it('a disabled connector does not block the save either', async () => {
    const connectors = await t.gql<{ connectors: { id: string; crm: string }[] }>('{ connectors { id crm } }');
    const hubspot = connectors.data!.connectors.find((c) => c.crm === 'hubspot')!;
    const disabled = await t.gql('mutation($id: ID!) { setConnectorEnabled(id: $id, enabled: false) { connector { status } } }', { id: hubspot.id });
    expect(disabled.errors).toBeUndefined();
    const before = await stored();
    const res = await saveWith((doc) => {
      doc.types.Customer!.fields.hatSize = { type: 'String', mappings: [{ crm: 'hubspot', objectType: 'contacts', from: ['hat_size'] }] };
    });
    expect(res.errors).toBeUndefined();
    expect(res.data!.saveMappingConfiguration.version).toBe(before.version + 1);
  });
});
