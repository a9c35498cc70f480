/** Turns a pairwise score into a decision: auto-link, send to the review queue, or keep apart. */

export type MatchDecision = 'link' | 'review' | 'separate';

export interface MatchThresholds {
  /** At or above: linked automatically (unless a guard caps the pair at review). */
  link: number;
  /** At or above (and below link): a person decides in the review queue. */
  review: number;
}

// Measured with bench/identity (generated CRM records with nicknames, typos, phone formats, married names
// and hard negatives): a personal email plus a first name (8), a phone plus a full name (8.5) or a full
// name at the same company (7) link; a full name alone (4.5) is worth a look; a namesake with another
// email (4) is not. The guard in score-pair.ts, not the threshold, is what keeps hard negatives apart.
export const DEFAULT_THRESHOLDS: MatchThresholds = Object.freeze({ link: 6, review: 4.5 });

export function classify(score: number, thresholds: MatchThresholds = DEFAULT_THRESHOLDS): MatchDecision {
  if (score >= thresholds.link) return 'link';
  if (score >= thresholds.review) return 'review';
  return 'separate';
}
