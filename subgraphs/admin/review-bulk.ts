/**
 * Bulk review decisions: `acceptMatches(ids)` and `rejectMatches(ids)` decide each pair exactly as `acceptMatch` /
 * `rejectMatch` do (the same acceptReview / rejectReview, one pair after the other: a later pair may name a customer
 * an earlier one merged away, and then resolves to its survivor), and answer one outcome per id in input order.
 * A pair that fails fails alone, with a code: NOT_FOUND (no such pair), ALREADY_DECIDED (decided before, or earlier
 * in the same call), BAD_USER_INPUT (e.g. a side no longer exists), or INTERNAL_SERVER_ERROR.
 */
import { GraphQLError } from 'graphql';
import { decisionById } from '../../db/decision-store.ts';
import type { ChangeApplierContext } from '../../sync/change-applier.ts';
import { IdentityInputError, acceptReview, rejectReview } from '../../sync/identity-admin.ts';
import { REVIEW_BULK_MAX_IDS } from './page-limits.ts';

export const REVIEW_BULK_TYPE_DEFS = `
"What happened to one pair of a bulk decision."
type MatchDecisionOutcome {
  "The review pair id as given."
  id: ID!
  "True when the pair was decided (merged or kept apart)."
  ok: Boolean!
  "Why the pair was not decided: NOT_FOUND, ALREADY_DECIDED, BAD_USER_INPUT or INTERNAL_SERVER_ERROR; null when ok."
  code: String
  message: String
  "Accepted pairs: the customer both records now resolve to (the older id survives). Null otherwise."
  customer: Customer
}
`;

export const REVIEW_BULK_MUTATION_FIELDS = `
  "Accepts up to ${REVIEW_BULK_MAX_IDS} review pairs, each as acceptMatch does; one outcome per id, in the order given."
  acceptMatches(ids: [ID!]!): [MatchDecisionOutcome!]!
  "Rejects up to ${REVIEW_BULK_MAX_IDS} review pairs, each as rejectMatch does; one outcome per id, in the order given."
  rejectMatches(ids: [ID!]!): [MatchDecisionOutcome!]!`;

interface Outcome { id: string; ok: boolean; code: string | null; message: string | null; customer: { id: string } | null }

const DECIDED: Readonly<Record<string, string>> = { review_accepted: 'accepted', review_rejected: 'rejected', must_link: 'merged', cannot_link: 'kept apart' };

/** Why the single mutation refused a pair, as a code: the stored row says which case (its message says the rest). */
async function refusal(ctx: ChangeApplierContext, given: string, id: number, err: IdentityInputError): Promise<Pick<Outcome, 'code' | 'message'>> {
  const row = Number.isSafeInteger(id) ? await decisionById(ctx.db, id) : null;
  if (!row) return { code: 'NOT_FOUND', message: `No review pair has id '${given}'` };
  if (row.decision !== 'review_pending') return { code: 'ALREADY_DECIDED', message: `Review pair '${given}' was already decided (${DECIDED[row.decision] ?? row.decision})` };
  return { code: 'BAD_USER_INPUT', message: err.message };
}

export function reviewBulkResolvers(ctx: () => ChangeApplierContext, reviewId: (id: string) => number) {
  const decideAll = async (ids: readonly string[], decide: (c: ChangeApplierContext, id: number) => Promise<{ id: string } | null>): Promise<Outcome[]> => {
    if (ids.length > REVIEW_BULK_MAX_IDS) {
      throw new GraphQLError(`At most ${REVIEW_BULK_MAX_IDS} review pairs per call (${ids.length} given): send them in several calls`, { extensions: { code: 'BAD_USER_INPUT', argumentName: 'ids' } });
    }
    const c = ctx();
    const out: Outcome[] = [];
    // One at a time: each pair is its own decision (its own transactions), so a failure leaves the others as decided.
    for (const given of ids) {
      const id = reviewId(given);
      try {
        out.push({ id: given, ok: true, code: null, message: null, customer: await decide(c, id) });
      } catch (err) {
        if (err instanceof IdentityInputError) out.push({ id: given, ok: false, ...await refusal(c, given, id, err), customer: null });
        else out.push({ id: given, ok: false, code: 'INTERNAL_SERVER_ERROR', message: `Deciding review '${given}' failed: ${(err as Error).message}`, customer: null });
      }
    }
    return out;
  };
  return {
    acceptMatches: (_: unknown, args: { ids: string[] }) => decideAll(args.ids, async (c, id) => ({ id: (await acceptReview(c, id)).survivorId })),
    rejectMatches: (_: unknown, args: { ids: string[] }) => decideAll(args.ids, async (c, id) => {
      await rejectReview(c, id);
      return null;
    }),
  };
}
