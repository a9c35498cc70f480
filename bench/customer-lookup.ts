/**
 * Looking a customer up the way a frontend or a call-centre screen does, at enterprise scale: `customers(filter:)`
 * by email and by phone (exact keys), by name and by company (contained text), and the first page of the unfiltered
 * list, over 200,000 stored customers (db/golden-store.ts `listGolden`, the query behind the identity subgraph's
 * lists; totalCount included). Prints the median time of each, and the plan of the email lookup. On PGlite by
 * default; on the server of DATABASE_URL in a database of its own, dropped afterwards.
 *
 *   npx tsx bench/customer-lookup.ts [--customers 200000] [--lookup-indexes off]
 *
 * `--lookup-indexes off` drops the email and phone indexes first (migration 0019), to measure what they save.
 */
import { sql } from 'drizzle-orm';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { listGolden } from '../db/golden-store.ts';
import type { GoldenFilter } from '../db/golden-store.ts';
import { newGoldenId } from '../db/golden-ids.ts';
import type { DatabaseHandle } from '../db/open-database.ts';
import { goldenRecords } from '../db/schema.ts';
import { openBenchDatabase } from './support/bench-database.ts';
import { medianTime } from './support/median-time.ts';

const { values } = parseArgs({ options: { customers: { type: 'string', default: '200000' }, 'lookup-indexes': { type: 'string', default: 'on' } } });
const CUSTOMERS = Number(values.customers);
const ROUNDS = 9;
const INSERT_BATCH = 5_000;
const FIRST = ['Ada', 'Grace', 'Alan', 'Edsger', 'Barbara', 'Donald', 'Frances', 'John', 'Margaret', 'Niklaus'];
const LAST = ['Lovelace', 'Hopper', 'Turing', 'Dijkstra', 'Liskov', 'Knuth', 'Allen', 'Backus', 'Hamilton', 'Wirth'];

const emailOf = (i: number) => `person${i}@company${i % 5_000}.example`;
const phoneOf = (i: number) => `+1415${String(1_000_000 + i).padStart(7, '0')}`;

/** Customers (and a Company per 20, so the type filter matters), with creation-ordered ids as sync makes them. */
async function fill(handle: DatabaseHandle): Promise<void> {
  const start = Date.now() - CUSTOMERS;
  for (let from = 0; from < CUSTOMERS; from += INSERT_BATCH) {
    const rows = [];
    for (let i = from; i < Math.min(CUSTOMERS, from + INSERT_BATCH); i++) {
      rows.push({
        id: newGoldenId('Customer', start + i), entityType: 'Customer', status: i % 50 === 0 ? 'merged' : 'active',
        snapshot: {
          firstName: FIRST[i % FIRST.length], lastName: `${LAST[(i >> 3) % LAST.length]}${i}`, email: emailOf(i),
          phone: i % 4 === 0 ? null : phoneOf(i), companyName: `Company ${i % 5_000} Inc.`, title: 'Engineer',
        },
      });
      if (i % 20 === 0) rows.push({ id: newGoldenId('Company', start + i), entityType: 'Company', status: 'active', snapshot: { name: `Company ${i}`, domain: `company${i}.example` } });
    }
    await handle.db.insert(goldenRecords).values(rows);
  }
  await handle.db.execute(sql`analyze golden_records`);
}

async function main(): Promise<void> {
  const { handle, drop, label } = await openBenchDatabase('lookup');
  try {
    if (values['lookup-indexes'] === 'off') {
      await handle.db.execute(sql`drop index golden_records_email_idx`);
      await handle.db.execute(sql`drop index golden_records_phone_idx`);
    }
    const t0 = performance.now();
    await fill(handle);
    console.log(`${label}, lookup indexes ${values['lookup-indexes']}: ${CUSTOMERS.toLocaleString('en-US')} customers stored in ${((performance.now() - t0) / 1000).toFixed(1)} s (${os.cpus().length} CPUs, load ${os.loadavg()[0]!.toFixed(1)})`);
    const target = Math.floor(CUSTOMERS * 0.73) + 1;
    const lookups: [string, GoldenFilter, number | null][] = [
      ['email (exact)', { equals: [{ field: 'email', value: emailOf(target).toUpperCase() }] }, 1],
      ['phone (exact)', { equals: [{ field: 'phone', value: phoneOf(target) }] }, 1],
      ['name contains', { contains: [{ fields: ['firstName', 'lastName'], text: `${LAST[(target >> 3) % LAST.length]}${target}` }] }, 1],
      ['company contains', { contains: [{ fields: ['companyName'], text: 'Company 4321 ' }] }, null],
      ['no filter, first page', {}, null],
    ];
    for (const [name, filter, expected] of lookups) {
      const run = () => listGolden(handle.db, { entityType: 'Customer', first: 20, filter });
      const page = await run();
      if (expected !== null && page.totalCount !== expected) throw new Error(`${name}: expected ${expected} customer(s), found ${page.totalCount}`);
      console.log(`  ${name.padEnd(24)} ${(await medianTime(run, ROUNDS)).toFixed(1).padStart(8)} ms  (${page.totalCount} found)`);
    }
    const plan = await handle.db.execute(sql`explain select id from golden_records where entity_type = 'Customer' and status = 'active'
      and lower(trim(snapshot ->> 'email')) = ${emailOf(target)} order by id limit 21`);
    const lines = (Array.isArray(plan) ? plan : (plan as { rows: unknown[] }).rows) as Record<string, string>[];
    console.log(`  email plan: ${lines.map((l) => Object.values(l)[0]).join(' | ').replace(/\s+/g, ' ').slice(0, 400)}`);
  } finally {
    await drop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
