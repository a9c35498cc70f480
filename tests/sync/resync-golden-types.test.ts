/**
 * A resync of some golden types only (`startResync(goldenTypes:)`) keeps its list in its row (resync_runs.golden_types):
 * a run of Company whose process died is resumed by another check as a run of Company, reading no Customer or Deal
 * object, and records Company's snapshot basis only (real app on the embedded demo, token set).
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertResync } from '../../db/resync-store.ts';
import { resyncRuns } from '../../db/schema.ts';
import { listSnapshotBasis } from '../../db/snapshot-basis-store.ts';
import { bearerGraphql } from '../support/bearer-graphql.ts';
import { startTestApp } from '../support/test-app.ts';
import type { TestApp } from '../support/test-app.ts';

const TOKEN = 'resync-types-token';
interface Status { state: string; goldenTypes: string[] | null; resumes: number; objects: { goldenType: string; crm: string; objectType: string; records: number }[] }

describe('a resync of some golden types, resumed', () => {
  let t: TestApp;
  const gql = bearerGraphql(() => t.url, TOKEN);
  const status = async () => (await gql<{ resyncStatus: Status }>('{ resyncStatus { state goldenTypes resumes objects { goldenType crm objectType records } } }')).data!.resyncStatus;

  beforeAll(async () => {
    process.env.CUSTOMER_GRAPH_API_TOKENS = TOKEN;
    // The check for interrupted runs every second, so this process takes the run below over.
    t = await startTestApp({ env: { CUSTOMER_GRAPH_RESYNC_CHECK_MS: '1000' } });
  }, 240_000);
  afterAll(async () => {
    await t?.close();
    delete process.env.CUSTOMER_GRAPH_API_TOKENS;
  });

  it('reads the types of the run only, and records their basis only', async () => {
    const db = t.app.database.db;
    const before = new Map((await listSnapshotBasis(db)).map((b) => [b.goldenType, b]));
    expect([...before.keys()].sort()).toEqual(['Company', 'Customer', 'Deal']);
    expect(await insertResync(db, 'company-only', 'host-gone-1-deadbeef', 600_000, ['Company'])).not.toBeNull();
    await db.update(resyncRuns).set({ leaseUntil: sql`now() - interval '1 minute'` }).where(sql`${resyncRuns.id} = 'company-only'`);

    await expect.poll(async () => (await status()).state, { timeout: 60_000, interval: 250 }).toBe('done');
    const done = await status();
    expect(done).toMatchObject({ goldenTypes: ['Company'], resumes: 1 });
    expect(new Set(done.objects.map((o) => o.goldenType))).toEqual(new Set(['Company']));
    expect(done.objects.find((o) => o.crm === 'salesforce')?.records).toBeGreaterThan(0);

    const after = new Map((await listSnapshotBasis(db)).map((b) => [b.goldenType, b]));
    expect(after.get('Company')!.readAt!.getTime()).toBeGreaterThan(before.get('Company')!.readAt!.getTime());
    expect(after.get('Customer')!.readAt!.getTime()).toBe(before.get('Customer')!.readAt!.getTime());
    expect(after.get('Deal')!.readAt!.getTime()).toBe(before.get('Deal')!.readAt!.getTime());
  }, 120_000);
});
