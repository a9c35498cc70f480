import { levenshtein } from '../../text/similarity.ts';
import { emailDomain, emailLocalPart, isRoleEmail } from '../normalise/email.ts';
import { compatibleFirstNames } from '../match-context.ts';
import type { MatchFeature } from './feature.ts';

export const EMAIL_MATCH_WEIGHT = 6;
/** A phone or email several people use, between two records whose first names agree. */
export const SHARED_IDENTIFIER_WEIGHT = 3;

/** Same personal address is strong evidence; a role or household address shared by several people is not. */
export const emailFeature: MatchFeature = (a, b, ctx) => {
  if (!a.email || !b.email) return null;
  if (a.email === b.email) {
    if (isRoleEmail(a.email)) return { feature: 'email', weight: 1, detail: `same role address ${a.email}` };
    const people = ctx.peoplePerEmail.get(a.email);
    if (people) {
      // A shared (household) address still says something when the first names agree: it is the same
      // member of the household, unless two of them share a first name.
      const sameFirst = a.first !== '' && b.first !== '' && compatibleFirstNames(a.first, b.first);
      return { feature: 'email', weight: sameFirst ? SHARED_IDENTIFIER_WEIGHT : 1, detail: `same address ${a.email}, shared by ${people} people${sameFirst ? ', same first name' : ''}` };
    }
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
