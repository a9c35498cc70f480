/**
 * Identity resolution on the sync path against the Salesforce and HubSpot sandboxes (real connectors, real
 * database): the start-time link run / backfill (`linkAll`, what `sync --backfill` runs) links customers with the
 * matcher, not by email alone — one person's records with different emails but the same name and phone are merged,
 * inside one CRM too; a household sharing one email is not; a review-band pair is queued once; a rejected review pair and an admin split stay apart on
 * re-runs; re-running queues and changes nothing; a record arriving through change capture joins its customer, and a
 * change showing two customers are one person merges them.
 */
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { linkAll } from '../../cli/link-on-start.ts';
import { decisionsTouching, goldenKey, pendingReviews } from '../../db/decision-store.ts';
import { goldenRecords, recordLinks } from '../../db/schema.ts';
import { createLogger } from '../../lib/logger.ts';
import { DEFAULT_MAPPING_CONFIG } from '../../resolver-engine/index.ts';
import type { MappingConfig } from '../../resolver-engine/index.ts';
import type { ChangeApplierContext } from '../../sync/change-applier.ts';
import { rejectReview, splitGolden } from '../../sync/identity-admin.ts';
import { pollOnce } from '../../sync/poller.ts';
import { startWorld } from '../subgraphs/golden/support/world.ts';
import type { World } from '../subgraphs/golden/support/world.ts';

const config: MappingConfig = { ...DEFAULT_MAPPING_CONFIG, types: { Customer: DEFAULT_MAPPING_CONFIG.types.Customer! } };
let world: World;
const ids: Record<string, { crm: 'salesforce' | 'hubspot'; id: string }> = {};

const context = (): ChangeApplierContext => ({ db: world.db.db, config, connectors: world.connectors });
const backfill = () => linkAll({ db: world.db.db, connectors: world.connectors, connectorIds: new Map(), getConfig: () => config, logger: createLogger('test', 'silent') });

async function create(name: string, crm: 'salesforce' | 'hubspot', fields: Record<string, unknown>): Promise<void> {
  const [result] = await world.connectors.get(crm)!.createMany(crm === 'salesforce' ? 'Contact' : 'contacts', [{ fields }]);
  if (!result?.ok) throw new Error(`creating ${name}: ${JSON.stringify(result)}`);
  ids[name] = { crm, id: result.id! };
}

async function goldenOf(name: string): Promise<string> {
  const { crm, id } = ids[name]!;
  const [row] = await world.db.db.select({ goldenId: recordLinks.goldenId }).from(recordLinks)
    .where(and(eq(recordLinks.crm, crm), eq(recordLinks.recordId, id)));
  if (!row) throw new Error(`${name} is not linked`);
  return row.goldenId;
}

const activeCustomers = async () => (await world.db.db.select({ id: goldenRecords.id }).from(goldenRecords)
  .where(and(eq(goldenRecords.entityType, 'Customer'), eq(goldenRecords.status, 'active')))).length;

beforeAll(async () => {
  world = await startWorld(config);
  // One person, three records: two emails, one phone in three formats; two of the records in Salesforce.
  await create('maria-sf', 'salesforce', { FirstName: 'Maria', LastName: 'Gonzalez', Email: 'maria.gonzalez@northwind-traders.com', Phone: '(415) 555-0142' });
  await create('maria-sf-dup', 'salesforce', { FirstName: 'Maria', LastName: 'Gonzalez', MobilePhone: '415.555.0142' });
  await create('maria-hs', 'hubspot', { firstname: 'Maria', lastname: 'Gonzalez', email: 'mgonzalez77@gmail.com', phone: '+1 415 555 0142' });
  // A household: two people sharing one personal email.
  await create('john', 'salesforce', { FirstName: 'John', LastName: 'Carter', Email: 'carter.household@gmail.com', Phone: '(212) 555-0190' });
  await create('linda', 'hubspot', { firstname: 'Linda', lastname: 'Carter', email: 'carter.household@gmail.com' });
  // Same name and place, one record without email or phone: the matcher is unsure (review band).
  await create('sara-sf', 'salesforce', { FirstName: 'Sara', LastName: 'Lind', Email: 'sara.lind@globex.com', MailingCity: 'Boston', MailingPostalCode: '02110' });
  await create('sara-hs', 'hubspot', { firstname: 'Sara', lastname: 'Lind', city: 'Boston', zip: '02110' });
  // Someone else entirely.
  await create('kenji', 'hubspot', { firstname: 'Kenji', lastname: 'Watanabe', email: 'kenji@tokyo-imports.jp' });
}, 120_000);
afterAll(async () => world?.close());

describe('identity resolution on the sync path', () => {
  it('backfill merges one person\'s records with different emails (same name and phone), inside one CRM too', async () => {
    const report = await backfill();
    expect(report.failed).toEqual([]);
    const maria = await goldenOf('maria-sf');
    expect(await goldenOf('maria-hs')).toBe(maria);
    expect(await goldenOf('maria-sf-dup')).toBe(maria);
    const links = await world.db.db.select().from(recordLinks).where(eq(recordLinks.goldenId, maria));
    expect(links).toHaveLength(3);
    expect(links[0]!.matchDetail).toMatchObject({ linker: 'identity', blocking: expect.arrayContaining(['phone:+14155550142']) });
  }, 60_000);

  it('a household sharing one email is not merged', async () => {
    expect(await goldenOf('john')).not.toBe(await goldenOf('linda'));
    expect(await activeCustomers()).toBe(6); // Maria, John, Linda, Kenji, and Sara twice
  });

  it('a pair in the review band is queued for review, not merged', async () => {
    const [a, b] = [await goldenOf('sara-sf'), await goldenOf('sara-hs')];
    expect(a).not.toBe(b);
    const reviews = await pendingReviews(world.db.db, 100);
    expect(reviews.map((r) => [r.leftKey, r.rightKey].sort().join(' '))).toEqual([[goldenKey(a), goldenKey(b)].sort().join(' ')]);
    expect(reviews[0]!.score).toBeGreaterThan(0);
    expect(reviews[0]!.reasons).toEqual(expect.arrayContaining([expect.objectContaining({ feature: 'lastName' })]));
  });

  it('re-running changes nothing: no new customer, link, merge, review or snapshot', async () => {
    const again = await backfill();
    expect(again).toMatchObject({ goldenCreated: 0, linksCreated: 0, customersMerged: 0, reviewsQueued: 0, snapshotsChanged: 0 });
    expect(await activeCustomers()).toBe(6);
    expect(await pendingReviews(world.db.db, 100)).toHaveLength(1);
  }, 60_000);

  it('a rejected pair stays apart and is not queued again after a re-run', async () => {
    const [review] = await pendingReviews(world.db.db, 100);
    await rejectReview(context(), review!.id, 'test');
    const again = await backfill();
    expect(again).toMatchObject({ customersMerged: 0, reviewsQueued: 0 });
    expect(await goldenOf('sara-sf')).not.toBe(await goldenOf('sara-hs'));
    expect(await pendingReviews(world.db.db, 100)).toHaveLength(0);
  }, 60_000);

  it('a new record arriving through change capture joins the existing customer (incremental match)', async () => {
    const maria = await goldenOf('maria-hs');
    await pollOnce(context()); // catch the cursors up: everything so far is linked already
    const before = await activeCustomers();
    await create('maria-hs-new', 'hubspot', { firstname: 'María', lastname: 'Gonzalez', email: 'maria@gonzalez-family.net', mobilephone: '415-555-0142' });
    const report = await pollOnce(context());
    expect(report.failed).toEqual([]);
    expect(await goldenOf('maria-hs-new')).toBe(maria);
    expect(await activeCustomers()).toBe(before);
  }, 60_000);

  it('an admin split is never undone by a re-run', async () => {
    const maria = await goldenOf('maria-sf');
    const { splitId } = await splitGolden(context(), { id: maria, records: [{ crm: 'salesforce', objectType: 'Contact', recordId: ids['maria-sf-dup']!.id }], actor: 'test' });
    const again = await backfill();
    expect(again).toMatchObject({ customersMerged: 0, goldenCreated: 0 });
    expect(await goldenOf('maria-sf-dup')).toBe(splitId);
    // Also on the incremental path: the split-off record changing does not bring it back.
    await world.connectors.get('salesforce')!.updateMany('Contact', [{ id: ids['maria-sf-dup']!.id, fields: { Title: 'Buyer' } }]);
    await pollOnce(context());
    expect(await goldenOf('maria-sf-dup')).toBe(splitId);
    expect(await goldenOf('maria-sf')).toBe(maria);
    const decided = await decisionsTouching(world.db.db, 'Customer', [goldenKey(maria)], ['cannot_link']);
    expect(decided.length).toBeGreaterThan(0);
  }, 60_000);

  it('a change that shows two customers are one person merges them through change capture (older survives)', async () => {
    await create('olu-sf', 'salesforce', { FirstName: 'Olu', LastName: 'Adeyemi', Email: 'olu@adeyemi-consulting.com', Phone: '(503) 555-0177' });
    await create('olu-hs', 'hubspot', { firstname: 'Olu', lastname: 'Adeyemi', email: 'olu.adeyemi@gmail.com' });
    await pollOnce(context());
    const [a, b] = [await goldenOf('olu-sf'), await goldenOf('olu-hs')];
    expect(a).not.toBe(b); // a namesake with another email: not enough on its own
    const [updated] = await world.connectors.get('hubspot')!.updateMany('contacts', [{ id: ids['olu-hs']!.id, fields: { phone: '+1 503 555 0177' } }]);
    expect(updated!.ok).toBe(true);
    const report = await pollOnce(context());
    expect(report.failed).toEqual([]);
    const [survivor, merged] = a < b ? [a, b] : [b, a];
    expect(await goldenOf('olu-sf')).toBe(survivor);
    expect(await goldenOf('olu-hs')).toBe(survivor);
    const [row] = await world.db.db.select().from(goldenRecords).where(eq(goldenRecords.id, merged));
    expect(row).toMatchObject({ status: 'merged', mergedInto: survivor });
    const [kept] = await world.db.db.select().from(goldenRecords).where(eq(goldenRecords.id, survivor));
    expect(kept!.snapshot).toMatchObject({ firstName: 'Olu', phone: '+15035550177' });
  }, 60_000);
});
