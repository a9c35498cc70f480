import { levenshtein } from '../../text/similarity.ts';
import { FREEMAIL_DOMAINS, emailDomain, emailLocalPart, isRoleEmail } from '../normalise/email.ts';
import { compatibleFirstNames } from '../first-name-match.ts';
import type { MatchContext } from '../match-context.ts';
import type { NormalisedPerson } from '../person.ts';
import type { MatchFeature } from './feature.ts';

export const EMAIL_MATCH_WEIGHT = 6;
/** A phone or email several people use, between two records whose first names agree. */
export const SHARED_IDENTIFIER_WEIGHT = 3;
/** The same address when a numbered sibling ('karen2@') exists at its domain. */
export const NUMBERED_EMAIL_WEIGHT = 2.5;
/** Two mailboxes a typing slip apart at one domain. */
export const MAILBOX_TYPO_WEIGHT = 2;

/** 'john.smith' and 'john.smith2': a mail admin numbering a second person of the same name. */
const differOnlyByDigits = (x: string, y: string) => x !== y && x.replace(/\d+$/, '') === y.replace(/\d+$/, '');

/** A slip of the keyboard in a mailbox name: one edit (two in a long name), never just a number. */
function mailboxTypo(x: string, y: string): boolean {
  if (differOnlyByDigits(x, y) || Math.min(x.length, y.length) < 5) return false;
  return levenshtein(x, y) <= (Math.min(x.length, y.length) >= 8 ? 2 : 1);
}

const letters = (text: string) => text.replace(/[^a-z]/g, '');

/** A mailbox containing its record's last name, which differs from the other record's. */
function spellsOwnLastName(local: string, own: string, other: string): boolean {
  const [ownLetters, otherLetters] = [letters(own), letters(other)];
  return ownLetters.length >= 3 && ownLetters !== otherLetters && letters(local).includes(ownLetters);
}

/**
 * 'karen@' is ambiguous when 'karen2@' exists because a record of the second Karen may carry it with the digit
 * left out — but that record would carry her name too. When every record holding a numbered sibling names a last
 * name, and none of them is either record's, neither record is the numbered person's: the address is one
 * person's again. A sibling record without a last name, or with either record's, keeps the doubt (two Ingrid
 * Böhms at one company, one numbered).
 */
function numberedBelongsToOthers(email: string, a: NormalisedPerson, b: NormalisedPerson, ctx: MatchContext): boolean {
  const siblings = ctx.numberedSiblingLastNames?.get(email);
  if (!siblings || a.last === '' || b.last === '') return false;
  return ![...siblings].some((last) => last === '' || last === a.last || last === b.last);
}

/**
 * Same personal address is strong evidence; a role or household address shared by several people is not.
 * Different addresses say little (people have work and private ones), except two different mailboxes at
 * one organisation: a company gives a person one address, so that is usually two colleagues.
 */
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
    // Below what the guard counts as an identifier: the other person's number may have been left out, unless
    // that other person goes by another last name than both records (see numberedBelongsToOthers).
    if (ctx.numberedEmails?.has(a.email)) {
      if (numberedBelongsToOthers(a.email, a, b, ctx)) {
        return { feature: 'email', weight: EMAIL_MATCH_WEIGHT, detail: `same email ${a.email}; its numbered siblings at the domain are recorded under other last names` };
      }
      return { feature: 'email', weight: NUMBERED_EMAIL_WEIGHT, detail: `same email ${a.email}, but a numbered one of that mailbox exists at the domain` };
    }
    return { feature: 'email', weight: EMAIL_MATCH_WEIGHT, detail: `same email ${a.email}` };
  }
  const [localA, localB] = [emailLocalPart(a.email), emailLocalPart(b.email)];
  const [domainA, domainB] = [emailDomain(a.email), emailDomain(b.email)];
  if (isRoleEmail(a.email) || isRoleEmail(b.email)) return null;
  if (localA === localB && localA.length >= 4) {
    const distance = levenshtein(domainA, domainB);
    if (distance <= 2) return { feature: 'email', weight: 3, detail: `same mailbox, domains differ by ${distance} character(s) (typo?)` };
    return { feature: 'email', weight: 1.5, detail: `same mailbox name '${localA}' at different domains` };
  }
  if (domainA === domainB && mailboxTypo(localA, localB)) {
    // 'jennifer.peterson' and 'jennifer.patterson' on records of Peterson and Patterson: each mailbox spells its
    // own record's last name, so the difference is two names, not a slip — two colleagues.
    if (spellsOwnLastName(localA, a.last, b.last) && spellsOwnLastName(localB, b.last, a.last)) {
      return { feature: 'email', weight: -2.5, detail: `mailboxes '${localA}' and '${localB}' at ${domainA} spell two last names (colleagues?)` };
    }
    return { feature: 'email', weight: MAILBOX_TYPO_WEIGHT, detail: `mailboxes '${localA}' and '${localB}' differ by a typo?` };
  }
  if (domainA === domainB && !FREEMAIL_DOMAINS.has(domainA)) {
    return { feature: 'email', weight: -2.5, detail: `two different mailboxes at ${domainA} (colleagues?)` };
  }
  return { feature: 'email', weight: -0.5, detail: 'different emails' };
};
