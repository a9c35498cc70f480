/**
 * Tie-breaking orders shared by the strategies. Every strategy ends in the deterministic order so the same
 * candidates always yield the same winner, whatever order the CRMs answered in.
 */
import type { Candidate } from '../model.ts';
import { sourceKey } from '../model.ts';

export function compareDeterministic(a: Candidate, b: Candidate): number {
  const ka = sourceKey(a.source);
  const kb = sourceKey(b.source);
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

export function priorityRank(crm: string, priority: readonly string[]): number {
  const index = priority.indexOf(crm);
  return index === -1 ? priority.length : index;
}

export function compareByPriority(priority: readonly string[]) {
  return (a: Candidate, b: Candidate): number => priorityRank(a.source.crm, priority) - priorityRank(b.source.crm, priority);
}

/** Newest first; candidates without a modification time come last. */
export function compareByRecency(a: Candidate, b: Candidate): number {
  const ta = a.modifiedAt?.getTime() ?? Number.NEGATIVE_INFINITY;
  const tb = b.modifiedAt?.getTime() ?? Number.NEGATIVE_INFINITY;
  return ta === tb ? 0 : tb > ta ? 1 : -1;
}

/** Applies comparators in turn, falling through on ties, always ending with the deterministic order. */
export function sortBy(candidates: readonly Candidate[], ...comparators: Array<(a: Candidate, b: Candidate) => number>): Candidate[] {
  return [...candidates].sort((a, b) => {
    for (const compare of comparators) {
      const result = compare(a, b);
      if (result !== 0) return result;
    }
    return compareDeterministic(a, b);
  });
}
