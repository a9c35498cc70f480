/**
 * Schemas evolve without breaking integrations: a mapping save that would take from clients something they can ask
 * for (remove or retype a golden field) is refused with BREAKING_CHANGE listing each change, storing nothing and
 * keeping the graph as it was; deprecating a field first (`"deprecated": "reason"`) shows in the API (introspection)
 * while the field keeps answering; the removal goes through when the save accepts it (allowBreakingChanges). Adding
 * a field or changing a rule is not breaking. Real app on the embedded demo, over HTTP.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp } from '../support/test-app.ts';
import type { TestApp } from '../support/test-app.ts';

const SAVE = `mutation($d: String!, $allow: Boolean) {
  saveMappingConfiguration(document: $d, allowBreakingChanges: $allow, comment: "evolution test") { version } }`;
type Field = { type: string; deprecated?: string; rule?: unknown; mappings: unknown[] };
type Doc = { types: Record<string, { fields: Record<string, Field> }> };
type GqlError = { message: string; extensions?: { code?: string; changes?: { type: string; description: string; usage?: { requests: number } }[] } };

describe('mapping changes and the clients of the API', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  }, 240_000);
  afterAll(async () => t?.close());

  const current = async () => {
    const res = await t.gql<{ mappingConfiguration: { version: number; document: string } }>('{ mappingConfiguration { version document } }');
    expect(res.errors).toBeUndefined();
    return { version: res.data!.mappingConfiguration.version, doc: JSON.parse(res.data!.mappingConfiguration.document) as Doc };
  };
  const save = (doc: Doc, allow?: boolean) => t.gql<{ saveMappingConfiguration: { version: number } }>(SAVE, { d: JSON.stringify(doc), ...(allow ? { allow } : {}) }) as
    Promise<{ data?: { saveMappingConfiguration: { version: number } } | null; errors?: GqlError[] }>;
  const departmentField = async () => {
    const res = await t.gql<{ __type: { fields: { name: string; isDeprecated: boolean; deprecationReason: string | null }[] } }>(
      '{ __type(name: "Customer") { fields(includeDeprecated: true) { name isDeprecated deprecationReason } } }');
    return res.data!.__type.fields.find((f) => f.name === 'department');
  };
  const askDepartment = () => t.gql<{ customers: { edges: { node: { department: string | null } }[] } }>('{ customers(first: 3) { edges { node { id department } } } }');

  it('refuses to remove a golden field clients ask for (BREAKING_CHANGE) saying who asked, storing nothing and keeping the field', async () => {
    for (let i = 0; i < 3; i++) {
      const res = await fetch(t.url, { method: 'POST', headers: { 'content-type': 'application/json', 'apollographql-client-name': 'crm-portal' },
        body: JSON.stringify({ query: '{ customers(first: 2) { edges { node { department } } } }' }) });
      expect(res.status).toBe(200);
    }
    const before = await current();
    const doc = structuredClone(before.doc);
    delete doc.types.Customer!.fields.department;
    const res = await save(doc);
    expect(res.errors?.[0]?.extensions?.code).toBe('BREAKING_CHANGE');
    expect(res.errors![0]!.extensions!.changes).toEqual([{
      type: 'FIELD_REMOVED', description: 'Customer.department was removed.', coordinate: 'Customer.department',
      usage: { days: 30, requests: 3, lastSeenAt: expect.any(String), clients: ['crm-portal'] },
    }]);
    expect(res.errors![0]!.message).toMatch(/nothing was stored: Customer.department was removed \(asked for in 3 requests in the last 30 days, last at .* by crm-portal\)[\s\S]*deprecated/);
    const usage = await t.gql<{ fieldUsage: { coordinate: string; requests: number; clients: string[] }[] }>('{ fieldUsage(type: "Customer") { coordinate requests clients } }');
    expect(usage.data!.fieldUsage.find((u) => u.coordinate === 'Customer.department')).toEqual({ coordinate: 'Customer.department', requests: 3, clients: ['crm-portal'] });
    expect((await current()).version).toBe(before.version);
    expect((await askDepartment()).errors).toBeUndefined();
  });

  it('refuses to retype a golden field', async () => {
    const before = await current();
    const doc = structuredClone(before.doc);
    doc.types.Customer!.fields.department!.type = 'Int';
    const res = await save(doc);
    expect(res.errors?.[0]?.extensions?.code).toBe('BREAKING_CHANGE');
    expect(res.errors![0]!.extensions!.changes![0]).toMatchObject({ type: 'FIELD_CHANGED_KIND', description: expect.stringContaining('Customer.department changed type from String to Int') });
    // Three requests from crm-portal and the previous test's check (no client name).
    expect(res.errors![0]!.extensions!.changes![0]!.usage).toMatchObject({ requests: 4 });
    expect((await current()).version).toBe(before.version);
  });

  it('takes additions and rule changes without asking', async () => {
    const before = await current();
    const doc = structuredClone(before.doc);
    doc.types.Customer!.fields.assistantName = { type: 'String', mappings: [{ crm: 'salesforce', objectType: 'Contact', from: ['AssistantName'] }] };
    doc.types.Customer!.fields.department!.rule = { strategy: 'most-complete' };
    const res = await save(doc);
    expect(res.errors).toBeUndefined();
    expect(res.data!.saveMappingConfiguration.version).toBe(before.version + 1);
  });

  it('shows a deprecated field as deprecated, with its reason, and keeps answering it', async () => {
    expect(await departmentField()).toMatchObject({ isDeprecated: false });
    const doc = (await current()).doc;
    doc.types.Customer!.fields.department!.deprecated = 'Use title: departments are no longer kept in the CRMs.';
    expect((await save(doc)).errors).toBeUndefined();
    expect(await departmentField()).toEqual({ name: 'department', isDeprecated: true, deprecationReason: 'Use title: departments are no longer kept in the CRMs.' });
    expect((await askDepartment()).errors).toBeUndefined();
  });

  it('removes the field when the save accepts the breaking change', async () => {
    const before = await current();
    const doc = structuredClone(before.doc);
    delete doc.types.Customer!.fields.department;
    const res = await save(doc, true);
    expect(res.errors).toBeUndefined();
    expect(res.data!.saveMappingConfiguration.version).toBe(before.version + 1);
    expect(await departmentField()).toBeUndefined();
    expect((await askDepartment()).errors?.[0]?.message).toContain('Cannot query field "department" on type "Customer"');
  });
});
