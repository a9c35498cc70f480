/**
 * The identity review run: the matcher (resolver-engine `matchPeople`: normalise → block → score) over the golden
 * Customer snapshots, so people the email linker kept apart but who look alike reach the review queue with their
 * score and explainable reasons. Pairs an admin already decided (either way) are not queued again, and pairs
 * whose records were split apart (`cannot_link`) never are.
 */
import type { Database } from '../db/open-database.ts';
import { activeSnapshots, anyDecisionBetween, decisionKeysOf, goldenKey, queueReviews } from '../db/decision-store.ts';
import { matchPeople } from '../resolver-engine/index.ts';
import type { MappingConfig, MatchRunOptions, PersonRecord } from '../resolver-engine/index.ts';

export interface IdentityReviewReport {
  customers: number;
  comparisons: number;
  reviewPairs: number;
  queued: number;
}

const text = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v : null);

function personOf(id: string, s: Record<string, unknown>): PersonRecord {
  return {
    id, firstName: text(s.firstName), lastName: text(s.lastName), email: text(s.email),
    phones: [text(s.phone), text(s.mobilePhone)], companyName: text(s.companyName), title: text(s.title),
    street: text(s.mailingStreet), city: text(s.mailingCity), postalCode: text(s.mailingPostalCode), country: text(s.mailingCountry),
  };
}

export async function runIdentityReview(db: Database, config: MappingConfig, options: MatchRunOptions = {}): Promise<IdentityReviewReport> {
  if (!config.types.Customer) return { customers: 0, comparisons: 0, reviewPairs: 0, queued: 0 };
  const rows = await activeSnapshots(db, 'Customer');
  const run = matchPeople(rows.filter((r) => r.snapshot).map((r) => personOf(r.id, r.snapshot!)), options);
  const review = run.pairs.filter((p) => p.decision === 'review');
  const wanted: Parameters<typeof queueReviews>[1][number][] = [];
  for (const pair of review) {
    if (await anyDecisionBetween(db, 'Customer', await decisionKeysOf(db, pair.a), await decisionKeysOf(db, pair.b), 'cannot_link')) continue;
    wanted.push({ entityType: 'Customer', a: goldenKey(pair.a), b: goldenKey(pair.b), score: pair.score, reasons: [...pair.reasons, ...(pair.guard ? [{ guard: pair.guard }] : [])], actor: 'identity-review' });
  }
  const queued = await db.transaction((tx) => queueReviews(tx, wanted));
  return { customers: rows.length, comparisons: run.comparisons, reviewPairs: review.length, queued };
}
