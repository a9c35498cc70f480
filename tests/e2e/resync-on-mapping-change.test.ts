/**
 * CUSTOMER_GRAPH_RESYNC_ON_MAPPING_CHANGE=auto on real apps (a Salesforce sandbox of the test's own): two saves in quick
 * succession touching Customer make ONE resync, of Customer only, once saves have been quiet for the delay, after which
 * Customer follows the newest version; a resync unfinished elsewhere when the delay ends puts it off until that one has
 * ended; a process that does not lead change capture starts none, and re-reads what is still stale once it leads
 * (Postgres only: two processes cannot share a PGlite folder); a malformed mode is refused at start with CONFIG_INVALID.
 */
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertResync } from '../../db/resync-store.ts';
import { resyncRuns } from '../../db/schema.ts';
import { generateDemoSeed } from '../../sandboxes/demo/index.ts';
import { DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, startSalesforceSandbox } from '../../sandboxes/salesforce/index.ts';
import type { SalesforceSandbox } from '../../sandboxes/salesforce/index.ts';
import { onPostgres } from '../support/test-database.ts';
import { startTestApp } from '../support/test-app.ts';
import type { TestApp } from '../support/test-app.ts';

type Doc = { types: { Customer: { fields: Record<string, { quality?: string[] }> } } };
const DELAY_MS = 2500;

describe('resync on mapping change', () => {
  let sb: SalesforceSandbox;
  const opened: TestApp[] = [];
  const env = (extra: Record<string, string> = {}) => ({
    SALESFORCE_LOGIN_URL: sb.url, SALESFORCE_CLIENT_ID: DEFAULT_CLIENT_ID, SALESFORCE_CLIENT_SECRET: DEFAULT_CLIENT_SECRET,
    CUSTOMER_GRAPH_SALESFORCE_CDC: 'off', CUSTOMER_GRAPH_POLL_INTERVAL_MS: '600000', ...extra,
  });
  const start = async (extra: Record<string, string>, join?: TestApp) => {
    const app = await startTestApp({ demo: false, env: env(extra), ...(join ? { join, linkOnStart: false } : {}) });
    opened.push(app);
    return app;
  };
  const runs = async (app: TestApp) => app.app.database.db.select().from(resyncRuns);
  /** Saves the configuration in force with Customer's `field` checked by `quality` only. */
  const saveCustomerQuality = async (app: TestApp, field: string, quality: string[]) => {
    const doc = JSON.parse((await app.gql<{ mappingConfiguration: { document: string } }>('{ mappingConfiguration { document } }')).data!.mappingConfiguration.document) as Doc;
    doc.types.Customer.fields[field]!.quality = quality;
    return app.app.applyMappingConfig(doc);
  };
  const freshness = async (app: TestApp) => {
    const res = await app.gql<{ storedRecordsFreshness: { goldenType: string; followsMappingVersion: number | null; stale: boolean }[] }>('{ storedRecordsFreshness { goldenType followsMappingVersion stale } }');
    return new Map(res.data!.storedRecordsFreshness.map((f) => [f.goldenType, f]));
  };
  const versionOf = async (app: TestApp) => (await app.gql<{ mappingConfiguration: { version: number } }>('{ mappingConfiguration { version } }')).data!.mappingConfiguration.version;

  beforeAll(async () => {
    sb = await startSalesforceSandbox({ port: 0, demoSeed: generateDemoSeed({ customers: 10 }).salesforce });
  }, 60_000);
  afterAll(async () => {
    for (const app of opened.reverse()) await app.close();
    await sb?.close();
  });

  it('two quick saves touching Customer make one resync of Customer, after the quiet delay', async () => {
    const app = await start({ CUSTOMER_GRAPH_RESYNC_ON_MAPPING_CHANGE: 'auto', CUSTOMER_GRAPH_RESYNC_ON_MAPPING_CHANGE_DELAY_MS: String(DELAY_MS) });
    expect(await runs(app)).toEqual([]);
    // The check one delay after start (for types left stale before it) finds nothing to re-read; the saves come after
    // it, so the run below is theirs alone.
    await new Promise((r) => setTimeout(r, DELAY_MS + 500));
    expect(await runs(app)).toEqual([]);
    await saveCustomerQuality(app, 'firstName', []);
    const last = await saveCustomerQuality(app, 'lastName', []);
    expect([...(await freshness(app)).values()].filter((f) => f.stale).map((f) => f.goldenType)).toEqual(['Customer']);

    await expect.poll(async () => (await runs(app)).map((r) => r.state), { timeout: 60_000, interval: 250 }).toEqual(['done']);
    const [run] = await runs(app);
    expect(run!.goldenTypes).toEqual(['Customer']);
    expect(new Set(run!.objects.map((o) => o.goldenType))).toEqual(new Set(['Customer']));
    const f = await freshness(app);
    expect(f.get('Customer')).toMatchObject({ followsMappingVersion: last, stale: false });
    expect(f.get('Company')).toMatchObject({ followsMappingVersion: last - 2, stale: false });
    // Nothing is stale any more: no second run, however long one waits.
    await new Promise((r) => setTimeout(r, DELAY_MS * 2));
    expect((await runs(app)).length).toBe(1);
    await app.close();
    opened.splice(opened.indexOf(app), 1);
  }, 180_000);

  it('a resync running elsewhere when the delay ends puts it off until that one has ended', async () => {
    const app = await start({ CUSTOMER_GRAPH_RESYNC_ON_MAPPING_CHANGE: 'auto', CUSTOMER_GRAPH_RESYNC_ON_MAPPING_CHANGE_DELAY_MS: '500' });
    const db = app.app.database.db;
    // Another replica's run, its lease held for long.
    expect(await insertResync(db, 'held-elsewhere', 'replica-b-1-abcdef', 600_000)).not.toBeNull();
    const saved = await saveCustomerQuality(app, 'firstName', []);
    // Several quiet delays pass: the run elsewhere is unfinished, so none is started here.
    await new Promise((r) => setTimeout(r, 2500));
    expect((await runs(app)).map((r) => r.id)).toEqual(['held-elsewhere']);
    await db.update(resyncRuns).set({ state: 'done', finishedAt: sql`now()`, leaseOwner: null, leaseUntil: null }).where(sql`${resyncRuns.id} = 'held-elsewhere'`);

    await expect.poll(async () => (await runs(app)).filter((r) => r.id !== 'held-elsewhere').map((r) => [r.state, r.goldenTypes]), { timeout: 60_000, interval: 250 })
      .toEqual([['done', ['Customer']]]);
    expect((await freshness(app)).get('Customer')).toMatchObject({ followsMappingVersion: saved, stale: false });
    await app.close();
    opened.splice(opened.indexOf(app), 1);
  }, 180_000);

  it.skipIf(!onPostgres)('a process that does not lead change capture starts no resync; once it leads, it re-reads what is still stale without another save', async () => {
    // Long enough that a loaded machine never lets the leader's lease lapse; the follower checks every 2 s.
    const lease = { CUSTOMER_GRAPH_LEADER_LEASE_MS: '6000' };
    const leader = await start({ ...lease, CUSTOMER_GRAPH_RESYNC_ON_MAPPING_CHANGE: 'never' });
    const follower = await start({ ...lease, CUSTOMER_GRAPH_RESYNC_ON_MAPPING_CHANGE: 'auto', CUSTOMER_GRAPH_RESYNC_ON_MAPPING_CHANGE_DELAY_MS: '300' }, leader);
    expect(leader.app.sync.leadership.isLeader()).toBe(true);
    expect(follower.app.sync.leadership.isLeader()).toBe(false);
    const saved = await saveCustomerQuality(follower, 'firstName', []);
    await expect.poll(() => versionOf(leader), { timeout: 30_000 }).toBe(saved);
    expect((await freshness(follower)).get('Customer')).toMatchObject({ stale: true });
    await new Promise((r) => setTimeout(r, 3000));
    expect(await runs(leader)).toEqual([]);

    // The leader stops (a deploy): the follower takes change capture over and, with no save announced since, finds
    // Customer still stale and re-reads it.
    // (The leader's process only: its TestApp.close() would drop the database the two share, dropped below instead.)
    await leader.app.close();
    opened.splice(opened.indexOf(leader), 1);
    try {
      await expect.poll(() => follower.app.sync.leadership.isLeader(), { timeout: 20_000 }).toBe(true);
      await expect.poll(async () => (await runs(follower)).map((r) => [r.state, r.goldenTypes]), { timeout: 60_000, interval: 250 })
        .toEqual([['done', ['Customer']]]);
      expect((await freshness(follower)).get('Customer')).toMatchObject({ followsMappingVersion: saved, stale: false });
    } finally {
      await follower.close();
      opened.splice(opened.indexOf(follower), 1);
      const admin = postgres(process.env.DATABASE_URL!, { max: 1, onnotice: () => {} });
      await admin.unsafe(`drop database if exists "${new URL(leader.databaseUrl!).pathname.slice(1)}" with (force)`);
      await admin.end();
    }
  }, 180_000);

  it('a malformed mode is refused at start with CONFIG_INVALID', async () => {
    await expect(startTestApp({ demo: false, env: env({ CUSTOMER_GRAPH_RESYNC_ON_MAPPING_CHANGE: 'sometimes' }) }))
      .rejects.toMatchObject({ code: 'CONFIG_INVALID', message: expect.stringContaining('CUSTOMER_GRAPH_RESYNC_ON_MAPPING_CHANGE must be one of never, auto') });
  }, 120_000);
});
