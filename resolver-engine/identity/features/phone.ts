import { compatibleFirstNames } from '../first-name-match.ts';
import type { MatchFeature } from './feature.ts';

export const PHONE_MATCH_WEIGHT = 4;
/** A number several people use (a switchboard), between records whose first names agree. */
export const SHARED_PHONE_SAME_FIRST_WEIGHT = 2;

/** A shared number is strong evidence unless several different people use it (a company switchboard). */
export const phoneFeature: MatchFeature = (a, b, ctx) => {
  if (a.phones.length === 0 || b.phones.length === 0) return null;
  const inCommon = a.phones.filter((p) => b.phones.includes(p));
  // People have several numbers (office, mobile): no number in common is no evidence either way.
  if (inCommon.length === 0) return null;
  // A personal number in common outweighs a switchboard both records also carry.
  const common = inCommon.find((p) => !ctx.peoplePerPhone.has(p)) ?? inCommon[0]!;
  const people = ctx.peoplePerPhone.get(common);
  if (people) {
    // A switchboard shared by colleagues: weak evidence, a little stronger between records of one first name.
    // A line shared by a few people (a small office) still marks one workplace; a large switchboard less so.
    const sameFirst = a.first !== '' && b.first !== '' && compatibleFirstNames(a.first, b.first) && people < 20;
    return { feature: 'phone', weight: sameFirst ? SHARED_PHONE_SAME_FIRST_WEIGHT : 0.5, detail: `same phone ${common}, shared by ${people} people${sameFirst ? ', same first name' : ''}` };
  }
  return { feature: 'phone', weight: PHONE_MATCH_WEIGHT, detail: `same phone ${common}` };
};
