/**
 * The metadata refresh schedule (cli/metadata-refresh.ts) on a real database (PGlite or Postgres, where two
 * schedulers stand for two processes) and a real Salesforce subgraph against the sandbox: a follower refreshes on the
 * leader's announcement at once, by itself every 10 intervals otherwise, and announces a change it finds so (the
 * other followers refresh at once); a process whose leadership is not known yet refreshes and announces like a
 * leader; a malformed announcement is set aside.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { startMetadataRefresh } from '../../cli/metadata-refresh.ts';
import type { MetadataRefresh } from '../../cli/metadata-refresh.ts';
import type { Connector } from '../../connectors/contract/index.ts';
import { CRM_METADATA_CHANGED_CHANNEL, listenCrmMetadataChanged } from '../../db/metadata-events.ts';
import type { CrmMetadataChangedEvent } from '../../db/metadata-events.ts';
import { createLogger } from '../../lib/logger.ts';
import type { SalesforceSandbox } from '../../sandboxes/salesforce/index.ts';
import type { NativeSubgraph } from '../../subgraphs/native/build-native-subgraph.ts';
import { salesforceHarness } from '../subgraphs/salesforce/harness.ts';
import { openTestDatabase } from '../support/test-database.ts';
import type { TestDatabase } from '../support/test-database.ts';

const INTERVAL_MS = 200;
const logger = createLogger('test', process.env.TEST_LOG_LEVEL ?? 'silent');

describe('metadata refresh schedule', () => {
  let database: TestDatabase;
  let salesforce: SalesforceSandbox;
  let connector: Connector;
  const running: MetadataRefresh[] = [];

  beforeAll(async () => {
    database = await openTestDatabase();
    salesforce = (await salesforceHarness.start()) as SalesforceSandbox;
    connector = salesforceHarness.connect(salesforce);
  }, 60_000);
  afterEach(async () => {
    await Promise.all(running.splice(0).map((r) => r.stop()));
  });
  afterAll(async () => {
    await database?.close();
    await salesforce?.close();
  });

  const subgraph = () => salesforceHarness.createSubgraph(connector) as Promise<NativeSubgraph>;
  const start = async (leads: () => boolean | undefined, native: NativeSubgraph, fallbackIntervals?: number) => {
    const refresh = await startMetadataRefresh({ database, intervalMs: INTERVAL_MS, leads, logger, ...(fallbackIntervals ? { fallbackIntervals } : {}) });
    running.push(refresh);
    refresh.add(native);
    return refresh;
  };
  /** When `native` first serves `field`, in ms from `since`. */
  const servedAfter = async (native: NativeSubgraph, field: string, since: number, timeout: number) => {
    await expect.poll(() => native.typeDefs(), { timeout, interval: 10 }).toContain(`${field}: String`);
    return performance.now() - since;
  };

  it('a follower refreshes at once when the leader announces a change', async () => {
    const leader = await subgraph();
    const follower = await subgraph();
    await start(() => true, leader);
    await start(() => false, follower);
    const field = await salesforceHarness.createCustomField(salesforce);
    const added = performance.now();
    const leaderMs = await servedAfter(leader, field, added, 3_000);
    const followerMs = await servedAfter(follower, field, added, 3_000);
    // Its own fallback is 10 intervals (2 s) away at the earliest after its start.
    expect(followerMs - leaderMs).toBeLessThan(INTERVAL_MS * 4);
  });

  it('a follower that hears nothing refreshes by itself every 10 intervals', async () => {
    const follower = await subgraph();
    await start(() => false, follower);
    const field = await salesforceHarness.createCustomField(salesforce);
    const started = performance.now();
    const ms = await servedAfter(follower, field, started, 10 * INTERVAL_MS + 2_000);
    // Not at the first intervals: only at the tenth.
    expect(ms).toBeGreaterThan(INTERVAL_MS * 7);
  });

  it('a follower that finds a change by its own fallback refresh announces it: the other followers refresh at once', async () => {
    const heard: CrmMetadataChangedEvent[] = [];
    const unlisten = await listenCrmMetadataChanged(database, (event) => heard.push(event));
    onTestFinished(() => unlisten());
    const finder = await subgraph();
    // Its own fallback is 1000 intervals away: only an announcement brings the field to it during this test.
    const other = await subgraph();
    await start(() => false, finder);
    await start(() => false, other, 1000);
    const field = await salesforceHarness.createCustomField(salesforce);
    const started = performance.now();
    const finderMs = await servedAfter(finder, field, started, 10 * INTERVAL_MS + 2_000);
    // Found by the fallback (the tenth interval), not by an announcement: nobody leads.
    expect(finderMs).toBeGreaterThan(INTERVAL_MS * 7);
    const otherMs = await servedAfter(other, field, started, 3_000);
    expect(otherMs - finderMs).toBeLessThan(INTERVAL_MS * 4);
    await expect.poll(() => heard.length, { timeout: 1_000, interval: 10 }).toBe(1);
    expect(heard[0]).toMatchObject({ crm: 'salesforce' });
    // The follower that refreshed on the announcement does not announce again.
    await new Promise((r) => setTimeout(r, INTERVAL_MS * 2));
    expect(heard).toHaveLength(1);
  });

  it('while leadership is not known, a process refreshes at the interval and announces like a leader', async () => {
    const undecided = await subgraph();
    const follower = await subgraph();
    await start(() => undefined, undecided);
    await start(() => false, follower);
    const field = await salesforceHarness.createCustomField(salesforce);
    const added = performance.now();
    expect(await servedAfter(undecided, field, added, 3_000)).toBeLessThan(INTERVAL_MS * 5);
    expect(await servedAfter(follower, field, added, 3_000)).toBeLessThan(INTERVAL_MS * 7);
  });

  it('a malformed announcement is set aside; the next good one is followed', async () => {
    const follower = await subgraph();
    await start(() => false, follower);
    const field = await salesforceHarness.createCustomField(salesforce);
    await database.notify(CRM_METADATA_CHANGED_CHANNEL, '{"crm": 42}');
    await database.notify(CRM_METADATA_CHANGED_CHANNEL, 'not json');
    await new Promise((r) => setTimeout(r, INTERVAL_MS * 2));
    expect(follower.typeDefs()).not.toContain(`${field}: String`);
    await database.notify(CRM_METADATA_CHANGED_CHANNEL, JSON.stringify({ crm: 'salesforce', origin: 'another-process' }));
    const heard = performance.now();
    expect(await servedAfter(follower, field, heard, 3_000)).toBeLessThan(INTERVAL_MS * 4);
  });
});
