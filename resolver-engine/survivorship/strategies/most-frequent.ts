import type { Candidate } from '../../model.ts';
import { sourceKey } from '../../model.ts';
import type { SurvivorshipStrategy } from '../strategy.ts';
import { compareByPriority, compareByRecency, compareDeterministic, sortBy } from '../ordering.ts';

/**
 * The value most sources agree on (after normalisation) wins; a tie goes to the group holding the newest
 * value, then to source priority. The winner's own spelling is the newest one within the winning group.
 */
export const mostFrequent: SurvivorshipStrategy = {
  name: 'most-frequent',
  description: 'The value agreed by most sources wins; ties go to the most recent.',
  decide(candidates, ctx) {
    const groups = new Map<string, Candidate[]>();
    for (const candidate of candidates) {
      const key = ctx.compareKey(candidate.value);
      groups.set(key, [...(groups.get(key) ?? []), candidate]);
    }
    const ranked = [...groups.values()].map((members) => ({
      members,
      // A record counted once even if two of its fields map here; distinct records are the votes.
      votes: new Set(members.map((m) => sourceKey(m.source))).size,
      representative: sortBy(members, compareByRecency, compareByPriority(ctx.sourcePriority))[0]!,
    }));
    ranked.sort((a, b) => b.votes - a.votes
      || compareByRecency(a.representative, b.representative)
      || compareByPriority(ctx.sourcePriority)(a.representative, b.representative)
      || compareDeterministic(a.representative, b.representative));
    const best = ranked[0]!;
    return {
      value: best.representative.value,
      winner: best.representative,
      detail: `${best.votes} of ${candidates.length} source(s) agree${ranked.length > 1 && ranked[1]!.votes === best.votes ? '; tie broken by recency' : ''}`,
    };
  },
};
