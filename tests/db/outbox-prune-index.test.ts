/**
 * The write-back retention's lookup (db/outbox-store.ts pruneDeliveredOutbox → deliveredBefore) is served by the
 * partial index writeback_outbox_prune_idx (updated_at where status = 'done', migration 0011) instead of a scan of the
 * whole outbox. Proven on a table of 5,000 rows with statistics (`analyze`), with sequential scans allowed: small
 * tables priced with `enable_seqscan = off` would name any usable index and prove nothing. Two shapes of outbox: mostly
 * rows not delivered yet, and the steady state of a busy one (mostly delivered within the retention). Also with a
 * generic plan, which postgres.js's prepared statements get after a few runs. On the test database (PGlite or Postgres).
 */
import { sql } from 'drizzle-orm';
import type { SQL } from 'drizzle-orm';
import type { PGlite } from '@electric-sql/pglite';
import type postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliveredBefore, pruneDeliveredOutbox } from '../../db/outbox-store.ts';
import { writebackOutbox } from '../../db/schema.ts';
import { onPostgres, openTestDatabase } from '../support/test-database.ts';
import type { TestDatabase } from '../support/test-database.ts';

let t: TestDatabase;
beforeAll(async () => {
  t = await openTestDatabase();
});
afterAll(async () => t?.close());

const HOUR = 3_600_000;
const ago = (hours: number) => new Date(Date.now() - hours * HOUR);
const CUTOFF = ago(168);
const BATCH = 5000;

type Shape = Record<'pending' | 'inFlight' | 'stale' | 'dead' | 'doneRecent' | 'doneOld', number>;

/** A fresh outbox of the given shape; every row not delivered is older than the cut-off, as a neglected one would be. */
async function fill(shape: Shape): Promise<void> {
  await t.db.execute(sql`truncate writeback_outbox`);
  const kinds: Array<[keyof Shape, string, () => Date]> = [
    ['pending', 'pending', () => ago(300)], ['inFlight', 'in_flight', () => ago(300)], ['stale', 'stale', () => ago(300)],
    ['dead', 'dead', () => ago(300)], ['doneRecent', 'done', () => ago(1 + Math.random() * 160)], ['doneOld', 'done', () => ago(170 + Math.random() * 100)],
  ];
  const rows = kinds.flatMap(([kind, status, at]) => Array.from({ length: shape[kind] }, (_, i) => ({
    connectorId: 'hubspot-main', objectType: 'contacts', recordId: `rec-${kind}-${i}`, fields: { firstname: `${kind}-${i}` },
    idempotencyKey: `${kind}-${i}`, status, attempts: status === 'pending' ? 0 : 1, updatedAt: at(),
  })));
  for (let i = 0; i < rows.length; i += 1000) await t.db.insert(writebackOutbox).values(rows.slice(i, i + 1000));
  await t.db.execute(sql`analyze writeback_outbox`);
}

async function lines(query: SQL): Promise<string> {
  const rows = await t.db.execute(query);
  return (Array.isArray(rows) ? rows : (rows as { rows: unknown[] }).rows).map((r) => Object.values(r as object)[0] as string).join('\n');
}

/**
 * Runs each script over the simple query protocol on one connection, answering the first column of the last result of
 * each: SQL-level `prepare` takes `$1` placeholders, which the drivers' extended protocol would take as its own.
 */
async function simpleQueries(scripts: string[]): Promise<string[]> {
  const firstColumn = (rows: readonly object[]) => rows.map((r) => Object.values(r)[0] as string).join('\n');
  const out: string[] = [];
  if (onPostgres) {
    const client = (t.db as unknown as { $client: postgres.Sql }).$client;
    const one = await client.reserve();
    try {
      for (const script of scripts) out.push(firstColumn(await one.unsafe(script).simple()));
    } finally {
      one.release();
    }
  } else {
    const client = (t.db as unknown as { $client: PGlite }).$client;
    for (const script of scripts) out.push(firstColumn((await client.exec(script)).at(-1)?.rows ?? []));
  }
  return out;
}

/** The prune's select, as deleteInBatches builds it (db/batch-delete.ts): a batch of ids of the rows to delete. */
const pruneSelect = () => t.db.select({ id: writebackOutbox.id }).from(writebackOutbox).where(deliveredBefore(CUTOFF)).orderBy(writebackOutbox.updatedAt).limit(BATCH);

/** The plan of one prune statement: the batch delete through the primary key around the select. */
const plan = () => lines(sql`explain delete from ${writebackOutbox} where ${writebackOutbox.id} = any(array(${pruneSelect()})) returning ${writebackOutbox.id}`);

const SHAPES: Array<[string, Shape]> = [
  ['mostly rows not delivered yet', { pending: 2500, inFlight: 500, stale: 500, dead: 500, doneRecent: 900, doneOld: 100 }],
  ['mostly delivered within the retention (a busy outbox between prunes)', { pending: 200, inFlight: 50, stale: 100, dead: 50, doneRecent: 4550, doneOld: 50 }],
];

describe('the write-back retention reads the partial prune index', () => {
  for (const [name, shape] of SHAPES) {
    it(`finds the rows past the retention through the index, not a scan: ${name}`, async () => {
      await fill(shape);
      const text = await plan();
      expect(text).toContain('writeback_outbox_prune_idx');
      expect(text).not.toMatch(/Seq Scan on writeback_outbox/);
      // The index finds exactly the delivered rows past the cut-off: the prune deletes those and nothing else.
      expect(await pruneDeliveredOutbox(t.db, CUTOFF)).toBe(shape.doneOld);
      const left = await lines(sql`select status || ':' || count(*) from writeback_outbox group by status order by status`);
      expect(left.split('\n').sort()).toEqual([`dead:${shape.dead}`, `done:${shape.doneRecent}`, `in_flight:${shape.inFlight}`, `pending:${shape.pending}`, `stale:${shape.stale}`]);
    });
  }

  it('uses the index in a generic plan too (the status is in the statement, not a parameter)', async () => {
    await fill(SHAPES[0]![1]);
    const { sql: text, params } = pruneSelect().toSQL();
    expect(params).toHaveLength(2); // the cut-off and the batch size; 'done' is not bound
    const generic = await simpleQueries([
      `set plan_cache_mode = force_generic_plan; prepare cg_prune_probe as ${text}`,
      `explain execute cg_prune_probe('${String(params[0])}', ${Number(params[1])})`,
      'deallocate cg_prune_probe; reset plan_cache_mode',
    ]);
    expect(generic[1]).toContain('writeback_outbox_prune_idx');
    expect(generic[1]).not.toMatch(/Seq Scan on writeback_outbox/);
  });
});
