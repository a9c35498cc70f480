/**
 * The review queue's most-likely-first order at the store (db/decision-store.ts pendingReviews): pending pairs by
 * score descending then id, unscored pairs last by id, decided pairs never; paged by keyset, every page placed by the
 * previous page's last pair, including across ties, from the scored pairs into the unscored ones and within those;
 * minScore leaves the unscored out. The plan reads the partial score index instead of sorting the queue. On the test
 * database (PGlite or Postgres).
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DecisionRow } from '../../db/decision-store.ts';
import { pendingReviews } from '../../db/decision-store.ts';
import { matchDecisions } from '../../db/schema.ts';
import { openTestDatabase } from '../support/test-database.ts';
import type { TestDatabase } from '../support/test-database.ts';

let t: TestDatabase;
beforeAll(async () => {
  t = await openTestDatabase();
});
afterAll(async () => t?.close());

// Ties (5.5 three times, 4.75 twice), unscored rows between scored ones by id, and decided rows that never show.
const SCORES: Array<number | null> = [5.5, null, 4.75, 5.9, 5.5, null, 4.75, 5.5, 5.1, null, 4.6, 5.9];
const DECIDED: Array<[string, number | null]> = [['review_accepted', 9], ['review_rejected', 8], ['cannot_link', null]];

describe('review queue order at the store', () => {
  let pending: DecisionRow[];
  beforeAll(async () => {
    const rows = [
      ...SCORES.map((score, i) => ({ entityType: 'Customer', leftKey: `golden:p${i}`, rightKey: `golden:q${i}`, decision: 'review_pending', score })),
      ...DECIDED.map(([decision, score], i) => ({ entityType: 'Customer', leftKey: `golden:d${i}`, rightKey: `golden:e${i}`, decision, score })),
    ];
    pending = (await t.db.insert(matchDecisions).values(rows).returning()).filter((r) => r.decision === 'review_pending');
  });

  const expected = () => [...pending].sort((a, b) =>
    (a.score === null) !== (b.score === null) ? (a.score === null ? 1 : -1) : (b.score ?? 0) - (a.score ?? 0) || a.id - b.id).map((r) => r.id);

  it('lists scored pairs by score then id, then unscored ones by id, and no decided pair', async () => {
    const all = await t.db.transaction((tx) => pendingReviews(tx, 100, { order: 'score' }));
    expect(all.map((r) => r.id)).toEqual(expected());
    expect(all.at(-1)!.score).toBeNull();
  });

  for (const size of [1, 2, 3, 5]) {
    it(`pages of ${size} walk the same order, across ties and into the unscored pairs`, async () => {
      const walked: number[] = [];
      let after: DecisionRow | undefined;
      for (let guard = 0; guard < 50; guard++) {
        const page = await t.db.transaction((tx) => pendingReviews(tx, size, { order: 'score', ...(after ? { after } : {}) }));
        walked.push(...page.map((r) => r.id));
        if (page.length < size) break;
        after = page.at(-1)!;
      }
      expect(walked).toEqual(expected());
    });
  }

  it('minScore keeps scored pairs at or above it, paged, and never the unscored ones', async () => {
    const first = await t.db.transaction((tx) => pendingReviews(tx, 2, { order: 'score', minScore: 5.5 }));
    const rest = await t.db.transaction((tx) => pendingReviews(tx, 100, { order: 'score', minScore: 5.5, after: first.at(-1)! }));
    const wanted = expected().filter((id) => (pending.find((r) => r.id === id)!.score ?? -1) >= 5.5);
    expect([...first, ...rest].map((r) => r.id)).toEqual(wanted);
    expect(wanted).toHaveLength(5);
  });

  it('reads the partial score index for a page deep in the queue instead of sorting it', async () => {
    const deep = pending.find((r) => r.score === 4.75)!;
    // Small tables are scanned whatever the indexes: the plan is checked with sequential scans priced out.
    const plan = await t.db.transaction(async (tx) => {
      await tx.execute(sql`set local enable_seqscan = off`);
      const rows = await tx.execute(sql`explain select * from match_decisions where decision = 'review_pending' and score is not null
        and score <= ${deep.score} and (score < ${deep.score} or id > ${deep.id}) order by score desc nulls last, id limit 5`);
      return (Array.isArray(rows) ? rows : (rows as { rows: unknown[] }).rows).map((r) => Object.values(r as object)[0] as string).join('\n');
    });
    expect(plan).toContain('match_decisions_review_score_idx');
    expect(plan).not.toMatch(/^\s*Sort\b/m);
  });
});
