/**
 * The metadata refresh schedule (cli/metadata-refresh.ts) on a real database (PGlite or Postgres, where two
 * schedulers stand for two processes) and a real Salesforce subgraph against the sandbox: a follower refreshes on the
 * leader's announcement at once, by itself every 10 intervals otherwise, and a process whose leadership is not
 * known yet refreshes and announces like a leader; a malformed announcement is set aside.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startMetadataRefresh } from '../../cli/metadata-refresh.ts';
import type { MetadataRefresh } from '../../cli/metadata-refresh.ts';
import type { Connector } from '../../connectors/contract/index.ts';
import { CRM_METADATA_CHANGED_CHANNEL } from '../../db/metadata-events.ts';
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
  const start = async (leads: () => boolean | undefined, native: NativeSubgraph) => {
    const refresh = await startMetadataRefresh({ database, intervalMs: INTERVAL_MS, leads, logger });
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
