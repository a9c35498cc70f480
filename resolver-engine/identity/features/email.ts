import { levenshtein } from '../../text/similarity.ts';
import { emailDomain, emailLocalPart, isRoleEmail } from '../normalise/email.ts';
import type { MatchFeature } from './feature.ts';

export const EMAIL_MATCH_WEIGHT = 6;

/** Same personal address is strong evidence; a role or household address shared by several people is not. */
export const emailFeature: MatchFeature = (a, b, ctx) => {
  if (!a.email || !b.email) return null;
  if (a.email === b.email) {
    if (isRoleEmail(a.email)) return { feature: 'email', weight: 1, detail: `same role address ${a.email}` };
    const people = ctx.peoplePerEmail.get(a.email);
    if (people) return { feature: 'email', weight: 1, detail: `same address ${a.email}, but it is shared by ${people} people` };
    return { feature: 'email', weight: EMAIL_MATCH_WEIGHT, detail: `same email ${a.email}` };
  }
  const [localA, localB] = [emailLocalPart(a.email), emailLocalPart(b.email)];
  if (localA === localB && localA.length >= 4 && !isRoleEmail(a.email)) {
    const distance = levenshtein(emailDomain(a.email), emailDomain(b.email));
    if (distance <= 2) return { feature: 'email', weight: 3, detail: `same mailbox, domains differ by ${distance} character(s) (typo?)` };
    return { feature: 'email', weight: 1.5, detail: `same mailbox name '${localA}' at different domains` };
  }
  return { feature: 'email', weight: -1, detail: 'different emails' };
};
