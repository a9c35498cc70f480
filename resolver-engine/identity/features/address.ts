import { numbersDiffer, typingDistance } from '../edit-distance.ts';
import { compatibleFirstNames } from '../first-name-match.ts';
import { ADDRESS_PEOPLE_CAP, addressKeys } from '../match-context.ts';
import { streetParts } from '../normalise/address.ts';
import type { NormalisedPerson } from '../person.ts';
import type { MatchFeature } from './feature.ts';

/** One person's own mailing address (nobody else in the run uses it). */
export const ADDRESS_MATCH_WEIGHT = 3;
/** An address several people use (a household's home, a small office), between records whose first names agree. */
export const SHARED_ADDRESS_SAME_FIRST_WEIGHT = 2;

/** The same house number and street, or a typing slip in a long street name ('5 Unnion St'). */
function sameStreet(a: string, b: string): 'same' | 'typo' | null {
  if (a === b) return 'same';
  const [x, y] = [streetParts(a), streetParts(b)];
  if (x.number !== y.number) return null;
  return Math.min(x.name.length, y.name.length) >= 6 && !numbersDiffer(x.name, y.name) && typingDistance(x.name, y.name) <= 1 ? 'typo' : null;
}

/** Both in one place: the same postal code, or (one code missing) the same city. */
function samePlace(a: NormalisedPerson, b: NormalisedPerson): 'postal' | 'city' | 'unknown' | 'different' {
  if (a.postalCode !== '' && b.postalCode !== '') return a.postalCode === b.postalCode ? 'postal' : 'different';
  if (a.city !== '' && b.city !== '') return a.city === b.city ? 'city' : 'different';
  return 'unknown';
}

/**
 * The same mailing address: strong support when only one person uses it, little when several do (an
 * office shared by colleagues, a home shared by a household) — there it supports only records whose
 * first names agree, and the guard in score-pair.ts never links on it without the same full name.
 * A different address says nothing: people move, and records carry the home or the office address.
 */
export const addressFeature: MatchFeature = (a, b, ctx) => {
  if (a.street === '' || b.street === '') return null;
  const street = sameStreet(a.street, b.street);
  if (!street) return null;
  const place = samePlace(a, b);
  if (place === 'different') return null;
  const typo = street === 'typo' ? ' (street typo?)' : '';
  if (place === 'unknown') return { feature: 'address', weight: 1, detail: `same street line '${a.street}'${typo}, place unknown` };
  const keysB = new Set(addressKeys(b));
  const people = Math.max(0, ...addressKeys(a).filter((k) => keysB.has(k)).map((k) => ctx.peoplePerAddress?.get(k) ?? 0));
  const where = place === 'postal' ? a.postalCode : a.city;
  if (people >= 2) {
    // A home or small office shared by a few people marks one household or workplace; a big office less so.
    const sameFirst = a.first !== '' && b.first !== '' && compatibleFirstNames(a.first, b.first) && people < ADDRESS_PEOPLE_CAP;
    return { feature: 'address', weight: sameFirst ? SHARED_ADDRESS_SAME_FIRST_WEIGHT : 0.5, detail: `same address '${a.street}', ${where}${typo}, shared by ${people >= ADDRESS_PEOPLE_CAP ? `${people} or more` : people} people${sameFirst ? ', same first name' : ''}` };
  }
  return { feature: 'address', weight: ADDRESS_MATCH_WEIGHT, detail: `same address '${a.street}', ${where}${typo}` };
};
