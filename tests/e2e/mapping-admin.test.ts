/** Integration admins change mappings and rules through the gateway: validated, versioned, hot-swapped. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp } from '../support/test-app.ts';
import type { TestApp } from '../support/test-app.ts';

const SAVE = 'mutation($d: String!, $c: String) { saveMappingConfiguration(document: $d, comment: $c) { version comment } }';
const SAVE_AS = `mutation($d: String!, $c: String, $v: Int, $a: String) {
  saveMappingConfiguration(document: $d, comment: $c, expectedVersion: $v, actor: $a) { version comment actor } }`;
type Saved = { saveMappingConfiguration: { version: number; comment: string | null; actor: string | null } };
type Doc = { types: { Customer: { fields: Record<string, { rule?: unknown }> } } };

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

  const inForce = async () => {
    const res = await t.gql<{ mappingConfiguration: { version: number; document: string }; mappingVersions: { version: number; comment: string | null; actor: string | null }[] }>(
      '{ mappingConfiguration { version document } mappingVersions { version comment actor } }');
    expect(res.errors).toBeUndefined();
    return { version: res.data!.mappingConfiguration.version, doc: JSON.parse(res.data!.mappingConfiguration.document) as Doc, versions: res.data!.mappingVersions };
  };
  const withRule = (doc: Doc, field: string, strategy: string): Doc => {
    const copy = structuredClone(doc);
    copy.types.Customer.fields[field]!.rule = { strategy };
    return copy;
  };

  it('stores the actor the saver declares, trimmed, and lists it with each version; refuses an unusable one', async () => {
    const before = await inForce();
    expect(before.versions.at(-1)).toMatchObject({ version: 1, actor: 'system' });
    const saved = await t.gql<Saved>(SAVE_AS, { d: JSON.stringify(withRule(before.doc, 'title', 'most-complete')), c: 'longest title', a: '  Ada Lovelace <ada@example.com> ' });
    expect(saved.errors).toBeUndefined();
    expect(saved.data!.saveMappingConfiguration).toEqual({ version: before.version + 1, comment: 'longest title', actor: 'Ada Lovelace <ada@example.com>' });
    const listed = await inForce();
    expect(listed.versions[0]).toEqual({ version: before.version + 1, comment: 'longest title', actor: 'Ada Lovelace <ada@example.com>' });
    // Without one, none is stored (earlier saves in this file sent none).
    expect(listed.versions[1]).toMatchObject({ version: before.version, actor: null });

    for (const actor of ['x'.repeat(201), 'Ada\nLovelace']) {
      const bad = await t.gql(SAVE_AS, { d: JSON.stringify(withRule(listed.doc, 'title', 'most-frequent')), a: actor });
      expect(bad.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argumentName: 'actor' });
    }
    expect((await inForce()).versions).toEqual(listed.versions);
    expect(await titleRule()).toBe('most-complete');
  });

  it('refuses a save made on a version no longer in force with CONFLICT, naming the version in force, and stores nothing', async () => {
    const before = await inForce();
    const stale = await t.gql<Saved>(SAVE_AS, { d: JSON.stringify(withRule(before.doc, 'title', 'most-frequent')), v: before.version - 1 });
    expect(stale.data?.saveMappingConfiguration ?? null).toBeNull();
    expect(stale.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', versionInForce: before.version, expectedVersion: before.version - 1 });
    expect(stale.errors?.[0]?.message).toContain(`Version ${before.version} of the mapping configuration is in force now`);
    const after = await inForce();
    expect(after.version).toBe(before.version);
    expect(after.versions).toEqual(before.versions);
    expect(after.doc).toEqual(before.doc);
    expect(await titleRule()).toBe('most-complete');

    // The expected version when it is the one in force: saved.
    const fresh = await t.gql<Saved>(SAVE_AS, { d: JSON.stringify(withRule(before.doc, 'title', 'source-priority')), v: before.version });
    expect(fresh.errors).toBeUndefined();
    expect(fresh.data!.saveMappingConfiguration.version).toBe(before.version + 1);
    expect(await titleRule()).toBe('source-priority');
  });

  it('of concurrent saves expecting the same version exactly one is stored; the others get CONFLICT', async () => {
    const before = await inForce();
    const strategies = ['last-write-wins', 'most-complete', 'most-frequent'];
    const answers = await Promise.all(strategies.map((strategy) =>
      t.gql<Saved>(SAVE_AS, { d: JSON.stringify(withRule(before.doc, 'title', strategy)), c: strategy, v: before.version })));
    const won = answers.filter((a) => a.data?.saveMappingConfiguration);
    expect(won).toHaveLength(1);
    expect(answers.filter((a) => a.errors?.[0]?.extensions?.code === 'CONFLICT')).toHaveLength(strategies.length - 1);
    const winner = won[0]!.data!.saveMappingConfiguration;
    const after = await inForce();
    expect(after.version).toBe(before.version + 1);
    expect(after.versions.map((v) => v.version)).toEqual([before.version + 1, ...before.versions.map((v) => v.version)]);
    expect(after.doc).toEqual(withRule(before.doc, 'title', winner.comment!));
    expect(await titleRule()).toBe(winner.comment);

    // The same through the composition root, started in the same tick: without saves running one at a time both
    // would pass the check before either stored its version. Both change the rule in force (a save that changes
    // nothing stores no version, so it would not conflict).
    const [first, second] = strategies.filter((s) => s !== winner.comment) as [string, string];
    const results = await Promise.allSettled([
      t.app.applyMappingConfig(withRule(after.doc, 'title', first), { expectedVersion: after.version }),
      t.app.applyMappingConfig(withRule(after.doc, 'title', second), { expectedVersion: after.version }),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected']);
    expect((results[1] as PromiseRejectedResult).reason).toMatchObject({ code: 'CONFLICT' });
    expect((await inForce()).version).toBe(after.version + 1);
    expect(await titleRule()).toBe(first);
  });

  it('lists the survivorship strategies in plain words and the registered custom functions', async () => {
    const res = await t.gql<{ survivorshipStrategies: { name: string; description: string; usesSourcePriority: boolean }[]; customFunctions: string[] }>(
      '{ survivorshipStrategies { name description usesSourcePriority } customFunctions }');
    expect(res.errors).toBeUndefined();
    const strategies = res.data!.survivorshipStrategies;
    expect(strategies.map((s) => s.name).sort()).toEqual(['custom', 'last-write-wins', 'most-complete', 'most-frequent', 'source-priority']);
    for (const s of strategies) expect(s.description.length, s.name).toBeGreaterThan(10);
    expect(strategies.filter((s) => s.usesSourcePriority).map((s) => s.name)).toEqual(['source-priority']);
    expect(strategies.find((s) => s.name === 'last-write-wins')!.description).toMatch(/newest/i);
    // The default configuration's emailOptOut rule names anyTrue, so the gateway must have it registered.
    expect(res.data!.customFunctions).toContain('anyTrue');
  });
});
