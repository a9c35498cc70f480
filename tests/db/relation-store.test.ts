/**
 * The relation store on both drivers: golden ids of native records by CRM object and id (live links only), stored
 * references rewritten only when they changed, and the inverse pages of several parents in one statement — counts,
 * `first`, `after`, deleted links and golden records left out.
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGoldenRecords, upsertLinks } from '../../db/link-store.ts';
import { goldenIdsOfRecords, goldenIdsReferencing, writeLinkRefs } from '../../db/relation-store.ts';
import { goldenRecords, recordLinks } from '../../db/schema.ts';
import { openTestDatabase } from '../support/test-database.ts';
import type { TestDatabase } from '../support/test-database.ts';

let t: TestDatabase;
let companies: string[];
let people: string[];
const ref = (account: string) => `company=salesforce/Account/${account}`;

beforeAll(async () => {
  t = await openTestDatabase();
  companies = await createGoldenRecords(t.db, 'Company', 2);
  people = await createGoldenRecords(t.db, 'Customer', 5);
  const link = (goldenId: string, entityType: string, objectType: string, recordId: string) => ({ goldenId, entityType, connectorId: 'sf', crm: 'salesforce', objectType, recordId, matchKey: null });
  await upsertLinks(t.db, [
    link(companies[0]!, 'Company', 'Account', 'A1'), link(companies[1]!, 'Company', 'Account', 'B1'),
    ...people.map((p, i) => link(p, 'Customer', 'Contact', `C${i}`)),
  ]);
  // Four people at A1, one at B1; person 3 is later deleted.
  await writeLinkRefs(t.db, people.map((_, i) => ({ connectorId: 'sf', objectType: 'Contact', recordId: `C${i}`, refs: [ref(i === 4 ? 'B1' : 'A1')] })));
}, 60_000);
afterAll(async () => t?.close());

describe('relation store', () => {
  it('finds the golden records of native records, whatever the connector, live links only', async () => {
    const found = await goldenIdsOfRecords(t.db, [
      { crm: 'salesforce', objectType: 'Account', recordId: 'A1' }, { crm: 'salesforce', objectType: 'Account', recordId: 'ZZ' }, { crm: 'hubspot', objectType: 'Account', recordId: 'A1' },
    ]);
    expect([...found]).toEqual([['salesforce/Account/A1', companies[0]]]);
  });

  it('pages the records referencing each parent in one call: counts, first, after', async () => {
    const keysByParent = new Map([[companies[0]!, [ref('A1')]], [companies[1]!, [ref('B1')]], ['com_nothing', []]]);
    const firstPage = await goldenIdsReferencing(t.db, { entityType: 'Customer', keysByParent, first: 2 });
    expect(firstPage.get(companies[0]!)).toEqual({ ids: people.slice(0, 2), totalCount: 4, hasNextPage: true });
    expect(firstPage.get(companies[1]!)).toEqual({ ids: [people[4]], totalCount: 1, hasNextPage: false });
    expect(firstPage.get('com_nothing')).toEqual({ ids: [], totalCount: 0, hasNextPage: false });
    const next = await goldenIdsReferencing(t.db, { entityType: 'Customer', keysByParent, first: 2, afterId: people[1]! });
    expect(next.get(companies[0]!)).toEqual({ ids: people.slice(2, 4), totalCount: 4, hasNextPage: false });
    expect(next.get(companies[1]!)).toEqual({ ids: [people[4]], totalCount: 1, hasNextPage: false });
    // Past every record: the counts stay, the pages are empty.
    const past = await goldenIdsReferencing(t.db, { entityType: 'Customer', keysByParent, first: 2, afterId: people[4]! });
    expect(past.get(companies[0]!)).toEqual({ ids: [], totalCount: 4, hasNextPage: false });
    const none = await goldenIdsReferencing(t.db, { entityType: 'Customer', keysByParent, first: 0 });
    expect(none.get(companies[0]!)).toEqual({ ids: [], totalCount: 4, hasNextPage: true });
    // Only the type asked for.
    expect((await goldenIdsReferencing(t.db, { entityType: 'Deal', keysByParent, first: 5 })).get(companies[0]!)!.totalCount).toBe(0);
  });

  it('leaves out deleted links and deleted golden records, and follows rewritten references', async () => {
    await t.db.update(recordLinks).set({ status: 'deleted' }).where(eq(recordLinks.recordId, 'C3'));
    await t.db.update(goldenRecords).set({ status: 'deleted' }).where(eq(goldenRecords.id, people[2]!));
    await writeLinkRefs(t.db, [{ connectorId: 'sf', objectType: 'Contact', recordId: 'C0', refs: [ref('B1')] }]);
    const pages = await goldenIdsReferencing(t.db, { entityType: 'Customer', keysByParent: new Map([[companies[0]!, [ref('A1')]], [companies[1]!, [ref('B1')]]]), first: 10 });
    expect(pages.get(companies[0]!)).toEqual({ ids: [people[1]], totalCount: 1, hasNextPage: false });
    expect(pages.get(companies[1]!)).toEqual({ ids: [people[0], people[4]], totalCount: 2, hasNextPage: false });
  });
});
