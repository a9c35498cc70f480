import { jaroWinkler } from '../../text/similarity.ts';
import { numbersDiffer, typingDistance } from '../edit-distance.ts';
import type { MatchFeature } from './feature.ts';

/** A different last name argues less against a match than a different first name: people marry. */
export const LAST_NAME_MISMATCH_WEIGHT = -1.5;

export const lastNameFeature: MatchFeature = (a, b) => {
  if (a.last === '' || b.last === '') return null;
  if (a.last === b.last) return { feature: 'lastName', weight: 2.5, detail: `same last name '${a.last}'` };
  const partsA = a.last.split(' ');
  const partsB = b.last.split(' ');
  if (partsA.some((p) => p.length > 1 && partsB.includes(p))) {
    return { feature: 'lastName', weight: 1.5, detail: `'${a.last}' and '${b.last}' share a part (double-barrelled name?)` };
  }
  // A last name with a number in it is an id or an import artefact ('Lovelace157'); another number is another person.
  if (numbersDiffer(a.last, b.last)) {
    return { feature: 'lastName', weight: LAST_NAME_MISMATCH_WEIGHT, detail: `different last names '${a.last}' and '${b.last}' (other numbers)` };
  }
  const similarity = jaroWinkler(a.last, b.last);
  const edits = typingDistance(a.last, b.last);
  // One slip in a short name, two in a long one; a real change of name is rarely that close.
  if (similarity >= 0.92 || (edits <= 1 && Math.min(a.last.length, b.last.length) >= 3) || (edits <= 2 && Math.min(a.last.length, b.last.length) >= 7)) {
    return { feature: 'lastName', weight: 2, detail: `'${a.last}' ≈ '${b.last}' (${edits} edit(s), typo?)` };
  }
  return { feature: 'lastName', weight: LAST_NAME_MISMATCH_WEIGHT, detail: `different last names '${a.last}' and '${b.last}' (married name?)` };
};
