import { jaroWinkler } from '../../text/similarity.ts';
import type { MatchFeature } from './feature.ts';

/** A different last name argues less against a match than a different first name: people marry. */
export const lastNameFeature: MatchFeature = (a, b) => {
  if (a.last === '' || b.last === '') return null;
  if (a.last === b.last) return { feature: 'lastName', weight: 2.5, detail: `same last name '${a.last}'` };
  const partsA = a.last.split(' ');
  const partsB = b.last.split(' ');
  if (partsA.some((p) => p.length > 1 && partsB.includes(p))) {
    return { feature: 'lastName', weight: 1.5, detail: `'${a.last}' and '${b.last}' share a part (double-barrelled name?)` };
  }
  const similarity = jaroWinkler(a.last, b.last);
  if (similarity >= 0.92) return { feature: 'lastName', weight: 2, detail: `'${a.last}' ≈ '${b.last}' (similarity ${similarity.toFixed(2)}, typo?)` };
  return { feature: 'lastName', weight: -1, detail: `different last names '${a.last}' and '${b.last}' (married name?)` };
};
