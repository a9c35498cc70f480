import type { SurvivorshipStrategy } from '../strategy.ts';
import { compareByPriority, sortBy } from '../ordering.ts';

/**
 * The most recently modified value wins. CRM clocks and sync delays differ, so writes within
 * `clockSkewToleranceMs` of the newest are treated as simultaneous and the tie goes to source priority,
 * then to the deterministic order. Candidates without a modification time lose to any that have one.
 */
export const lastWriteWins: SurvivorshipStrategy = {
  name: 'last-write-wins',
  description: 'Newest value wins; near-simultaneous writes are broken by source priority.',
  decide(candidates, ctx) {
    const times = candidates.map((c) => c.modifiedAt?.getTime()).filter((t): t is number => t !== undefined);
    const newest = times.length > 0 ? Math.max(...times) : null;
    const tied = newest === null
      ? [...candidates]
      : candidates.filter((c) => c.modifiedAt !== null && newest - c.modifiedAt.getTime() <= ctx.clockSkewToleranceMs);
    const winner = sortBy(tied, compareByPriority(ctx.sourcePriority))[0]!;
    const detail = newest === null
      ? `no modification times among ${candidates.length}; chosen by source priority`
      : tied.length > 1
        ? `${tied.length} of ${candidates.length} modified within ${ctx.clockSkewToleranceMs} ms of the newest; tie broken by source priority`
        : `newest of ${candidates.length}`;
    return { value: winner.value, winner, detail };
  },
};
