/**
 * The link run reads ahead (sync/email-linker.ts with lib/prefetch.ts), against the Salesforce and HubSpot sandboxes
 * through the real connectors: the next page of an object is requested while the current one is linked, the next
 * object's and the next type's first pages before their turn, no page is requested twice; and identity resolution
 * gives the same customers, snapshots and reviews whichever CRM answers first. The connectors are the real ones,
 * seen through a counter (and, for the ordering test, a gate that holds one CRM's pages back until the other is read).
 * (The matcher and clustering sort what they are given, so records arriving in another order would mostly give the
 * same customers anyway; the linker also puts them back in the configured order, which keeps reports and the order
 * of survivorship inputs as they were.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asc } from 'drizzle-orm';
import type { Connector, NativeRecord } from '../../connectors/contract/index.ts';
import { pendingReviews } from '../../db/decision-store.ts';
import { goldenRecords, recordLinks } from '../../db/schema.ts';
import { DEFAULT_MAPPING_CONFIG } from '../../resolver-engine/index.ts';
import type { MappingConfig } from '../../resolver-engine/index.ts';
import { generateDemoSeed } from '../../sandboxes/demo/index.ts';
import { runEmailLinker } from '../../sync/email-linker.ts';
import type { LinkerProgress } from '../../sync/email-linker.ts';
import { startWorld } from '../subgraphs/golden/support/world.ts';
import type { World } from '../subgraphs/golden/support/world.ts';
import { openTestDatabase } from '../support/test-database.ts';
import type { TestDatabase } from '../support/test-database.ts';

const seed = generateDemoSeed({ customers: 40 });
let world: World;
const databases: TestDatabase[] = [];

beforeAll(async () => {
  world = await startWorld(DEFAULT_MAPPING_CONFIG, { seed });
}, 120_000);
afterAll(async () => {
  await Promise.allSettled(databases.map((d) => d.close()));
  await world?.close();
});

async function freshDatabase(): Promise<TestDatabase> {
  const db = await openTestDatabase();
  databases.push(db);
  return db;
}

/**
 * The world's connectors, each page request counted per `crm/objectType` (the final request that finds no more
 * pages included); `before` may hold a request back until something else has happened, `ended` hears of the end.
 */
function counted(hooks: { before?: (crm: string, objectType: string) => Promise<void>; ended?: (crm: string) => void } = {}) {
  const asked = new Map<string, number>();
  const connectors = new Map<string, Connector>();
  for (const [crm, real] of world.connectors) {
    connectors.set(crm, new Proxy(real, {
      get(target, prop) {
        if (prop !== 'pageRecords') {
          const value = Reflect.get(target, prop) as unknown;
          return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
        }
        return async function* (objectType: string, options: Parameters<Connector['pageRecords']>[1]): AsyncGenerator<NativeRecord[]> {
          const key = `${crm}/${objectType}`;
          const pages = target.pageRecords(objectType, options);
          for (;;) {
            asked.set(key, (asked.get(key) ?? 0) + 1);
            await hooks.before?.(crm, objectType);
            const r = await pages.next();
            if (r.done) return hooks.ended?.(crm);
            yield r.value;
          }
        };
      },
    }));
  }
  return { asked, connectors };
}

describe('the link run reads ahead', () => {
  it('requests the next page while a page is linked, and the next object\'s and type\'s first pages before their turn', async () => {
    const db = await freshDatabase();
    const { asked, connectors } = counted();
    const seen: { progress: LinkerProgress; asked: Record<string, number> }[] = [];
    const report = await runEmailLinker({
      db: db.db, config: DEFAULT_MAPPING_CONFIG, connectors, pageSize: 2,
      onProgress: (progress) => seen.push({ progress, asked: Object.fromEntries(asked) }),
    });
    expect(report.failed).toEqual([]);
    const at = (goldenType: string, key: string, records: number) =>
      seen.find((s) => s.progress.goldenType === goldenType && `${s.progress.crm}/${s.progress.objectType}` === key && s.progress.records === records)!.asked;
    const companies = seed.hubspot.companies.length;
    expect(companies).toBeGreaterThan(4);
    // HubSpot companies come 2 a page: once the first page is linked (its transaction committed), page 2 was requested.
    expect(at('Company', 'hubspot/companies', 2)['hubspot/companies']).toBeGreaterThanOrEqual(2);
    // Salesforce Accounts come in one page (Salesforce serves at least 200): linked while HubSpot's first page is asked for.
    expect(at('Company', 'salesforce/Account', seed.salesforce.Account.length)['hubspot/companies']).toBeGreaterThanOrEqual(1);
    // Once Customers are read, the Company objects' first pages are requested while customers are stored.
    const customerSnapshots = seen.find((s) => s.progress.goldenType === 'Customer' && s.progress.phase === 'snapshots')!.asked;
    expect(customerSnapshots['salesforce/Account']).toBeGreaterThanOrEqual(1);
    expect(customerSnapshots['hubspot/companies']).toBeGreaterThanOrEqual(1);
    // No page was requested twice: one request per page of 2, plus the one that finds the end.
    expect(asked.get('hubspot/companies')).toBe(Math.ceil(companies / 2) + 1);
    expect(asked.get('salesforce/Account')).toBe(2);
    expect(report.recordsRead).toBe(seed.salesforce.Contact.length + seed.salesforce.Account.length + seed.salesforce.Opportunity.length
      + seed.hubspot.contacts.length + companies + seed.hubspot.deals.length);
  });

  it('identity resolution links the same customers whichever CRM answers first', async () => {
    const config: MappingConfig = { ...DEFAULT_MAPPING_CONFIG, types: { Customer: DEFAULT_MAPPING_CONFIG.types.Customer! } };
    // Same name and place, one record without email or phone: a pair for review (as in identity-sync.test.ts).
    const created = await Promise.all([
      world.connectors.get('salesforce')!.createMany('Contact', [{ fields: { FirstName: 'Sara', LastName: 'Lind', Email: 'sara.lind@globex.com', MailingCity: 'Boston', MailingPostalCode: '02110' } }]),
      world.connectors.get('hubspot')!.createMany('contacts', [{ fields: { firstname: 'Sara', lastname: 'Lind', city: 'Boston', zip: '02110' } }]),
    ]);
    expect(created.flat().every((r) => r.ok)).toBe(true);
    /** One run on a fresh database, `late`'s pages held back until every page of the other CRM was read. */
    const run = async (late: 'salesforce' | 'hubspot') => {
      let otherDone!: () => void;
      const otherRead = new Promise<void>((resolve) => (otherDone = resolve));
      const other = late === 'salesforce' ? 'hubspot' : 'salesforce';
      const order: string[] = [];
      const { connectors } = counted({ before: async (crm) => { if (crm === late) await otherRead; }, ended: (crm) => { if (crm === other) otherDone(); } });
      const db = await freshDatabase();
      const report = await runEmailLinker({
        db: db.db, config, connectors, matchCustomers: 'identity', pageSize: 10,
        onProgress: (p) => { if (p.phase === 'reading') order.push(p.crm!); },
      });
      return { report, order, outcome: await outcome(db) };
    };
    const sfLate = await run('salesforce');
    const hsLate = await run('hubspot');
    // The CRMs did answer in opposite orders…
    expect(sfLate.order[0]).toBe('hubspot');
    expect(sfLate.order.at(-1)).toBe('salesforce');
    expect(hsLate.order[0]).toBe('salesforce');
    expect(hsLate.order.at(-1)).toBe('hubspot');
    // …and the outcome is the same: which records make each customer, in the order the customers were created,
    // what was merged and what was queued for review.
    expect(sfLate.report.failed).toEqual([]);
    expect(sfLate.outcome.reviews).toHaveLength(1);
    expect(sfLate.report.goldenCreated).toBeLessThan(sfLate.report.linksCreated); // records were joined
    expect(hsLate.outcome).toEqual(sfLate.outcome);
    const { goldenCreated, linksCreated, customersMerged, reviewsQueued, recordsRead } = sfLate.report;
    expect(hsLate.report).toMatchObject({ goldenCreated, linksCreated, customersMerged, reviewsQueued, recordsRead });
  });

  it('reports objects that failed in the configured order, whichever failed first, and goes on with the next type', async () => {
    let hubspotFailed!: () => void;
    const hubspotDown = new Promise<void>((resolve) => (hubspotFailed = resolve));
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const { connectors } = counted({
        before: async (crm, objectType) => {
          if (objectType === 'contacts') { hubspotFailed(); throw new Error('HubSpot contacts unavailable'); }
          if (objectType === 'Contact') { await hubspotDown; throw new Error('Salesforce Contact unavailable'); }
        },
      });
      const db = await freshDatabase();
      const report = await runEmailLinker({ db: db.db, config: DEFAULT_MAPPING_CONFIG, connectors, matchCustomers: 'identity' });
      expect(report.failed.map((f) => `${f.crm}/${f.objectType}`)).toEqual(['salesforce/Contact', 'hubspot/contacts']);
      expect(report.recordsRead).toBe(seed.salesforce.Account.length + seed.salesforce.Opportunity.length + seed.hubspot.companies.length + seed.hubspot.deals.length);
      await new Promise((r) => setImmediate(r));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });
});

/**
 * The run's result without its ids: customers in creation order (their records and merged snapshot), and the review
 * pairs queued.
 */
async function outcome(db: TestDatabase) {
  const links = await db.db.select().from(recordLinks).orderBy(asc(recordLinks.goldenId), asc(recordLinks.crm), asc(recordLinks.recordId));
  const customers = new Map<string, string[]>();
  for (const l of links) customers.set(l.goldenId, [...(customers.get(l.goldenId) ?? []), `${l.crm}:${l.recordId}`]);
  const snapshots = await db.db.select({ id: goldenRecords.id, snapshot: goldenRecords.snapshot, status: goldenRecords.status }).from(goldenRecords).orderBy(asc(goldenRecords.id));
  const membersOf = (key: string) => {
    const goldenId = key.replace(/^golden:/, '');
    return customers.get(goldenId)?.join('+') ?? key;
  };
  const reviews = (await pendingReviews(db.db, 1000)).map((r) => [membersOf(r.leftKey), membersOf(r.rightKey)].sort().join(' ~ ')).sort();
  return { customers: snapshots.map((g) => ({ records: customers.get(g.id) ?? [], status: g.status, snapshot: g.snapshot })), reviews };
}
