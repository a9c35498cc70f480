/**
 * The identity review queue at enterprise scale: a queue of pending pairs (200,000 by default) among decided ones,
 * paged the way the admin UI and `reviewQueue` page it (db/decision-store.ts `pendingReviews`): the most likely
 * pairs first, by score with keyset paging, and the oldest first. Prints the median time of the first page, of a
 * page from the middle of the queue, of a page of the unscored pairs at its end, and of the count. On PGlite by default; on the server of DATABASE_URL in a database of its own,
 * dropped afterwards.
 *
 *   npx tsx bench/review-queue.ts [--pending 200000] [--page 50]
 */
import { sql } from 'drizzle-orm';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { openBenchDatabase } from './support/bench-database.ts';
import { medianTime } from './support/median-time.ts';
import type { DecisionRow, PendingReviewQuery } from '../db/decision-store.ts';
import { pendingReviewCount, pendingReviews } from '../db/decision-store.ts';
import type { DatabaseHandle } from '../db/open-database.ts';
import { matchDecisions } from '../db/schema.ts';

const { values } = parseArgs({ options: { pending: { type: 'string', default: '200000' }, page: { type: 'string', default: '50' } } });
const PENDING = Number(values.pending);
const PAGE = Number(values.page);
const ROUNDS = 7;
const INSERT_BATCH = 5_000;


/** Pending pairs scored between the review and link thresholds (2 % unscored, as older rows are), and as many decided ones again. */
async function fill(handle: DatabaseHandle): Promise<void> {
  const decisions = ['review_pending', 'review_accepted', 'review_rejected', 'cannot_link'] as const;
  let seed = 7;
  const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
  const total = PENDING * 2;
  for (let start = 0; start < total; start += INSERT_BATCH) {
    const rows = [];
    for (let i = start; i < Math.min(total, start + INSERT_BATCH); i++) {
      const decision = i % 2 === 0 ? 'review_pending' : decisions[1 + (i % 3)]!;
      rows.push({
        entityType: 'Customer', leftKey: `native:sf|Contact|${i}`, rightKey: `native:hs|contacts|${i}`, decision,
        score: random() < 0.02 ? null : Math.round((4.5 + random() * 1.5) * 100) / 100, reasons: [], actor: null,
      });
    }
    await handle.db.insert(matchDecisions).values(rows);
  }
  await handle.db.execute(sql`analyze match_decisions`);
}

const median = (run: () => Promise<unknown>) => medianTime(run, ROUNDS);

/** The row at the given share of the queue in score order: the cursor a steward paging that far would hold. */
async function rowAt(handle: DatabaseHandle, share: number, order: 'score' | 'oldest'): Promise<DecisionRow> {
  const offset = Math.floor(PENDING * share);
  const rows = await handle.db.select().from(matchDecisions).where(sql`${matchDecisions.decision} = 'review_pending'`)
    .orderBy(order === 'score' ? sql`${matchDecisions.score} desc nulls last, ${matchDecisions.id}` : sql`${matchDecisions.id}`).offset(offset).limit(1);
  return rows[0]!;
}

async function main(): Promise<void> {
  const { handle, drop, label } = await openBenchDatabase('review');
  try {
    const t0 = performance.now();
    await fill(handle);
    console.log(`review queue: ${PENDING.toLocaleString('en-US')} pending pairs among ${(PENDING * 2).toLocaleString('en-US')} decisions, pages of ${PAGE}, ${label} (filled in ${((performance.now() - t0) / 1000).toFixed(1)} s)`);
    const middle = await rowAt(handle, 0.5, 'score');
    const unscored = await rowAt(handle, 0.99, 'score');
    const oldestMiddle = await rowAt(handle, 0.5, 'oldest');
    const cases: Array<[string, PendingReviewQuery | 'count']> = [
      ['most likely first: first page', { order: 'score' }],
      ['most likely first: page from the middle', { order: 'score', after: middle }],
      ['most likely first: page of the unscored end', { order: 'score', after: unscored }],
      ['most likely first, score >= 5.5: first page', { order: 'score', minScore: 5.5 }],
      ['oldest first: page from the middle', { order: 'oldest', after: oldestMiddle }],
      ['count of pending pairs', 'count'],
    ];
    console.log('| query | median ms |');
    console.log('| --- | ---: |');
    for (const [name, query] of cases) {
      const ms = await median(() => handle.db.transaction((tx) => (query === 'count' ? pendingReviewCount(tx) as Promise<unknown> : pendingReviews(tx, PAGE, query))));
      console.log(`| ${name} | ${ms.toFixed(2)} |`);
    }
    console.log(`Node ${process.version}, ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? 'unknown'}), load average ${os.loadavg()[0]!.toFixed(2)}`);
  } finally {
    await drop();
  }
}

await main();
