/** Hard negatives of a generated data set: records of different people that share an identifier by construction. */
import type { RecordTruth } from './generate-people.ts';

export type HardNegativeKind =
  | 'company-phone' | 'household-email' | 'household-phone' | 'namesake' | 'domain' | 'household-address' | 'office-address';

export const HARD_NEGATIVE_KINDS: readonly HardNegativeKind[] = [
  'company-phone', 'household-email', 'household-phone', 'namesake', 'domain', 'household-address', 'office-address',
];

/**
 * Pairs of records (indexes, i < j) of DIFFERENT people that share an identifier by construction, by kind.
 * None of them may ever be linked automatically.
 */
export function hardNegativePairs(truth: readonly RecordTruth[]): Map<HardNegativeKind, Array<[number, number]>> {
  const byTag = new Map<string, number[]>();
  truth.forEach((t, index) => {
    for (const tag of t.sharedTags) {
      const members = byTag.get(tag);
      if (members) members.push(index);
      else byTag.set(tag, [index]);
    }
  });
  const result = new Map<HardNegativeKind, Array<[number, number]>>();
  for (const [tag, members] of byTag) {
    const kind = tag.slice(0, tag.indexOf(':')) as HardNegativeKind;
    const pairs = result.get(kind) ?? [];
    for (let i = 0; i < members.length; i++) {
      for (let j = i + 1; j < members.length; j++) {
        const [a, b] = [members[i]!, members[j]!];
        if (truth[a]!.entityId !== truth[b]!.entityId) pairs.push(a < b ? [a, b] : [b, a]);
      }
    }
    result.set(kind, pairs);
  }
  return result;
}
