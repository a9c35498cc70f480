/**
 * The exact-key list lookups (`customers(filter: {email})`, `{phone}`) at the store (db/golden-store.ts): a page's
 * plan reads the expression index of its key in id order (migration 0019) instead of walking the primary key or
 * scanning the type, also as the generic plan a prepared statement may switch to, and the lookups find exactly what they should (case and spaces ignored, merged records never).
 * On the test database (PGlite or Postgres).
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { goldenPageQuery, listGolden } from '../../db/golden-store.ts';
import type { GoldenListOptions } from '../../db/golden-store.ts';
import { newGoldenId } from '../../db/golden-ids.ts';
import { goldenRecords } from '../../db/schema.ts';
import { openTestDatabase } from '../support/test-database.ts';
import type { TestDatabase } from '../support/test-database.ts';

const CUSTOMERS = 3_000;
const email = (i: number) => `person${i}@example.test`;
const phone = (i: number) => `+1415${String(5_550_000 + i)}`;

let t: TestDatabase;
const ids: string[] = [];
beforeAll(async () => {
  t = await openTestDatabase();
  const start = Date.now() - CUSTOMERS;
  const rows = Array.from({ length: CUSTOMERS }, (_, i) => {
    const id = newGoldenId('Customer', start + i);
    ids.push(id);
    return {
      id, entityType: 'Customer', status: i === 7 ? 'merged' : 'active',
      snapshot: { email: i === 11 ? ` ${email(i).toUpperCase()} ` : email(i), phone: i % 3 === 0 ? null : phone(i), 'odd key': `v${i % 10}` },
    };
  });
  for (let i = 0; i < rows.length; i += 1_000) await t.db.insert(goldenRecords).values(rows.slice(i, i + 1_000));
  await t.db.execute(sql`analyze golden_records`);
});
afterAll(async () => t?.close());

/**
 * The plan of a page's query, prepared as the driver prepares it; `generic`: the plan a prepared statement may switch
 * to after a few runs, made without the parameters' values.
 */
async function planOf(options: GoldenListOptions, generic: boolean): Promise<string> {
  const query = goldenPageQuery(t.db, options).toSQL();
  const rows = await t.db.transaction(async (tx) => {
    await tx.execute(sql.raw(`prepare golden_page as ${query.sql}`));
    await tx.execute(sql.raw(`set local plan_cache_mode = ${generic ? 'force_generic_plan' : 'force_custom_plan'}`));
    // EXECUTE's arguments as literals: bound ones would have no type to plan with.
    const literals = query.params.map((p) => (typeof p === 'number' ? String(p) : `'${String(p).replace(/'/g, "''")}'`));
    const plan = await tx.execute(sql.raw(`explain execute golden_page(${literals.join(', ')})`));
    await tx.execute(sql`deallocate golden_page`);
    return plan;
  });
  return (Array.isArray(rows) ? rows : (rows as { rows: unknown[] }).rows).map((r) => Object.values(r as object)[0] as string).join('\n');
}

describe('golden list lookups by exact key', () => {
  it('a page by email or phone reads that key\'s index in id order: no scan of the type, no primary key walk, no sort', async () => {
    for (const [key, index, value] of [['email', 'golden_records_email_idx', email(2_500)], ['phone', 'golden_records_phone_idx', phone(2_501)]] as const) {
      for (const generic of [false, true]) {
        const plan = await planOf({ entityType: 'Customer', first: 20, filter: { equals: [{ field: key, value }] } }, generic);
        const what = `${key}${generic ? ', generic plan' : ''}`;
        expect(plan, what).toContain(index);
        expect(plan, what).not.toContain('golden_records_pkey');
        expect(plan, what).not.toMatch(/Seq Scan|^\s*(->\s*)?Sort\b/m);
      }
    }
  });

  it('finds exactly the active record of the key, case and surrounding spaces ignored', async () => {
    const byEmail = (value: string) => listGolden(t.db, { entityType: 'Customer', first: 20, filter: { equals: [{ field: 'email', value }] } });
    expect((await byEmail(email(2_500).toUpperCase())).ids).toEqual([ids[2_500]]);
    expect((await byEmail(email(11))).ids).toEqual([ids[11]]);
    // A merged-away record is never listed, and an absent phone matches nothing.
    expect((await byEmail(email(7))).totalCount).toBe(0);
    const byPhone = await listGolden(t.db, { entityType: 'Customer', first: 20, filter: { equals: [{ field: 'phone', value: phone(2_501) }] } });
    expect(byPhone).toEqual({ totalCount: 1, ids: [ids[2_501]], hasNextPage: false });
    expect((await listGolden(t.db, { entityType: 'Customer', first: 20, filter: { equals: [{ field: 'phone', value: phone(2_500) }] } })).totalCount).toBe(1);
    expect((await listGolden(t.db, { entityType: 'Customer', first: 20, filter: { equals: [{ field: 'phone', value: phone(3) }] } })).totalCount).toBe(0);
  });

  it('any snapshot key can be matched, and a lookup pages in id order', async () => {
    const first = await listGolden(t.db, { entityType: 'Customer', first: 100, filter: { equals: [{ field: 'odd key', value: 'V3' }] } });
    expect(first.totalCount).toBe(300);
    expect(first.hasNextPage).toBe(true);
    expect(first.ids).toEqual(ids.filter((_, i) => i % 10 === 3).slice(0, 100));
  });
});
