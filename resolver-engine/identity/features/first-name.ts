import { jaroWinkler } from '../../text/similarity.ts';
import { areNicknameVariants } from '../nicknames.ts';
import type { MatchFeature } from './feature.ts';

/** A clearly different first name is the strongest evidence of two people (colleagues, family members). */
export const FIRST_NAME_MISMATCH_WEIGHT = -4;

export const firstNameFeature: MatchFeature = (a, b) => {
  if (a.first === '' || b.first === '') return null;
  if (a.first === b.first) return { feature: 'firstName', weight: 2, detail: `same first name '${a.first}'` };
  if (areNicknameVariants(a.first, b.first)) return { feature: 'firstName', weight: 1.5, detail: `'${a.first}' and '${b.first}' are nicknames of one name` };
  const similarity = jaroWinkler(a.first, b.first);
  if (similarity >= 0.9) return { feature: 'firstName', weight: 1.5, detail: `'${a.first}' ≈ '${b.first}' (similarity ${similarity.toFixed(2)}, typo?)` };
  if ((a.first.length === 1 || b.first.length === 1) && a.first[0] === b.first[0]) {
    return { feature: 'firstName', weight: 0.5, detail: `initial '${a.first[0]}' matches` };
  }
  return { feature: 'firstName', weight: FIRST_NAME_MISMATCH_WEIGHT, detail: `different first names '${a.first}' and '${b.first}'` };
};
