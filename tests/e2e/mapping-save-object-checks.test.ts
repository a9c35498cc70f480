/**
 * A mapping save naming a CRM OBJECT its CRM does not have, on the real app (embedded demo: Salesforce and HubSpot
 * sandboxes; PGlite, or Postgres with DATABASE_URL):
 * - Salesforce `Contactt` / HubSpot `contactz` is refused with MAPPING_INVALID naming the object, the CRM, the golden
 *   type and fields that read it, and the nearest object names (extensions.unknownObjects); nothing is stored;
 * - a CRM that cannot be read at save time, or whose connector is disabled, does not block the save: it is stored and
 *   `mappingProblems` reports the object (field empty, the golden fields reading it);
 * - an object the version in force already names is not checked again (an unrelated save goes through).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp } from '../support/test-app.ts';
import type { TestApp } from '../support/test-app.ts';

type Doc = { types: Record<string, { objects: Record<string, unknown>[]; fields: Record<string, unknown> }> };
interface UnknownObject { crm: string; objectType: string; goldenType: string; goldenFields: string[]; didYouMean: string[] }
const SAVE = 'mutation($d: String!, $c: String) { saveMappingConfiguration(document: $d, comment: $c) { version } }';

describe('mapping saves check the CRM objects they name', () => {
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
  const saveWith = async (change: (doc: Doc) => void) => {
    const doc = JSON.parse((await stored()).text) as Doc;
    change(doc);
    return t.gql<{ saveMappingConfiguration: { version: number } }>(SAVE, { d: JSON.stringify(doc), c: 'test' });
  };
  const problems = async () => {
    const res = await t.gql<{ mappingProblems: { crm: string; objectType: string; field: string; goldenFields: string[]; reason: string }[] }>(
      '{ mappingProblems { crm objectType field goldenFields reason } }');
    expect(res.errors).toBeUndefined();
    return res.data!.mappingProblems;
  };
  /** A second source of Customer: `objectType` of `crm`, read by Customer.alsoEmail. */
  const addSource = (crm: string, objectType: string, idField: string, from: string) => (doc: Doc) => {
    const customer = doc.types.Customer!;
    const model = customer.objects.find((o) => o.crm === crm)!;
    customer.objects.push({ ...model, objectType, idField });
    customer.fields.alsoEmail = { type: 'String', mappings: [{ crm, objectType, from: [from] }] };
  };

  it('refuses Salesforce Contactt naming the object, the golden type and fields, and Contact; nothing is stored', async () => {
    const before = await stored();
    const res = await saveWith(addSource('salesforce', 'Contactt', 'Id', 'Email'));
    expect(res.data?.saveMappingConfiguration).toBeFalsy();
    const error = res.errors?.[0];
    expect(error?.extensions?.code).toBe('MAPPING_INVALID');
    expect(error?.message).toMatch(/Salesforce has no object Contactt \(read by Customer: Customer\.alsoEmail\)\. Did you mean Contact\b/);
    const unknown = error?.extensions?.unknownObjects as UnknownObject[];
    expect(unknown).toEqual([expect.objectContaining({ crm: 'salesforce', objectType: 'Contactt', goldenType: 'Customer', goldenFields: ['Customer.alsoEmail'] })]);
    expect(unknown[0]!.didYouMean[0]).toBe('Contact');
    expect(error?.extensions?.problems).toEqual([{ path: expect.stringMatching(/^types\.Customer\.objects\[\d+\]\.objectType$/), message: expect.stringContaining('Contactt') }]);
    expect(await stored()).toEqual(before);
    expect(await problems()).toEqual([]);
  });

  it('refuses HubSpot contactz, suggesting contacts; nothing is stored', async () => {
    const before = await stored();
    const res = await saveWith(addSource('hubspot', 'contactz', 'hs_object_id', 'email'));
    expect(res.errors?.[0]?.extensions?.code).toBe('MAPPING_INVALID');
    expect(res.errors?.[0]?.message).toContain('HubSpot has no object contactz (read by Customer: Customer.alsoEmail). Did you mean contacts?');
    expect(await stored()).toEqual(before);
  });

  it('a HubSpot that cannot be read at save time does not block the save; mappingProblems reports the object; later saves pass', async () => {
    const before = await stored();
    await fetch(`${t.hubspotUrl}/_sandbox/faults`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify([{ kind: 'reset', rate: 1 }]) });
    try {
      const res = await saveWith(addSource('hubspot', 'contactz', 'hs_object_id', 'email'));
      expect(res.errors).toBeUndefined();
      expect(res.data!.saveMappingConfiguration.version).toBe(before.version + 1);
    } finally {
      await fetch(`${t.hubspotUrl}/_sandbox/faults`, { method: 'DELETE' });
    }
    expect(await problems()).toContainEqual({ crm: 'hubspot', objectType: 'contactz', field: '', goldenFields: ['alsoEmail'], reason: expect.stringContaining('contactz') });
    // The object is in force now: an unrelated save is not refused for it (mappingProblems keeps reporting it).
    const unrelated = await saveWith((doc) => {
      (doc.types.Customer!.fields.alsoEmail as { description?: string }).description = 'A second e-mail';
    });
    expect(unrelated.errors).toBeUndefined();
    expect(unrelated.data!.saveMappingConfiguration.version).toBe(before.version + 2);
  });

  it('a disabled connector does not block the save either', async () => {
    const connectors = await t.gql<{ connectors: { id: string; crm: string }[] }>('{ connectors { id crm } }');
    const salesforce = connectors.data!.connectors.find((c) => c.crm === 'salesforce')!;
    const disabled = await t.gql('mutation($id: ID!) { setConnectorEnabled(id: $id, enabled: false) { connector { status } } }', { id: salesforce.id });
    expect(disabled.errors).toBeUndefined();
    const before = await stored();
    const res = await saveWith(addSource('salesforce', 'Contactt', 'Id', 'Email'));
    expect(res.errors).toBeUndefined();
    expect(res.data!.saveMappingConfiguration.version).toBe(before.version + 1);
  });
});
