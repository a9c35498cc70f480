import type { SurvivorshipStrategy } from '../strategy.ts';
import { compareByPriority, compareByRecency, sortBy } from '../ordering.ts';

/**
 * The most trusted source that has a value wins, whatever its age. Two records of the same CRM (duplicates)
 * are ordered by recency.
 */
export const sourcePriority: SurvivorshipStrategy = {
  name: 'source-priority',
  description: 'The most trusted source with a value wins.',
  sourcePriorityDecides: true,
  decide(candidates, ctx) {
    const winner = sortBy(candidates, compareByPriority(ctx.sourcePriority), compareByRecency)[0]!;
    return { value: winner.value, winner, detail: `highest priority of ${candidates.length} (order: ${ctx.sourcePriority.join(' > ') || 'none'})` };
  },
  check(rule) {
    return rule.sourcePriority !== undefined && rule.sourcePriority.length === 0 ? [{ key: 'sourcePriority', message: 'must list at least one CRM' }] : [];
  },
};
