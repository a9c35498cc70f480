/**
 * A restart does not read every CRM again (cli/start-link-plan.ts). The first start on a database reads everything
 * and leaves change cursors; a later start on the same database (PGlite: the same data folder; Postgres: the same
 * database) reads nothing and polling catches up from the cursors; an object with no cursor makes its golden type be
 * read; `always` reads everything; a bad mode is refused before anything is stored. The Salesforce sandbox runs apart
 * from the apps, so changes can be made while none runs.
 */
import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RateBudgetRegistry } from '../../connectors/runtime/index.ts';
import { createSalesforceConnector } from '../../connectors/salesforce/index.ts';
import type { SalesforceConnector } from '../../connectors/salesforce/index.ts';
import { goldenRecords, recordLinks, syncCursors } from '../../db/schema.ts';
import { generateDemoSeed } from '../../sandboxes/demo/index.ts';
import { DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, startSalesforceSandbox } from '../../sandboxes/salesforce/index.ts';
import type { SalesforceSandbox } from '../../sandboxes/salesforce/index.ts';
import { createFreshDatabase } from '../support/test-database.ts';
import { startTestApp } from '../support/test-app.ts';
import type { TestApp } from '../support/test-app.ts';

interface Node { id: string; phone: string | null; sources: { crm: string; recordId: string }[] }

describe('starting again on a database that was linked before', () => {
  let sb: SalesforceSandbox;
  let rest: SalesforceConnector;
  let database: { url: string; drop(): Promise<void> } | undefined;
  let first: TestApp;
  let customer: Node;
  let recordId: string;
  let open: TestApp | undefined;

  const env = (extra: Record<string, string> = {}) => ({
    SALESFORCE_LOGIN_URL: sb.url, SALESFORCE_CLIENT_ID: DEFAULT_CLIENT_ID, SALESFORCE_CLIENT_SECRET: DEFAULT_CLIENT_SECRET,
    CUSTOMER_GRAPH_SALESFORCE_CDC: 'off', CUSTOMER_GRAPH_POLL_INTERVAL_MS: '600000', ...extra,
  });
  /** The same database as the first app: its data folder on PGlite, its Postgres database otherwise. */
  const sameDatabase = () => ({
    CUSTOMER_GRAPH_DATA_DIR: first.dataDir, CUSTOMER_GRAPH_SECRET_KEY: first.secretKey, ...(database ? { DATABASE_URL: database.url } : {}),
  });
  const restart = async (extra: Record<string, string> = {}) => {
    await open?.close();
    open = undefined;
    open = await startTestApp({ demo: false, env: env(extra), config: sameDatabase() });
    return open;
  };
  const setPhone = async (phone: string) => {
    const [result] = await rest.updateMany('Contact', [{ id: recordId, fields: { Phone: phone } }]);
    expect(result?.ok).toBe(true);
  };
  const phoneOf = async (app: TestApp) =>
    (await app.gql<{ customer: { phone: string | null } }>('query($id: ID!) { customer(id: $id) { phone } }', { id: customer.id })).data?.customer.phone;
  /** The stored golden snapshot's phone (queries merge live at query time; the snapshot is what a read at start or a poll writes). */
  const storedPhone = async (app: TestApp) =>
    ((await app.app.database.db.select({ snapshot: goldenRecords.snapshot }).from(goldenRecords).where(eq(goldenRecords.id, customer.id)))[0]?.snapshot as { phone?: string } | null)?.phone;
  const linkCount = async (app: TestApp) => (await app.app.database.db.select({ n: sql<number>`count(*)::int` }).from(recordLinks))[0]!.n;

  beforeAll(async () => {
    sb = await startSalesforceSandbox({ port: 0, demoSeed: generateDemoSeed({ customers: 10 }).salesforce });
    rest = createSalesforceConnector({
      connectorId: 'test-rest', loginUrl: sb.url, auth: { kind: 'client-credentials', clientId: DEFAULT_CLIENT_ID, clientSecret: DEFAULT_CLIENT_SECRET }, registry: new RateBudgetRegistry(),
    });
    // A database of our own on Postgres: test apps drop theirs when they close, and this one must outlive a restart.
    database = process.env.DATABASE_URL ? await createFreshDatabase(process.env.DATABASE_URL) : undefined;
    first = await startTestApp({ demo: false, env: env(), config: database ? { DATABASE_URL: database.url } : {} });
    open = first;
    const page = await first.gql<{ customers: { edges: { node: Node }[] } }>('{ customers(first: 100) { edges { node { id phone sources { crm recordId } } } } }');
    customer = page.data!.customers.edges.map((e) => e.node).find((n) => n.sources.some((s) => s.crm === 'salesforce'))!;
    recordId = customer.sources.find((s) => s.crm === 'salesforce')!.recordId;
  }, 240_000);
  afterAll(async () => {
    await open?.close();
    await database?.drop();
    await sb?.close();
  });

  it('the first start reads every mapped object and leaves a change cursor for each', async () => {
    const plan = first.app.startLink!;
    expect(plan.goldenTypes).toEqual(Object.keys(first.app.mappingConfig().types));
    expect(plan.unread.map((o) => `${o.crm} ${o.objectType}`)).toEqual(expect.arrayContaining(['salesforce Contact', 'salesforce Account']));
    const cursors = await first.app.database.db.select({ objectType: syncCursors.objectType }).from(syncCursors).where(eq(syncCursors.connectorId, 'salesforce'));
    expect(cursors.map((c) => c.objectType)).toEqual(expect.arrayContaining(['Contact', 'Account']));
  });

  it('a restart reads nothing again, and polling brings a change made while it was down', async () => {
    const links = await linkCount(first);
    await first.close();
    open = undefined;
    await setPhone('+14155550123');
    const app = await restart();
    expect(app.app.startLink).toMatchObject({ goldenTypes: [], unread: [] });
    expect(app.app.startLink!.resumed.map((o) => `${o.crm} ${o.objectType}`)).toEqual(expect.arrayContaining(['salesforce Contact', 'salesforce Account']));
    // Nothing read at start: the stored golden record still holds what was read before the change (a query merges live).
    expect(await storedPhone(app)).not.toBe('+14155550123');
    expect(await phoneOf(app)).toBe('+14155550123');
    expect(await linkCount(app)).toBe(links);
    // The first poll (here on demand instead of after the interval) reads what changed since the cursor.
    const report = await app.app.sync.poller!.pollNow();
    expect(report.failed).toEqual([]);
    expect(await storedPhone(app)).toBe('+14155550123');
  }, 120_000);

  it('an object never read completely makes its golden type be read at start, and only that type', async () => {
    await setPhone('+14155550124');
    // As if Contact had been mapped after the last start: no cursor for it.
    await open!.app.database.db.delete(syncCursors).where(and(eq(syncCursors.connectorId, 'salesforce'), eq(syncCursors.objectType, 'Contact')));
    const app = await restart();
    const plan = app.app.startLink!;
    expect(plan.unread).toEqual([{ crm: 'salesforce', objectType: 'Contact', goldenType: 'Customer' }]);
    expect(plan.goldenTypes).toEqual(['Customer']);
    expect(plan.resumed.map((o) => o.objectType)).toContain('Account');
    expect(await storedPhone(app)).toBe('+14155550124');
    const cursors = await app.app.database.db.select().from(syncCursors).where(and(eq(syncCursors.connectorId, 'salesforce'), eq(syncCursors.objectType, 'Contact')));
    expect(cursors).toHaveLength(1);
  }, 120_000);

  it('CUSTOMER_GRAPH_LINK_ON_START=always reads everything at every start', async () => {
    await setPhone('+14155550125');
    const app = await restart({ CUSTOMER_GRAPH_LINK_ON_START: 'always' });
    expect(app.app.startLink!.goldenTypes).toEqual(Object.keys(app.app.mappingConfig().types));
    expect(await storedPhone(app)).toBe('+14155550125');
  }, 120_000);

  it('with polling off a start reads everything, since nothing would catch up from the cursors', async () => {
    await setPhone('+14155550126');
    const app = await restart({ CUSTOMER_GRAPH_POLL_INTERVAL_MS: '0' });
    expect(app.app.startLink!.goldenTypes).toEqual(Object.keys(app.app.mappingConfig().types));
    expect(await storedPhone(app)).toBe('+14155550126');
  }, 120_000);

  it('an unknown mode is refused with CONFIG_INVALID, and what is stored stays', async () => {
    const links = await linkCount(open!);
    await open!.close();
    open = undefined;
    await expect(startTestApp({ demo: false, env: env({ CUSTOMER_GRAPH_LINK_ON_START: 'sometimes' }), config: sameDatabase() }))
      .rejects.toMatchObject({ code: 'CONFIG_INVALID', message: expect.stringContaining('CUSTOMER_GRAPH_LINK_ON_START must be one of auto, always, never') });
    const app = await restart({ CUSTOMER_GRAPH_LINK_ON_START: 'never' });
    expect(app.app.startLink).toMatchObject({ goldenTypes: [], unread: [], resumed: [] });
    expect(await linkCount(app)).toBe(links);
    expect(await storedPhone(app)).toBe('+14155550126');
  }, 120_000);
});
