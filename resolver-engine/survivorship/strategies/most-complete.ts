import type { Candidate } from '../../model.ts';
import type { SurvivorshipStrategy } from '../strategy.ts';
import { compareByPriority, compareByRecency, sortBy } from '../ordering.ts';

/** Letters and digits carry the information; punctuation and spacing differences do not ('St.' vs 'Street'). */
export function informationContent(value: unknown): number {
  if (typeof value === 'string') return (value.match(/[\p{L}\p{N}]/gu) ?? []).length;
  if (typeof value === 'number') return value === 0 ? 0 : 1;
  return value === null || value === undefined ? 0 : 1;
}

/** The most informative value wins (e.g. '1 Main Street, Suite 5' over '1 Main St'); ties go to the newest. */
export const mostComplete: SurvivorshipStrategy = {
  name: 'most-complete',
  description: 'The longest, most informative value wins; ties go to the newest, then source priority.',
  decide(candidates, ctx) {
    const byContent = (a: Candidate, b: Candidate) => informationContent(b.value) - informationContent(a.value);
    const winner = sortBy(candidates, byContent, compareByRecency, compareByPriority(ctx.sourcePriority))[0]!;
    return { value: winner.value, winner, detail: `most informative of ${candidates.length} (${informationContent(winner.value)} letters/digits)` };
  },
};
