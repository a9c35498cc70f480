/**
 * The retirement of a deleted connector's links (sync/connector-retirement.ts) in passes: 1,201 links over passes of
 * 500 commit three transactions, each retiring its links and deleting its orphans; another connector's links are
 * untouched; a golden record whose other source's CRM does not run here keeps its snapshot, with a warning.
 */
import { pino } from 'pino';
import { and, count, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CustomerChangedEvent } from '../../db/change-events.ts';
import { listenCustomerChanged } from '../../db/change-events.ts';
import { newGoldenId } from '../../db/golden-ids.ts';
import { goldenRecords, recordLinks } from '../../db/schema.ts';
import { DEFAULT_MAPPING_CONFIG } from '../../resolver-engine/index.ts';
import type { MappingConfig } from '../../resolver-engine/index.ts';
import { retireConnectorLinks } from '../../sync/connector-retirement.ts';
import type { RetirementReport } from '../../sync/connector-retirement.ts';
import { openTestDatabase } from '../support/test-database.ts';
import type { TestDatabase } from '../support/test-database.ts';

const config: MappingConfig = { ...DEFAULT_MAPPING_CONFIG, types: { Customer: DEFAULT_MAPPING_CONFIG.types.Customer! } };
const ORPHANS = 1200;

describe('retiring a deleted connector\'s links in passes', () => {
  let t: TestDatabase;
  const orphanIds: string[] = [];
  const shared = newGoldenId('Customer', Date.now() - 1);
  const other = newGoldenId('Customer', Date.now() - 2);

  beforeAll(async () => {
    t = await openTestDatabase();
    for (let i = 0; i < ORPHANS; i++) orphanIds.push(newGoldenId('Customer', Date.now() + i));
    await t.db.insert(goldenRecords).values([...orphanIds, shared, other].map((id) => ({ id, entityType: 'Customer', snapshot: { email: `${id}@example.com` } })));
    const link = (goldenId: string, connectorId: string, crm: string, recordId: string) => ({ goldenId, entityType: 'Customer', connectorId, crm, objectType: 'contacts', recordId });
    for (let i = 0; i < ORPHANS; i += 500) {
      await t.db.insert(recordLinks).values(orphanIds.slice(i, i + 500).map((id, j) => link(id, 'gone', 'hubspot', `r${String(i + j).padStart(5, '0')}`)));
    }
    await t.db.insert(recordLinks).values([
      link(shared, 'gone', 'hubspot', 'shared'),
      { ...link(shared, 'sf', 'salesforce', '003shared'), objectType: 'Contact' },
      link(other, 'hubspot-main', 'hubspot', 'r00001'),
    ]);
  }, 60_000);
  afterAll(async () => t?.close());

  it('retires 1,201 links in three passes, deletes the 1,200 orphans with an event each, and keeps the rest', async () => {
    const events: CustomerChangedEvent[] = [];
    const unlisten = await listenCustomerChanged(t, (e) => void events.push(e));
    const lines: { level: number; msg: string; kept?: number }[] = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line) as (typeof lines)[number]) });
    const progress: RetirementReport[] = [];
    // No connector at all: the shared customer's Salesforce record cannot be read here.
    const report = await retireConnectorLinks({ db: t.db, getConfig: () => config, connectors: new Map(), logger, chunkSize: 500, onProgress: (p) => void progress.push(p) }, 'gone');

    expect(progress.map((p) => p.linksRetired)).toEqual([500, 1000, 1201]);
    expect(report).toMatchObject({ connectorId: 'gone', chunks: 3, linksRetired: 1201, goldenDeleted: ORPHANS, snapshotsChanged: 0, kept: [shared] });
    const linksOf = async (connectorId: string, status: string) =>
      (await t.db.select({ n: count() }).from(recordLinks).where(and(eq(recordLinks.connectorId, connectorId), eq(recordLinks.status, status))))[0]!.n;
    expect(await linksOf('gone', 'deleted')).toBe(1201);
    expect(await linksOf('gone', 'active')).toBe(0);
    expect(await linksOf('hubspot-main', 'active')).toBe(1);
    expect(await linksOf('sf', 'active')).toBe(1);
    const statuses = await t.db.select({ status: goldenRecords.status, n: count() }).from(goldenRecords).groupBy(goldenRecords.status);
    expect(Object.fromEntries(statuses.map((s) => [s.status, s.n]))).toEqual({ deleted: ORPHANS, active: 2 });

    await expect.poll(() => events.length, { timeout: 10_000 }).toBe(ORPHANS);
    expect(new Set(events.map((e) => e.customerId))).toEqual(new Set(orphanIds));
    expect(events.every((e) => e.changedFields === undefined)).toBe(true);
    expect(lines.find((l) => l.msg === 'links of the deleted connector retired')).toBeDefined();
    expect(lines.find((l) => l.level === 40)?.kept).toBe(1);
    await unlisten();

    // Nothing left: a second run retires nothing and says nothing.
    lines.splice(0);
    expect(await retireConnectorLinks({ db: t.db, getConfig: () => config, connectors: new Map(), logger }, 'gone')).toMatchObject({ chunks: 0, linksRetired: 0 });
    expect(lines).toEqual([]);
  }, 60_000);
});
