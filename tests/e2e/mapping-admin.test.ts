/** Integration admins change mappings and rules through the gateway: validated, versioned, hot-swapped. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp } from '../support/test-app.ts';
import type { TestApp } from '../support/test-app.ts';

const SAVE = 'mutation($d: String!, $c: String) { saveMappingConfiguration(document: $d, comment: $c) { version comment } }';

describe('mapping administration through the gateway', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => t?.close());

  const titleRule = async () => {
    const body = await t.gql<{ customers: { edges: { node: { provenance: { rule: string }[] } }[] } }>('{ customers(first: 1) { edges { node { provenance(fields: ["title"]) { rule } } } } }');
    return body.data!.customers.edges[0]!.node.provenance[0]!.rule;
  };

  it('reads the configuration in force and saves a new version that is served at once', async () => {
    const current = await t.gql<{ mappingConfiguration: { version: number; document: string } }>('{ mappingConfiguration { version document } }');
    expect(current.errors).toBeUndefined();
    const doc = JSON.parse(current.data!.mappingConfiguration.document) as { types: { Customer: { fields: { title: { rule?: unknown } } } } };
    expect(await titleRule()).toBe('source-priority');
    doc.types.Customer.fields.title.rule = { strategy: 'last-write-wins' };
    const saved = await t.gql<{ saveMappingConfiguration: { version: number; comment: string } }>(SAVE, { d: JSON.stringify(doc), c: 'title by recency' });
    expect(saved.errors).toBeUndefined();
    expect(saved.data!.saveMappingConfiguration).toEqual({ version: current.data!.mappingConfiguration.version + 1, comment: 'title by recency' });
    expect(await titleRule()).toBe('last-write-wins');
    const versions = await t.gql<{ mappingVersions: { version: number }[] }>('{ mappingVersions { version } }');
    expect(versions.data!.mappingVersions.map((v) => v.version)).toEqual([saved.data!.saveMappingConfiguration.version, current.data!.mappingConfiguration.version]);
  });

  it('rejects an invalid document with the field and the reason, storing nothing and keeping the graph', async () => {
    const before = await t.gql<{ mappingVersions: { version: number }[] }>('{ mappingVersions { version } }');
    const current = await t.gql<{ mappingConfiguration: { document: string } }>('{ mappingConfiguration { document } }');
    const doc = JSON.parse(current.data!.mappingConfiguration.document) as { types: { Customer: { fields: { phone: { rule?: unknown } } } } };
    doc.types.Customer.fields.phone.rule = { strategy: 'coin-toss' };
    const bad = await t.gql(SAVE, { d: JSON.stringify(doc) });
    expect(bad.errors?.[0]?.extensions?.code).toBe('MAPPING_INVALID');
    expect(bad.errors?.[0]?.message).toMatch(/phone[\s\S]*coin-toss/);
    const notJson = await t.gql(SAVE, { d: '{ not json' });
    expect(notJson.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const after = await t.gql<{ mappingVersions: { version: number }[] }>('{ mappingVersions { version } }');
    expect(after.data!.mappingVersions).toEqual(before.data!.mappingVersions);
    expect(await titleRule()).toBe('last-write-wins');
  });
});
