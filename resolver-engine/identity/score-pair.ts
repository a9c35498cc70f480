/**
 * Pairwise scoring: the sum of the feature weights, every one reported as a reason, then the hard-negative
 * guard. The guard is why a high score alone does not link: a shared phone, domain or household email is an
 * identifier, and an identifier alone must never merge two people — it has to be corroborated by a name,
 * and a clearly different first name always leaves the decision to a person.
 */
import type { MatchDecision, MatchThresholds } from './classify.ts';
import { DEFAULT_THRESHOLDS, classify } from './classify.ts';
import type { MatchReason } from './features/feature.ts';
import { SHARED_IDENTIFIER_WEIGHT } from './features/email.ts';
import { PHONE_MATCH_WEIGHT } from './features/phone.ts';
import type { MatchContext } from './match-context.ts';
import { EMPTY_MATCH_CONTEXT } from './match-context.ts';
import type { NormalisedPerson } from './person.ts';
import { specifiedMatchFeatures } from './specified-match-features.ts';

export interface PairScore {
  a: string;
  b: string;
  score: number;
  reasons: MatchReason[];
  decision: MatchDecision;
  /** Why the decision is lower than the score alone would give, when a guard applied. */
  guard: string | null;
}

export interface ScoreOptions {
  context?: MatchContext;
  thresholds?: MatchThresholds;
}

function weightOf(reasons: readonly MatchReason[], feature: string): number | null {
  return reasons.find((r) => r.feature === feature)?.weight ?? null;
}

/** null when the pair may be linked, else why it may not be linked automatically. */
function linkGuard(reasons: readonly MatchReason[]): string | null {
  const first = weightOf(reasons, 'firstName');
  if (first !== null && first < 0) return 'first names differ: never linked automatically';
  // Full-weight identifiers, or shared ones already corroborated by a matching first name.
  const identifier = (weightOf(reasons, 'email') ?? 0) >= SHARED_IDENTIFIER_WEIGHT || (weightOf(reasons, 'phone') ?? 0) >= PHONE_MATCH_WEIGHT / 2;
  if (!identifier) return 'no personal email or phone in common';
  const nameAgrees = (first ?? 0) > 0 || (weightOf(reasons, 'lastName') ?? 0) > 0;
  if (!nameAgrees) return 'a shared identifier without a matching name is not enough to link';
  return null;
}

export function scorePair(a: NormalisedPerson, b: NormalisedPerson, options: ScoreOptions = {}): PairScore {
  const context = options.context ?? EMPTY_MATCH_CONTEXT;
  const reasons: MatchReason[] = [];
  for (const feature of Object.values(specifiedMatchFeatures)) {
    const reason = feature(a, b, context);
    if (reason) reasons.push(reason);
  }
  // Rounded so that float noise never flips a decision at a threshold.
  const score = Math.round(reasons.reduce((sum, r) => sum + r.weight, 0) * 100) / 100;
  let decision = classify(score, options.thresholds ?? DEFAULT_THRESHOLDS);
  let guard: string | null = null;
  if (decision === 'link') {
    guard = linkGuard(reasons);
    if (guard) decision = 'review';
  }
  return { a: a.id, b: b.id, score, reasons, decision, guard };
}
