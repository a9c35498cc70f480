/**
 * A mapping configuration saved through one process reaches every process on the same database (gateway replicas,
 * the worker) over LISTEN/NOTIFY `mapping_saved`, and `expectedVersion` holds across processes.
 *
 * On any driver: the save announces its version, and a version stored by another writer of the database (a second
 * store object, as another process would) is served by the running app. With DATABASE_URL: two whole apps on one
 * Postgres database. On PGlite those are skipped: two processes cannot share one PGlite data folder.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MappingConfigStore } from '../../db/config-store.ts';
import { listenMappingSaved, publishMappingSaved } from '../../db/mapping-events.ts';
import { configVersions } from '../../db/schema.ts';
import { startTestApp } from '../support/test-app.ts';
import type { TestApp } from '../support/test-app.ts';
import { onPostgres } from '../support/test-database.ts';

const SAVE = `mutation($d: String!, $c: String, $v: Int) {
  saveMappingConfiguration(document: $d, comment: $c, expectedVersion: $v) { version comment } }`;
const PLAN = 'query($id: ID!) { writeBackPlan(id: $id) { skipped { crm field reason } } }';
type Saved = { saveMappingConfiguration: { version: number; comment: string | null } };
type Doc = { types: { Customer: { fields: Record<string, { rule?: unknown; convergence?: string }> } } };

const TWO_APPS = onPostgres ? '' : ' [skipped: needs DATABASE_URL (Postgres) — two processes cannot share one PGlite data folder]';
// Generous: a process adopting a version composes the graph, which takes seconds on a loaded CI machine.
const POLL = { timeout: 20_000, interval: 100 };

describe('mapping configuration saved in one process reaches the others', () => {
  let a: TestApp;
  let b: TestApp | undefined;
  beforeAll(async () => {
    a = await startTestApp();
    // B stands for a second gateway replica or the worker; A has linked the records already.
    if (onPostgres) b = await startTestApp({ join: a, linkOnStart: false });
  }, 240_000);
  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  const inForce = async (t: TestApp) => {
    const res = await t.gql<{ mappingConfiguration: { version: number; document: string } }>('{ mappingConfiguration { version document } }');
    expect(res.errors).toBeUndefined();
    return { version: res.data!.mappingConfiguration.version, doc: JSON.parse(res.data!.mappingConfiguration.document) as Doc };
  };
  const titleRule = async (t: TestApp) => {
    const res = await t.gql<{ customers: { edges: { node: { provenance: { rule: string }[] } }[] } }>('{ customers(first: 1) { edges { node { provenance(fields: ["title"]) { rule } } } } }');
    expect(res.errors).toBeUndefined();
    return res.data!.customers.edges[0]!.node.provenance[0]!.rule;
  };
  const withTitle = (doc: Doc, change: { rule?: unknown; convergence?: string }): Doc => {
    const copy = structuredClone(doc);
    Object.assign(copy.types.Customer.fields.title!, change);
    return copy;
  };

  it('announces the saved version on mapping_saved; a listener in the same process hears it', async () => {
    const heard: number[] = [];
    const unlisten = await listenMappingSaved(a.app.database, (e) => heard.push(e.version));
    try {
      const before = await inForce(a);
      const saved = await a.gql<Saved>(SAVE, { d: JSON.stringify(withTitle(before.doc, { rule: { strategy: 'most-complete' } })), c: 'longest title' });
      expect(saved.errors).toBeUndefined();
      expect(saved.data!.saveMappingConfiguration.version).toBe(before.version + 1);
      await expect.poll(() => heard, POLL).toEqual([before.version + 1]);
      // The saver's own announcement changes nothing for it: still that version, served once.
      expect((await inForce(a)).version).toBe(before.version + 1);
      expect(await titleRule(a)).toBe('most-complete');
    } finally {
      await unlisten();
    }
  });

  it('serves a version stored by another writer of the database, without storing one itself', async () => {
    const before = await inForce(a);
    const other = new MappingConfigStore(a.app.database.db);
    const stored = await other.save(withTitle(before.doc, { rule: { strategy: 'last-write-wins' } }), { comment: 'from another process', expectedVersion: before.version });
    await expect.poll(async () => (await inForce(a)).version, POLL).toBe(stored.version);
    expect(await titleRule(a)).toBe('last-write-wins');
    expect(a.app.mappingConfig().types.Customer!.fields.title!.rule).toMatchObject({ strategy: 'last-write-wins' });
    expect((await other.versions())[0]).toMatchObject({ version: stored.version, comment: 'from another process' });
    expect((await other.versions()).length).toBe(stored.version);
  });

  it('serves a version whose notification was lost (stored without NOTIFY) at its next store check', async () => {
    // An app of its own, with a short store check (default 30 s), so the others here show the notifications alone.
    const c = await startTestApp({ env: { CUSTOMER_GRAPH_MAPPING_CHECK_MS: '200' }, linkOnStart: false });
    try {
      const before = await inForce(c);
      const version = before.version + 1;
      // As a save whose mapping_saved never arrived (the listening connection was down): the row alone.
      await c.app.database.db.insert(configVersions).values({ kind: 'mappings', version, document: withTitle(before.doc, { rule: { strategy: 'most-frequent' } }) as unknown as Record<string, unknown>, comment: 'notification lost' });
      await expect.poll(async () => (await inForce(c)).version, POLL).toBe(version);
      expect(c.app.mappingConfig().types.Customer!.fields.title!.rule).toMatchObject({ strategy: 'most-frequent' });
    } finally {
      await c.close();
    }
  }, 120_000);

  it.skipIf(!onPostgres)(`a rule saved through gateway A is served by B: golden provenance, version, B's own config${TWO_APPS}`, async () => {
    const start = await inForce(a);
    await expect.poll(async () => (await inForce(b!)).version, POLL).toBe(start.version);
    const saved = await a.gql<Saved>(SAVE, { d: JSON.stringify(withTitle(start.doc, { rule: { strategy: 'most-frequent' } })), v: start.version });
    expect(saved.errors).toBeUndefined();
    const version = saved.data!.saveMappingConfiguration.version;
    await expect.poll(async () => (await inForce(b!)).version, POLL).toBe(version);
    expect(await titleRule(b!)).toBe('most-frequent');
    expect((await inForce(b!)).doc).toEqual((await inForce(a)).doc);
    // What B's poller, change application and write-back planning read.
    expect(b!.app.mappingConfig().types.Customer!.fields.title!.rule).toMatchObject({ strategy: 'most-frequent' });
  });

  it.skipIf(!onPostgres)(`a convergence setting saved through A is what B's write-back planning follows${TWO_APPS}`, async () => {
    const page = await b!.gql<{ customers: { edges: { node: { id: string; title: string | null } }[] } }>('{ customers(first: 50) { edges { node { id title } } } }');
    const customer = page.data!.customers.edges.map((e) => e.node).find((n) => n.title)!;
    expect(customer).toBeDefined();
    const offFor = async () => {
      const plan = await b!.gql<{ writeBackPlan: { skipped: { field: string; reason: string }[] } }>(PLAN, { id: customer.id });
      expect(plan.errors).toBeUndefined();
      return plan.data!.writeBackPlan.skipped.filter((s) => s.field === 'title' && /convergence is off/.test(s.reason)).length;
    };
    expect(await offFor()).toBe(0);
    const start = await inForce(a);
    const saved = await a.gql<Saved>(SAVE, { d: JSON.stringify(withTitle(start.doc, { convergence: 'off' })), c: 'no title convergence', v: start.version });
    expect(saved.errors).toBeUndefined();
    await expect.poll(offFor, POLL).toBeGreaterThan(0);
    expect(b!.app.mappingConfig().types.Customer!.fields.title!.convergence).toBe('off');
  });

  it.skipIf(!onPostgres)(`of saves through A and B expecting the same version, exactly one is stored; the other gets CONFLICT${TWO_APPS}`, async () => {
    const start = await inForce(a);
    await expect.poll(async () => (await inForce(b!)).version, POLL).toBe(start.version);
    const stored = async () => (await new MappingConfigStore(a.app.database.db).versions()).length;
    const versionsBefore = await stored();
    const [fromA, fromB] = await Promise.all([
      a.gql<Saved>(SAVE, { d: JSON.stringify(withTitle(start.doc, { rule: { strategy: 'last-write-wins' } })), c: 'last-write-wins', v: start.version }),
      b!.gql<Saved>(SAVE, { d: JSON.stringify(withTitle(start.doc, { rule: { strategy: 'most-complete' } })), c: 'most-complete', v: start.version }),
    ]);
    const answers = [fromA, fromB];
    const won = answers.filter((r) => r.data?.saveMappingConfiguration);
    expect(won).toHaveLength(1);
    const refused = answers.find((r) => !r.data?.saveMappingConfiguration)!;
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', expectedVersion: start.version });
    expect(await stored()).toBe(versionsBefore + 1);
    const winner = won[0]!.data!.saveMappingConfiguration;
    expect(winner.version).toBe(start.version + 1);
    // Both end up serving the winner, whichever process stored it.
    for (const t of [a, b!]) {
      await expect.poll(async () => (await inForce(t)).version, POLL).toBe(winner.version);
      expect(await titleRule(t)).toBe(winner.comment);
    }
  });

  it('skips an announced version that does not validate here, keeps serving, and serves the next valid one', async () => {
    const before = await inForce(a);
    const broken = before.version + 1;
    await a.app.database.db.insert(configVersions).values({ kind: 'mappings', version: broken, document: { types: 'broken' } });
    await publishMappingSaved(a.app.database, { version: broken });
    // A version that is announced but not stored is skipped too.
    await publishMappingSaved(a.app.database, { version: broken + 50 });
    const other = new MappingConfigStore(a.app.database.db);
    const next = await other.save(withTitle(before.doc, { rule: { strategy: 'source-priority', sourcePriority: ['salesforce', 'hubspot'] } }), { expectedVersion: before.version });
    expect(next.version).toBe(broken + 1);
    const seen = new Set<number>();
    for (const t of [a, ...(b ? [b] : [])]) {
      await expect.poll(async () => {
        const v = (await inForce(t)).version;
        seen.add(v);
        return v;
      }, POLL).toBe(next.version);
      expect(await titleRule(t)).toBe('source-priority');
    }
    expect(seen.has(broken)).toBe(false);
  });
});
