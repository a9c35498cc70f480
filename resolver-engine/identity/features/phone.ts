import type { MatchFeature } from './feature.ts';

export const PHONE_MATCH_WEIGHT = 4;

/** A shared number is strong evidence unless several different people use it (a company switchboard). */
export const phoneFeature: MatchFeature = (a, b, ctx) => {
  if (a.phones.length === 0 || b.phones.length === 0) return null;
  const common = a.phones.find((p) => b.phones.includes(p));
  if (!common) return { feature: 'phone', weight: -0.5, detail: 'no phone in common' };
  const people = ctx.peoplePerPhone.get(common);
  if (people) return { feature: 'phone', weight: 0.5, detail: `same phone ${common}, but it is shared by ${people} people` };
  return { feature: 'phone', weight: PHONE_MATCH_WEIGHT, detail: `same phone ${common}` };
};
