/**
 * Incremental identity runs (change capture) see the population, not only the records that share a name with the
 * new one: each Customer link stores context keys (company, mailing address) beside its blocking keys, a change is
 * matched with the stored records of its company and address read too, and with name and title rates taken from the
 * stored customers (sync/population-rates.ts). Real database; the matcher is the product's.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { recordLinks } from '../../db/schema.ts';
import { lockLinking } from '../../db/link-store.ts';
import type { IdentitySubject } from '../../sync/identity-linker.ts';
import { applyIdentity, matchSubjects } from '../../sync/identity-linker.ts';
import { MIN_SAMPLE, RATES_TTL_MS, populationRatesOf } from '../../sync/population-rates.ts';
import { openTestDatabase } from '../support/test-database.ts';
import type { TestDatabase } from '../support/test-database.ts';

let db: TestDatabase;
beforeAll(async () => {
  db = await openTestDatabase();
}, 60_000);
afterAll(async () => db?.close());

const FIRST = ['Ada', 'Grace', 'Alan', 'Edsger', 'Barbara', 'Donald', 'Frances', 'John', 'Margaret', 'Ken', 'Radia', 'Niklaus'];
const LAST = ['Okafor', 'Lindqvist', 'Tanaka', 'Moreau', 'Castillo', 'Novak', 'Haddad', 'Kowalski', 'Brennan', 'Ivanova', 'Sato', 'Ferreira'];

const colleague = (i: number): IdentitySubject => ({
  connectorId: 'sf', crm: 'salesforce', objectType: 'Contact', recordId: `c${i}`,
  values: { firstName: FIRST[i % 12], lastName: `${LAST[Math.floor(i / 12) % 12]}`, email: `person${i}@globex.example`, companyName: 'Globex Corporation',
    mailingStreet: '100 Main Street', mailingPostalCode: '02110', mailingCity: 'Boston' },
});

async function store(subjects: IdentitySubject[]): Promise<void> {
  await db.db.transaction(async (tx) => {
    await lockLinking(tx);
    await applyIdentity(tx, await matchSubjects(tx, subjects, { full: true }));
  });
}

describe('the context of an incremental identity run', () => {
  it('links store context keys, and a change reads the stored records of its company and address besides its name block', async () => {
    await store(Array.from({ length: 40 }, (_, i) => colleague(i)));
    const [link] = await db.db.select({ detail: recordLinks.matchDetail }).from(recordLinks)
      .where(and(eq(recordLinks.connectorId, 'sf'), eq(recordLinks.recordId, 'c0')));
    expect(link!.detail!.blocking).toEqual(expect.arrayContaining(['org:globex', 'addr:100 main st@02110']));

    // A new colleague whose name no one else has: no blocking key in common with the stored forty.
    const newcomer: IdentitySubject = { connectorId: 'hs', crm: 'hubspot', objectType: 'contacts', recordId: 'n1',
      values: { firstName: 'Zygmunt', lastName: 'Wieczorek', companyName: 'Globex Corp.', mailingStreet: '100 Main St', mailingPostalCode: '02110' } };
    const match = await matchSubjects(db.db, [newcomer], { full: false });
    expect(match.others).toHaveLength(40);
    // They are context only: the newcomer is compared with none of them (no pair shares a blocking key).
    expect(match.pairs).toEqual([]);
    // Without a company name, a record writing from the company's domain reads the same colleagues.
    const fromDomain: IdentitySubject = { ...newcomer, recordId: 'n2', values: { firstName: 'Zygmunt', lastName: 'Wieczorek', email: 'zw@globex.example' } };
    expect((await matchSubjects(db.db, [fromDomain], { full: false })).others).toHaveLength(40);
  });

  it('population rates: none below the minimum sample, then read once per interval per database', async () => {
    const other = await openTestDatabase();
    try {
      expect(await populationRatesOf(other.db, other)).toBeUndefined();
    } finally {
      await other.close();
    }
    await store(Array.from({ length: MIN_SAMPLE }, (_, i) => colleague(100 + i)));
    const key = {};
    const now = Date.now();
    const rates = await populationRatesOf(db.db, key, now);
    expect(rates!.sharesName).toBeGreaterThan(0);
    expect(rates!.sharesName).toBeLessThan(1);
    expect(await populationRatesOf(db.db, key, now + 1000)).toBe(rates);
    const later = await populationRatesOf(db.db, key, now + RATES_TTL_MS + 1);
    expect(later).not.toBe(rates);
    expect(later).toEqual(rates);
  });
});
