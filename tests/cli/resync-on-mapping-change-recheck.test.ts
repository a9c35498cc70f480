/**
 * CUSTOMER_GRAPH_RESYNC_ON_MAPPING_CHANGE=auto with CUSTOMER_GRAPH_RESYNC_ON_MAPPING_CHANGE_DELAY_MS=0 (a delay the
 * settings accept): a process that does not lead change capture, or one still waiting to serve an announced version,
 * checks again after a pause, not in a loop of zero-delay timers that keeps a core busy for as long as it follows.
 * Counts of checks over a fixed wait: a loop makes hundreds, a pause (a second; 100 ms while waiting for a version) a few.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MappingConfigStore } from '../../db/config-store.ts';
import { publishMappingSaved } from '../../db/mapping-events.ts';
import { goldenRecords } from '../../db/schema.ts';
import { followMappingSaves } from '../../cli/resync-on-mapping-change.ts';
import { createLogger } from '../../lib/logger.ts';
import { DEFAULT_MAPPING_CONFIG } from '../../resolver-engine/index.ts';
import { openTestDatabase } from '../support/test-database.ts';
import type { TestDatabase } from '../support/test-database.ts';

const logger = createLogger('test', process.env.TEST_LOG_LEVEL ?? 'silent');
const WAIT_MS = 300;

describe('resync on mapping change: re-checks with a zero delay', () => {
  let database: TestDatabase;
  let stop: (() => Promise<void>) | undefined;
  beforeEach(async () => {
    database = await openTestDatabase();
  });
  afterEach(async () => {
    await stop?.();
    stop = undefined;
    await database.close();
  });

  const follow = async (leads: () => boolean, version: () => number, versionWaitMs?: number) => {
    const started: (readonly string[] | undefined)[] = [];
    stop = await followMappingSaves({
      mode: 'auto', delayMs: 0, database, logger, leads, ...(versionWaitMs !== undefined ? { versionWaitMs } : {}),
      mappings: { version, config: () => DEFAULT_MAPPING_CONFIG, store: new MappingConfigStore(database.db) },
      resync: { start: async (types) => { started.push(types); return true; } },
    });
    return started;
  };

  it('a process that does not lead checks whether it leads once per pause, not in a loop', async () => {
    let checks = 0;
    const started = await follow(() => { checks++; return false; }, () => 1);
    await expect.poll(() => checks).toBeGreaterThan(0);
    await new Promise((r) => setTimeout(r, WAIT_MS));
    expect(checks).toBeLessThan(20);
    expect(started).toEqual([]);
  });

  it('a leader waiting to serve an announced version checks its version once per pause, not in a loop', async () => {
    let versionReads = 0;
    const started = await follow(() => true, () => { versionReads++; return 1; });
    // Announced by another process, not served here yet (never, in this test).
    await publishMappingSaved(database, { version: 2 });
    await expect.poll(() => versionReads).toBeGreaterThan(0);
    await new Promise((r) => setTimeout(r, WAIT_MS));
    expect(versionReads).toBeLessThan(20);
    expect(started).toEqual([]);
  });

  it('a leader whose announced version never arrives (refused here) re-reads with the version it serves after the wait', async () => {
    // A Customer record with no recorded version: stale.
    await database.db.insert(goldenRecords).values({ id: 'cus_01JZ0000000000000000000001', entityType: 'Customer' });
    // Not leading at first, so the check at start re-reads nothing and only checks again after its pause (1 s).
    let leading = false;
    let asked = 0;
    const started = await follow(() => { asked++; return leading; }, () => 1, 400);
    await expect.poll(() => asked).toBeGreaterThan(0);
    leading = true;
    await publishMappingSaved(database, { version: 2 });
    await new Promise((r) => setTimeout(r, 200));
    expect(started).toEqual([]);
    await expect.poll(() => started, { timeout: 5_000 }).toEqual([['Customer']]);
  });
});
