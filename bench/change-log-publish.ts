/**
 * What the durable change feed (customer_change_log, db/change-log.ts) costs a publisher: publishCustomerChanged in a
 * transaction, as the sync worker calls it, with 1, 10 and 100 events per call, against the NOTIFY-only publishing it
 * replaced (one `select pg_notify` per event, db/notify-channel.ts). Then, on a log of `--rows` changes, what a
 * consumer's catch-up costs: one page of 100 after a cursor (all customers, and 10 customers), and one retention prune
 * of `--prune` rows. On PGlite by default; on the server of DATABASE_URL in a database of its own, dropped afterwards.
 *
 *   npx tsx bench/change-log-publish.ts [--calls 200] [--rows 100000] [--prune 20000] [--concurrency 4]
 */
import { sql } from 'drizzle-orm';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { openBenchDatabase } from './support/bench-database.ts';
import { medianTime } from './support/median-time.ts';
import { CUSTOMER_CHANGED_CHANNEL, encodeCustomerChanged, publishCustomerChanged } from '../db/change-events.ts';
import type { CustomerChangedInput } from '../db/change-events.ts';
import { headChangeSeq, pruneChangeLog, readChangesAfter } from '../db/change-log.ts';
import { notifyOn } from '../db/notify-channel.ts';

const { values } = parseArgs({
  options: {
    calls: { type: 'string', default: '200' }, rows: { type: 'string', default: '100000' },
    prune: { type: 'string', default: '20000' }, concurrency: { type: 'string', default: '4' },
  },
});
const CALLS = Number(values.calls);
const ROWS = Number(values.rows);
const PRUNE = Number(values.prune);
const CONCURRENCY = Number(values.concurrency);
const ROUNDS = 5;

const customers = Array.from({ length: 1000 }, (_, i) => `cus_01BENCH${String(i).padStart(18, '0')}`);
const events = (n: number, offset = 0): CustomerChangedInput[] =>
  Array.from({ length: n }, (_, i) => ({ customerId: customers[(offset + i) % customers.length]!, changedFields: ['phone', 'email'], version: i + 1 }));

const bench = await openBenchDatabase('change_log');
const { handle } = bench;
const db = handle.db;
const ms = (n: number) => n.toFixed(3);
console.log(`change-log publish bench on ${bench.label}; ${os.cpus().length} CPUs, load ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);

try {
  // Warm-up (connections, plans, the table's first pages), not measured.
  for (let c = 0; c < 50; c++) {
    await db.transaction(async (tx) => notifyOn(tx, CUSTOMER_CHANGED_CHANNEL, encodeCustomerChanged(events(1)[0]!)));
    await db.transaction(async (tx) => publishCustomerChanged(tx, events(1)));
  }
  console.log(`\n| events per call | NOTIFY only, ms per call | log + NOTIFY, ms per call | added, ms per event |`);
  console.log(`| ---: | ---: | ---: | ---: |`);
  for (const size of [1, 10, 100]) {
    const batch = events(size);
    const notifyOnly = await medianTime(async () => {
      for (let c = 0; c < CALLS; c++) {
        await db.transaction(async (tx) => {
          for (const e of batch) await notifyOn(tx, CUSTOMER_CHANGED_CHANNEL, encodeCustomerChanged(e));
        });
      }
    }, ROUNDS) / CALLS;
    const logged = await medianTime(async () => {
      for (let c = 0; c < CALLS; c++) await db.transaction(async (tx) => publishCustomerChanged(tx, batch));
    }, ROUNDS) / CALLS;
    console.log(`| ${size} | ${ms(notifyOnly)} | ${ms(logged)} | ${ms((logged - notifyOnly) / size)} |`);
  }

  // Publishers serialise on the log's advisory lock from their publish to their commit: concurrent transactions
  // that publish (10 events each) against the same number of transactions that only NOTIFY.
  if (handle.driver === 'postgres' && CONCURRENCY > 1) {
    const batch = events(10);
    const run = (publish: (tx: Parameters<Parameters<typeof db.transaction>[0]>[0]) => Promise<void>) => medianTime(async () => {
      await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
        for (let c = 0; c < CALLS / CONCURRENCY; c++) await db.transaction(async (tx) => publish(tx));
      }));
    }, ROUNDS);
    const notifyOnly = await run(async (tx) => { for (const e of batch) await notifyOn(tx, CUSTOMER_CHANGED_CHANNEL, encodeCustomerChanged(e)); });
    const logged = await run((tx) => publishCustomerChanged(tx, batch));
    console.log(`\n${CONCURRENCY} concurrent publishers, ${CALLS} transactions of 10 events: NOTIFY only ${ms(notifyOnly)} ms, log + NOTIFY ${ms(logged)} ms`
      + ` (${(CALLS * 10 / (notifyOnly / 1000)).toFixed(0)} vs ${(CALLS * 10 / (logged / 1000)).toFixed(0)} events/s)`);
  }

  // Catch-up on a log of ROWS changes (filled 500 per call, oldest PRUNE a month old for the prune).
  await db.execute(sql`truncate customer_change_log`);
  for (let i = 0; i < ROWS; i += 500) {
    const at = i < PRUNE ? new Date(Date.now() - 30 * 86_400_000) : new Date();
    await publishCustomerChanged(handle, events(Math.min(500, ROWS - i), i).map((e) => ({ ...e, at })));
  }
  const head = await headChangeSeq(db);
  const middle = head - Math.floor(ROWS / 2);
  const some = customers.slice(0, 10);
  const pageAll = await medianTime(() => readChangesAfter(db, middle, 100), 9);
  const pageSome = await medianTime(() => readChangesAfter(db, middle, 100, some), 9);
  const t0 = performance.now();
  const pruned = await pruneChangeLog(db, new Date(Date.now() - 7 * 86_400_000));
  const pruneMs = performance.now() - t0;
  console.log(`\nlog of ${ROWS} changes: a page of 100 after a cursor mid-log ${ms(pageAll)} ms (all customers), ${ms(pageSome)} ms (10 of 1,000 customers);`
    + ` prune of ${pruned} rows ${pruneMs.toFixed(0)} ms`);
} finally {
  await bench.drop();
}
