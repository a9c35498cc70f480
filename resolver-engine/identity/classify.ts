/** Turns a pairwise score into a decision: auto-link, send to the review queue, or keep apart. */

export type MatchDecision = 'link' | 'review' | 'separate';

export interface MatchThresholds {
  /** At or above: linked automatically (unless a guard caps the pair at review). */
  link: number;
  /** At or above (and below link): a person decides in the review queue. */
  review: number;
}

// Calibrated on generated data with nicknames, typos, phone formats, married names and hard negatives:
// a full name alone (4.5) is worth a look; a namesake with another email (3.5) is not.
export const DEFAULT_THRESHOLDS: MatchThresholds = Object.freeze({ link: 8, review: 4.5 });

export function classify(score: number, thresholds: MatchThresholds = DEFAULT_THRESHOLDS): MatchDecision {
  if (score >= thresholds.link) return 'link';
  if (score >= thresholds.review) return 'review';
  return 'separate';
}
