import { compareFirstNames } from '../first-name-match.ts';
import type { MatchFeature } from './feature.ts';

/** A clearly different first name is the strongest evidence of two people (colleagues, family members). */
export const FIRST_NAME_MISMATCH_WEIGHT = -4;

export const firstNameFeature: MatchFeature = (a, b) => {
  const match = compareFirstNames(a.first, b.first);
  switch (match) {
    case null:
      return null;
    case 'same':
      return { feature: 'firstName', weight: 2, detail: `same first name '${a.first}'` };
    case 'nickname':
      return { feature: 'firstName', weight: 1.5, detail: `'${a.first}' and '${b.first}' are nicknames of one name` };
    case 'short-form':
      return { feature: 'firstName', weight: 1.25, detail: `'${a.first}' and '${b.first}': one is a short form of the other` };
    case 'typo':
      return { feature: 'firstName', weight: 1.5, detail: `'${a.first}' ≈ '${b.first}' (typo?)` };
    case 'possible-typo':
      return { feature: 'firstName', weight: 0, detail: `'${a.first}' and '${b.first}' may be a mistyped name (or two names)` };
    case 'initial':
      return { feature: 'firstName', weight: 0.5, detail: `initial '${a.first[0]}' matches` };
    case 'different':
      return { feature: 'firstName', weight: FIRST_NAME_MISMATCH_WEIGHT, detail: `different first names '${a.first}' and '${b.first}'` };
  }
};
