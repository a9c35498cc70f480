/**
 * The polling fallback and the change applier against the sandboxes (real connectors, real database): a poll that
 * fails halfway resumes from its last committed cursor, a second poll changes nothing, and deletions mark links
 * deleted (history kept) and a customer with no live source deleted.
 */
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Connector } from '../../connectors/contract/index.ts';
import { goldenRecords, recordLinks } from '../../db/schema.ts';
import { readCursor } from '../../db/sync-store.ts';
import { DEFAULT_MAPPING_CONFIG } from '../../resolver-engine/index.ts';
import type { MappingConfig } from '../../resolver-engine/index.ts';
import { generateDemoSeed } from '../../sandboxes/demo/index.ts';
import type { ChangeApplierContext } from '../../sync/change-applier.ts';
import { runEmailLinker } from '../../sync/email-linker.ts';
import { pollOnce } from '../../sync/poller.ts';
import { startWorld } from '../subgraphs/golden/support/world.ts';
import type { World } from '../subgraphs/golden/support/world.ts';

const seed = generateDemoSeed({ customers: 30 });
const customersOnly: MappingConfig = { ...DEFAULT_MAPPING_CONFIG, types: { Customer: DEFAULT_MAPPING_CONFIG.types.Customer! } };
let world: World;

/** The real HubSpot connector whose change feed dies after `okBatches` batches (a CRM failing mid-poll). */
function failingAfter(connector: Connector, okBatches: number): Connector {
  return Object.assign(Object.create(connector) as Connector, {
    async *readChanges(...args: Parameters<Connector['readChanges']>) {
      let n = 0;
      for await (const batch of connector.readChanges(...args)) {
        if (n++ >= okBatches) throw new Error('hubspot: connection reset mid-poll');
        yield batch;
      }
    },
  });
}

const context = (connectors: Map<string, Connector>): ChangeApplierContext => ({ db: world.db.db, config: customersOnly, connectors });

beforeAll(async () => {
  world = await startWorld(DEFAULT_MAPPING_CONFIG, { seed });
  // Linked the way the product links (identity resolution), so polling the unchanged CRMs finds nothing to merge.
  await runEmailLinker({ db: world.db.db, config: DEFAULT_MAPPING_CONFIG, connectors: world.connectors, matchCustomers: 'identity' });
}, 120_000);
afterAll(async () => world?.close());

describe('poller', () => {
  it('resumes from the last committed cursor after failing halfway, and a second poll changes nothing', async () => {
    const hubspot = world.connectors.get('hubspot')!;
    const broken = new Map(world.connectors);
    broken.set('hubspot', failingAfter(hubspot, 2));
    const first = await pollOnce(context(broken), { pageSize: 5 });
    expect(first.failed).toEqual([expect.objectContaining({ crm: 'hubspot', objectType: 'contacts' })]);
    const afterFailure = await readCursor(world.db.db, 'hubspot', 'contacts');
    expect(afterFailure).not.toBeNull(); // the two committed batches' cursor

    const resumed = await pollOnce(context(world.connectors), { pageSize: 5 });
    expect(resumed.failed).toEqual([]);
    const hubspotContacts = seed.hubspot.contacts.length;
    // Salesforce read everything in the first round; HubSpot only what the failure left (plus the overlap).
    const salesforceContacts = seed.salesforce.Contact.length;
    expect(resumed.records - salesforceContacts).toBeLessThan(hubspotContacts);
    expect(resumed.records).toBeGreaterThan(0);
    // Nothing changed in the CRMs since linking: no merged value changed, no event.
    expect(first.events + resumed.events).toBe(0);
    const again = await pollOnce(context(world.connectors), { pageSize: 5 });
    expect(again.snapshotsChanged).toBe(0);
    expect(again.events).toBe(0);
  }, 60_000);

  it('a deleted HubSpot contact marks its link deleted; a customer with no live source is deleted', async () => {
    const [link] = await world.db.db.select().from(recordLinks).where(and(eq(recordLinks.crm, 'hubspot'), eq(recordLinks.entityType, 'Customer')));
    const others = await world.db.db.select().from(recordLinks).where(eq(recordLinks.goldenId, link!.goldenId));
    const [deleted] = await world.connectors.get('hubspot')!.deleteMany('contacts', [link!.recordId]);
    expect(deleted!.ok).toBe(true);
    const report = await pollOnce(context(world.connectors), { pageSize: 5 });
    expect(report.failed).toEqual([]);
    expect(report.deletions).toBeGreaterThanOrEqual(1);
    const [after] = await world.db.db.select().from(recordLinks).where(eq(recordLinks.id, link!.id));
    expect(after).toMatchObject({ status: 'deleted', goldenId: link!.goldenId });
    expect(after!.deletedAt).not.toBeNull();
    const [golden] = await world.db.db.select().from(goldenRecords).where(eq(goldenRecords.id, link!.goldenId));
    expect(golden!.status).toBe(others.length > 1 ? 'active' : 'deleted');
    expect(golden!.snapshot).not.toBeNull(); // history kept
  }, 60_000);
});
