/**
 * The write-back retention at scale: an outbox of 1,000,000 rows (by default) — mostly rows delivered within the
 * retention, some pending, in flight, stale and dead, and a few delivered rows past it (what an hourly prune finds) —
 * and one prune (db/outbox-store.ts pruneDeliveredOutbox), without and with the partial index
 * writeback_outbox_prune_idx (migration 0011), for two shapes of outbox (see `fill`). Prints the plan's access path
 * and the median time of the prune's select (one batch of ids, oldest first), the time of the whole prune (delete
 * included), the same select without the order (what the product ran before: see docs/benchmarks.md), and the time to build the
 * index on the full table (what migration 0011 costs a deployment with a large outbox). On PGlite by default; on the
 * server of DATABASE_URL in a database of its own, dropped afterwards.
 *
 *   npx tsx bench/outbox-prune.ts [--rows 1000000] [--old 1000]
 */
import { sql } from 'drizzle-orm';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { openBenchDatabase } from './support/bench-database.ts';
import { medianTime } from './support/median-time.ts';
import type { DatabaseHandle } from '../db/open-database.ts';
import { deliveredBefore, pruneDeliveredOutbox } from '../db/outbox-store.ts';
import { writebackOutbox } from '../db/schema.ts';

const { values } = parseArgs({ options: { rows: { type: 'string', default: '1000000' }, old: { type: 'string', default: '1000' } } });
const ROWS = Number(values.rows);
const OLD = Number(values.old);
const ROUNDS = 7;
const BATCH = 5000;
const HOUR = 3_600_000;
const CUTOFF = new Date(Date.now() - 168 * HOUR);


/** Where the rows kept however old (not delivered) sit in time; what decides whether the planner trusts the index. */
type Shape = 'steady' | 'backlog';

/**
 * The shares of a busy outbox: 94 % delivered within the week of retention, 4 % pending, 0.5 % in flight, 1 % stale,
 * 0.5 % dead, and `OLD` delivered rows just past the cut-off. `steady`: pending and in-flight rows are from the last
 * hour, stale and dead ones spread over a year (kept however old). `backlog`: all 6 % not delivered are 200 hours old
 * (a worker stopped for a week, or years of stale and dead rows): many rows match `updated_at < cut-off` though few of
 * them are delivered, which the planner, estimating each condition on its own, cannot tell.
 * Generated in the database (insert … select from generate_series), so a million rows take seconds, not minutes.
 */
async function fill(handle: DatabaseHandle, shape: Shape): Promise<void> {
  const rest = ROWS - OLD;
  await handle.db.execute(sql`truncate writeback_outbox`);
  const kept = shape === 'steady'
    ? sql`case when i % 1000 < 985 then now() - random() * interval '1 hour' else now() - random() * interval '8760 hours' end`
    : sql`now() - interval '200 hours'`;
  await handle.db.execute(sql`
    insert into writeback_outbox (connector_id, object_type, record_id, fields, idempotency_key, status, attempts, updated_at, created_at)
    select 'hubspot-main', 'contacts', 'rec-' || i, jsonb_build_object('firstname', 'n' || i), 'k-' || i,
      case when i % 1000 < 940 then 'done' when i % 1000 < 980 then 'pending' when i % 1000 < 985 then 'in_flight'
           when i % 1000 < 995 then 'stale' else 'dead' end,
      1,
      case when i % 1000 < 940 then now() - (i % 167 + random()) * interval '1 hour' else ${kept} end,
      now() - interval '200 hours'
    from generate_series(1, ${rest}) as i`);
  await addOld(handle);
}

/** `OLD` delivered rows completed just past the cut-off (169 to 170 hours ago), as an hourly prune finds them. */
async function addOld(handle: DatabaseHandle): Promise<void> {
  await handle.db.execute(sql`
    insert into writeback_outbox (connector_id, object_type, record_id, fields, idempotency_key, status, attempts, updated_at, created_at)
    select 'hubspot-main', 'contacts', 'old-' || i, jsonb_build_object('firstname', 'o' || i), 'old-' || i || '-' || ${Date.now()}, 'done', 1,
      now() - (169 + random()) * interval '1 hour', now() - interval '200 hours'
    from generate_series(1, ${OLD}) as i`);
}

const median = (run: () => Promise<unknown>) => medianTime(run, ROUNDS);

/** The prune's select, as deleteInBatches builds it (db/batch-delete.ts): one batch of ids. */
const pruneSelect = (handle: DatabaseHandle) => handle.db.select({ id: writebackOutbox.id }).from(writebackOutbox).where(deliveredBefore(CUTOFF))
  .orderBy(writebackOutbox.updatedAt).limit(BATCH).$dynamic();
/** The same without the order, as the prune first ran it: the planner sometimes preferred a scan (docs/benchmarks.md). */
const unordered = (handle: DatabaseHandle) => handle.db.select({ id: writebackOutbox.id }).from(writebackOutbox).where(deliveredBefore(CUTOFF)).limit(BATCH).$dynamic();

/** The access path of a select: the plan's scan lines, shortened. */
async function accessPath(handle: DatabaseHandle, query: ReturnType<typeof pruneSelect>): Promise<string> {
  const result = await handle.db.execute(sql`explain ${query}`);
  const lines = (Array.isArray(result) ? result : (result as { rows: unknown[] }).rows).map((r) => Object.values(r as object)[0] as string);
  return lines.filter((l) => /Scan|Sort\b/.test(l)).map((l) => l.replace(/^\s*(->\s*)?/, '').replace(/\s*\(cost.*$/, '')).join('; ');
}


/** One row of the table: the select's plan and median time, the unordered variant's (see docs/benchmarks.md), one prune. */
async function measure(handle: DatabaseHandle, shape: Shape, index: string): Promise<string> {
  const path = await accessPath(handle, pruneSelect(handle));
  const select = await median(() => pruneSelect(handle));
  const orderedPath = await accessPath(handle, unordered(handle));
  const ordered = await median(() => unordered(handle));
  const t0 = performance.now();
  const deleted = await pruneDeliveredOutbox(handle.db, CUTOFF, BATCH);
  const prune = performance.now() - t0;
  return `| ${shape} | ${index} | ${path} | ${select.toFixed(1)} | ${prune.toFixed(1)} (${deleted.toLocaleString('en-US')} rows) | ${orderedPath}: ${ordered.toFixed(1)} |`;
}

async function main(): Promise<void> {
  const { handle, drop, label } = await openBenchDatabase('outbox_prune');
  try {
    console.log(`outbox prune: ${ROWS.toLocaleString('en-US')} rows, ${OLD.toLocaleString('en-US')} delivered past the retention, batches of ${BATCH}, ${label}`);
    console.log('| shape | index | access path of the select | select, median ms | whole prune, ms | without the order (before): path, median ms |');
    console.log('| --- | --- | --- | ---: | ---: | --- |');
    const builds: string[] = [];
    for (const shape of ['steady', 'backlog'] as const) {
      // Without the index first: the table as it was before migration 0011.
      await handle.db.execute(sql`drop index if exists writeback_outbox_prune_idx`);
      await fill(handle, shape);
      await handle.db.execute(sql`vacuum analyze writeback_outbox`);
      console.log(await measure(handle, shape, 'none (before 0011)'));

      await addOld(handle);
      const t1 = performance.now();
      // As migration 0011 creates it.
      await handle.db.execute(sql`create index writeback_outbox_prune_idx on writeback_outbox using btree (updated_at) where status = 'done'`);
      builds.push(`${shape} ${((performance.now() - t1) / 1000).toFixed(2)} s`);
      await handle.db.execute(sql`vacuum analyze writeback_outbox`);
      console.log(await measure(handle, shape, 'writeback_outbox_prune_idx'));
    }
    console.log(`Building the index on ${ROWS.toLocaleString('en-US')} rows: ${builds.join(', ')}.`);
    console.log(`Node ${process.version}, ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? 'unknown'}), load average ${os.loadavg()[0]!.toFixed(2)}`);
  } finally {
    await drop();
  }
}

await main();
