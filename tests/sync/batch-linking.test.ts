/**
 * The batched writes of the link run (db/link-store.ts, sync/link-page.ts) give what linking one record at a time
 * gave: a native record linked already keeps its link and reports its golden id, records of one page join each other
 * by key, a cannot_link decision is respected against records linked earlier in the same page, an unchanged
 * snapshot is not rewritten, and a re-run creates nothing. A company with a domain joins one known by its name
 * alone while that name says which company it is, whichever CRM was linked first.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, count, eq } from 'drizzle-orm';
import { goldenKey, nativeKey, queueReviews, recordDecisions } from '../../db/decision-store.ts';
import { createGoldenRecord, createGoldenRecords, lockLinking, upsertLink, upsertLinks, writeSnapshots } from '../../db/link-store.ts';
import type { NewLink } from '../../db/link-store.ts';
import { goldenRecords, recordLinks } from '../../db/schema.ts';
import { findGolden } from '../../sync/find-golden.ts';
import { linkPage } from '../../sync/link-page.ts';
import { matchKeys } from '../../sync/match-keys.ts';
import type { PageLinkTarget } from '../../sync/link-page.ts';
import { openTestDatabase } from '../support/test-database.ts';
import type { TestDatabase } from '../support/test-database.ts';

let db: TestDatabase;
beforeAll(async () => {
  db = await openTestDatabase();
}, 60_000);
afterAll(async () => db?.close());

const link = (goldenId: string, recordId: string, matchKey: string | null = null): NewLink =>
  ({ goldenId, entityType: 'Company', connectorId: 'hubspot', crm: 'hubspot', objectType: 'companies', recordId, matchKey });

const companies: PageLinkTarget = { goldenType: 'Company', connectorId: 'sf', crm: 'salesforce', objectType: 'Account', matchDetail: (_id, _v, key) => ({ linker: 'email', key }) };

async function activeCompanies(): Promise<number> {
  const [row] = await db.db.select({ n: count() }).from(goldenRecords).where(and(eq(goldenRecords.entityType, 'Company'), eq(goldenRecords.status, 'active')));
  return row!.n;
}

describe('batched link writes', () => {
  it('upsertLinks creates new links and returns the existing golden id of a record linked already', async () => {
    const [a, b] = await createGoldenRecords(db.db, 'Company', 2);
    expect(a! < b!).toBe(true); // creation order
    await upsertLink(db.db, link(a!, 'c1'));
    const results = await upsertLinks(db.db, [link(b!, 'c1'), link(b!, 'c2'), link(a!, 'c2'), link(b!, 'c3')]);
    expect(results).toEqual([
      { goldenId: a, created: false }, // linked before: keeps its golden record
      { goldenId: b, created: true },
      { goldenId: b, created: false }, // listed twice: the first entry links it
      { goldenId: b, created: true },
    ]);
    const rows = await db.db.select({ recordId: recordLinks.recordId, goldenId: recordLinks.goldenId }).from(recordLinks)
      .where(eq(recordLinks.objectType, 'companies')).orderBy(recordLinks.recordId);
    expect(rows).toEqual([{ recordId: 'c1', goldenId: a }, { recordId: 'c2', goldenId: b }, { recordId: 'c3', goldenId: b }]);
  });

  it('writeSnapshots writes changed snapshots only and leaves unchanged rows alone', async () => {
    const [a, b] = await createGoldenRecords(db.db, 'Deal', 2);
    expect((await writeSnapshots(db.db, [{ goldenId: a!, snapshot: { name: 'x' } }, { goldenId: b!, snapshot: { name: 'y' } }])).size).toBe(2);
    const before = await db.db.select({ id: goldenRecords.id, updatedAt: goldenRecords.updatedAt }).from(goldenRecords).where(eq(goldenRecords.id, a!));
    const changed = await writeSnapshots(db.db, [{ goldenId: a!, snapshot: { name: 'x' } }, { goldenId: b!, snapshot: { name: 'z', stage: null } }]);
    expect([...changed]).toEqual([b]);
    const after = await db.db.select({ id: goldenRecords.id, updatedAt: goldenRecords.updatedAt, snapshot: goldenRecords.snapshot }).from(goldenRecords).where(eq(goldenRecords.entityType, 'Deal')).orderBy(goldenRecords.id);
    expect(after[0]!.updatedAt).toEqual(before[0]!.updatedAt);
    expect(after.map((r) => r.snapshot)).toEqual([{ name: 'x' }, { name: 'z', stage: null }]);
  });

  it('queueReviews queues a pair once, whichever way round it is listed', async () => {
    const n = await queueReviews(db.db, [
      { entityType: 'Deal', a: goldenKey('deal_A'), b: goldenKey('deal_B'), score: 5 },
      { entityType: 'Deal', a: goldenKey('deal_B'), b: goldenKey('deal_A'), score: 6 },
      { entityType: 'Deal', a: goldenKey('deal_A'), b: goldenKey('deal_C') },
    ]);
    expect(n).toBe(2);
    expect(await queueReviews(db.db, [{ entityType: 'Deal', a: goldenKey('deal_C'), b: goldenKey('deal_A') }])).toBe(0);
  });

  it('linkPage joins records of one page by key, respects cannot_link within the page, and a re-run creates nothing', async () => {
    const existing = await createGoldenRecord(db.db, 'Company');
    await upsertLink(db.db, { ...link(existing, 'old'), connectorId: 'sf', crm: 'salesforce', objectType: 'Account', matchKey: 'domain:old.example' });
    // p3 was split from p1 (an admin split): p1 is linked earlier in this very page, so p3 must not join it.
    await recordDecisions(db.db, [{ entityType: 'Company', a: nativeKey('sf', 'Account', 'p3'), b: nativeKey('sf', 'Account', 'p1'), decision: 'cannot_link' }]);
    const page = [
      { id: 'p1', values: { domain: 'new.example' } },
      { id: 'p2', values: { domain: 'NEW.example' } },
      { id: 'p3', values: { domain: 'new.example' } },
      { id: 'p4', values: { domain: 'old.example' } },
      { id: 'p5', values: { name: 'Nameless Ltd' } },
      { id: 'p6', values: {} },
    ];
    const companiesBefore = await activeCompanies();
    const first = await db.db.transaction(async (tx) => {
      await lockLinking(tx);
      return linkPage(tx, companies, page);
    });
    const g = (id: string) => first.goldenOf.get(id)!;
    expect(g('p2')).toBe(g('p1'));
    expect(g('p3')).not.toBe(g('p1'));
    expect(g('p4')).toBe(existing);
    expect(new Set([g('p1'), g('p3'), g('p5'), g('p6'), existing]).size).toBe(5);
    expect(first).toMatchObject({ goldenCreated: 4, linksCreated: 6 });
    expect(await activeCompanies()).toBe(companiesBefore + 4);

    const again = await db.db.transaction(async (tx) => {
      await lockLinking(tx);
      return linkPage(tx, companies, page);
    });
    expect(again).toMatchObject({ goldenCreated: 0, linksCreated: 0 });
    expect(again.goldenOf).toEqual(first.goldenOf);
    expect(await activeCompanies()).toBe(companiesBefore + 4);
  });
});

describe('a company with a domain and one known by its name alone, in either order', () => {
  const pipedriveOrg = (goldenId: string, recordId: string, name: string): NewLink => {
    const { key } = matchKeys('Company', { name });
    return { goldenId, entityType: 'Company', connectorId: 'pd', crm: 'pipedrive', objectType: 'organizations', recordId, matchKey: key, matchDetail: { linker: 'email', key } };
  };
  const link = (page: { id: string; values: Record<string, unknown> }[]) => db.db.transaction(async (tx) => {
    await lockLinking(tx);
    return linkPage(tx, companies, page);
  });

  it('linkPage: the first domain of a name-only company joins it, a second domain of that name founds its own', async () => {
    const named = await createGoldenRecord(db.db, 'Company');
    await upsertLink(db.db, pipedriveOrg(named, 'org-1', 'Northwind Traders'));
    const result = await link([
      { id: 'nw-1', values: { domain: 'northwind.example', name: 'Northwind Traders Inc.' } },
      { id: 'nw-2', values: { domain: 'northwind.example.co.uk', name: 'NORTHWIND TRADERS' } },
      { id: 'nw-3', values: { domain: 'Northwind.example', name: 'Northwind Traders' } },
    ]);
    expect(result.goldenOf.get('nw-1')).toBe(named);
    expect(result.goldenOf.get('nw-2')).not.toBe(named);
    expect(result.goldenOf.get('nw-3')).toBe(named);
    expect(result.goldenCreated).toBe(1);
    // A later page: the name is taken by two companies with domains, so a third domain joins neither.
    const later = await link([{ id: 'nw-4', values: { domain: 'northwind.example.de', name: 'Northwind Traders GmbH' } }]);
    expect([named, result.goldenOf.get('nw-2')]).not.toContain(later.goldenOf.get('nw-4'));
  });

  it('linkPage: a domain record never joins a company whose name another company with a domain holds', async () => {
    const named = await createGoldenRecord(db.db, 'Company');
    await upsertLink(db.db, pipedriveOrg(named, 'org-2', 'Contoso'));
    const first = await link([{ id: 'co-1', values: { domain: 'contoso.example', name: 'Contoso' } }]);
    expect(first.goldenOf.get('co-1')).toBe(named);
    // A second name-only golden of that name cannot exist (it would join by key); one with a domain can, and then
    // the name no longer says which company a new domain is.
    const other = await link([{ id: 'co-2', values: { domain: 'contoso.example.net', name: 'Contoso Ltd' } }]);
    expect(other.goldenOf.get('co-2')).not.toBe(named);
    expect(other.goldenCreated).toBe(1);
  });

  it('linkPage: a cannot_link decision keeps a domain record out of the name-only company', async () => {
    const named = await createGoldenRecord(db.db, 'Company');
    await upsertLink(db.db, pipedriveOrg(named, 'org-3', 'Fabrikam'));
    await recordDecisions(db.db, [{ entityType: 'Company', a: nativeKey('sf', 'Account', 'fa-1'), b: nativeKey('pd', 'organizations', 'org-3'), decision: 'cannot_link' }]);
    const result = await link([{ id: 'fa-1', values: { domain: 'fabrikam.example', name: 'Fabrikam' } }]);
    expect(result.goldenOf.get('fa-1')).not.toBe(named);
  });

  it('findGolden (one record at a time, as the change applier links): the same rule', async () => {
    const named = await createGoldenRecord(db.db, 'Company');
    await upsertLink(db.db, pipedriveOrg(named, 'org-4', 'Tailspin Toys'));
    const keys = matchKeys('Company', { domain: 'tailspin.example', name: 'Tailspin Toys, Inc.' });
    expect(await findGolden(db.db, 'Company', keys)).toBe(named);
    await upsertLink(db.db, { goldenId: named, entityType: 'Company', connectorId: 'sf', crm: 'salesforce', objectType: 'Account', recordId: 'ts-1', matchKey: keys.key, matchDetail: { alt: keys.altKey } });
    expect(await findGolden(db.db, 'Company', matchKeys('Company', { domain: 'tailspin.example.org', name: 'Tailspin Toys' }))).toBeNull();
    expect(await findGolden(db.db, 'Company', matchKeys('Company', { name: 'TAILSPIN TOYS' }))).toBe(named);
    // Without a name there is nothing to look up.
    expect(await findGolden(db.db, 'Company', matchKeys('Company', { domain: 'elsewhere.example' }))).toBeNull();
  });
});
