/**
 * The admin API's resync lives in the database (resync_runs; cli/resync.ts, db/resync-store.ts), not in the memory of
 * the process running it (real app on the embedded demo, token set):
 * - a run another process holds is reported `running` here, and a second start here is refused (CONFLICT);
 * - a finished run is reported alike by a second process on the same Postgres database (PGlite: the same app after
 *   a restart on its data folder);
 * - a run whose process died part-way (lease expired, one golden type finished) is reported `interrupted`, then
 *   finished by the next process's start: the types it had finished are not read again, the one it was reading is.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertResync, latestResync } from '../../db/resync-store.ts';
import { resyncRuns } from '../../db/schema.ts';
import { linkOrder } from '../../sync/relation-snapshot.ts';
import { bearerGraphql } from '../support/bearer-graphql.ts';
import { startTestApp } from '../support/test-app.ts';
import type { TestApp } from '../support/test-app.ts';

const TOKEN = 'resync-durable-token';
/** Only the check at start: this test is about the start, not the periodic check. */
const ENV = { CUSTOMER_GRAPH_RESYNC_CHECK_MS: '0' };
const STATUS = 'state startedAt finishedAt objects { goldenType crm objectType records } goldenCreated linksCreated snapshotsChanged failedObjects { crm objectType code } error resumes';
interface Status {
  state: string; startedAt: string | null; finishedAt: string | null; objects: { goldenType: string; crm: string; objectType: string; records: number }[];
  goldenCreated: number; failedObjects: unknown[]; error: string | null; resumes: number;
}

describe('a resync stored in the database', () => {
  const apps: TestApp[] = [];
  let first: TestApp;
  /** The PGlite folder and key of the first app (an app restarted on them reports a fresh folder of its own). */
  let home: { dataDir: string; secretKey: string };
  const gqlOf = (app: () => TestApp) => bearerGraphql(() => app().url, TOKEN);
  const statusOf = async (app: TestApp) => {
    const res = await gqlOf(() => app)<{ resyncStatus: Status }>(`{ resyncStatus { ${STATUS} } }`);
    expect(res.errors).toBeUndefined();
    return res.data!.resyncStatus;
  };

  /** The next process on the database: a second one on Postgres, the same app restarted on PGlite. */
  async function nextProcess(): Promise<TestApp> {
    let next: TestApp;
    if (first.databaseUrl) {
      next = await startTestApp({ env: ENV, join: first, linkOnStart: false });
    } else {
      await first.close();
      apps.splice(apps.indexOf(first), 1);
      next = await startTestApp({ env: ENV, linkOnStart: false, config: { CUSTOMER_GRAPH_DATA_DIR: home.dataDir, CUSTOMER_GRAPH_SECRET_KEY: home.secretKey } });
      first = next;
    }
    apps.push(next);
    return next;
  }

  beforeAll(async () => {
    process.env.CUSTOMER_GRAPH_API_TOKENS = TOKEN;
    first = await startTestApp({ env: ENV });
    home = { dataDir: first.dataDir, secretKey: first.secretKey };
    apps.push(first);
  }, 240_000);
  afterAll(async () => {
    for (const app of apps.reverse()) await app.close();
    delete process.env.CUSTOMER_GRAPH_API_TOKENS;
  });

  it('reports a run another process holds as running, and refuses a second start', async () => {
    const db = first.app.database.db;
    expect((await statusOf(first)).state).toBe('idle');
    // Another replica's run: its lease is held for long, whatever this process does.
    expect(await insertResync(db, 'held-elsewhere', 'replica-b-1-abcdef', 600_000)).not.toBeNull();
    expect(await statusOf(first)).toMatchObject({ state: 'running', finishedAt: null });
    const refused = await gqlOf(() => first)(`mutation { startResync { state } }`);
    expect(refused.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    // That replica finishes it.
    await db.update(resyncRuns).set({ state: 'done', finishedAt: sql`now()`, leaseOwner: null, leaseUntil: null }).where(sql`${resyncRuns.id} = 'held-elsewhere'`);
    expect((await statusOf(first)).state).toBe('done');
  }, 60_000);

  it('shows a finished run to the next process as it was', async () => {
    const started = await gqlOf(() => first)<{ startResync: Status }>(`mutation { startResync { ${STATUS} } }`);
    expect(started.errors).toBeUndefined();
    expect(started.data!.startResync.state).toBe('running');
    await expect.poll(async () => (await statusOf(first)).state, { timeout: 60_000, interval: 250 }).toBe('done');
    const done = await statusOf(first);
    expect(done.startedAt).toBe(started.data!.startResync.startedAt);
    expect(done.objects.find((o) => o.crm === 'salesforce' && o.objectType === 'Contact')?.records).toBeGreaterThan(0);

    const next = await nextProcess();
    expect(await statusOf(next)).toEqual(done);
  }, 240_000);

  it('finishes a run whose process died part-way at the next process\'s start', async () => {
    const db = first.app.database.db;
    const types = linkOrder(first.app.mappingConfig(), Object.keys(first.app.mappingConfig().types));
    expect(types).toContain('Customer');
    const finished = types.filter((t) => t !== 'Customer');
    // What a process left when it died reading Customer: the other types finished (their records counted 3, a number
    // no real read gives here), Customer part-read, its lease run out.
    const marker = finished.map((goldenType) => ({ goldenType, crm: 'marker', objectType: `${goldenType}-object`, records: 3 }));
    const row = await insertResync(db, 'died-part-way', 'host-a-4242-deadbeef', 600_000);
    expect(row).not.toBeNull();
    await db.update(resyncRuns).set({
      objects: [...marker, { goldenType: 'Customer', crm: 'salesforce', objectType: 'Contact', records: 1 }], doneTypes: finished, goldenCreated: 7,
      leaseUntil: sql`now() - interval '1 minute'`,
    }).where(sql`${resyncRuns.id} = 'died-part-way'`);
    const interrupted = await statusOf(first);
    expect(interrupted).toMatchObject({ state: 'interrupted', finishedAt: null, resumes: 0 });
    // This process checks only at its start (ENV): it leaves the run alone.
    expect((await statusOf(first)).state).toBe('interrupted');

    const next = await nextProcess();
    await expect.poll(async () => (await statusOf(next)).state, { timeout: 120_000, interval: 250 }).toBe('done');
    const done = await statusOf(next);
    expect(done).toMatchObject({ startedAt: interrupted.startedAt, resumes: 1, error: null, failedObjects: [] });
    expect(done.goldenCreated).toBeGreaterThanOrEqual(7);
    // The finished types were not read again; Customer was, from its start.
    for (const m of marker) expect(done.objects).toContainEqual(m);
    expect(done.objects.find((o) => o.goldenType === 'Customer' && o.crm === 'salesforce' && o.objectType === 'Contact')?.records).toBeGreaterThan(1);
    expect(done.objects.find((o) => o.goldenType === 'Customer' && o.crm === 'hubspot' && o.objectType === 'contacts')?.records).toBeGreaterThan(0);
    const stored = await latestResync(next.app.database.db);
    expect(stored).toMatchObject({ id: 'died-part-way', leaseOwner: null });
    expect(stored!.doneTypes).toEqual(expect.arrayContaining(types));
  }, 240_000);
});
