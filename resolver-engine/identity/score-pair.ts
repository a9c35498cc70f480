/**
 * Pairwise scoring: the sum of the feature weights, every one reported as a reason, then the hard-negative
 * guard. The guard is why a high score alone does not link: a shared phone, domain or household email is an
 * identifier, and an identifier alone must never merge two people — it has to be corroborated by a name,
 * and a clearly different first name always leaves the decision to a person.
 */
import type { MatchDecision, MatchThresholds } from './classify.ts';
import { DEFAULT_THRESHOLDS, classify } from './classify.ts';
import { SHARED_ADDRESS_SAME_FIRST_WEIGHT } from './features/address.ts';
import type { MatchReason } from './features/feature.ts';
import { EMAIL_MATCH_WEIGHT, MAILBOX_TYPO_WEIGHT, SHARED_IDENTIFIER_WEIGHT } from './features/email.ts';
import { PHONE_MATCH_WEIGHT, SHARED_PHONE_SAME_FIRST_WEIGHT } from './features/phone.ts';
import type { MatchContext } from './match-context.ts';
import { EMPTY_MATCH_CONTEXT, initialAtCompanyKeys } from './match-context.ts';
import { formalNames } from './nicknames.ts';
import { FREEMAIL_DOMAINS, emailDomain, emailLocalPart, isRoleEmail } from './normalise/email.ts';
import type { NormalisedPerson } from './person.ts';
import { specifiedMatchFeatures } from './specified-match-features.ts';

export interface PairScore {
  a: string;
  b: string;
  score: number;
  reasons: MatchReason[];
  decision: MatchDecision;
  /** Why the decision is lower than the score alone would give, when a guard applied. */
  guard: string | null;
}

export interface ScoreOptions {
  context?: MatchContext;
  thresholds?: MatchThresholds;
}

/** An address at an organisation's own domain (not a mailbox provider's, not a role address). */
function isWorkEmail(email: string | null): boolean {
  return email !== null && !FREEMAIL_DOMAINS.has(emailDomain(email)) && !isRoleEmail(email);
}

/** A mailbox that is only a first name ('melissa@'): it does not tell two people of that first name apart. */
function givenNameMailbox(email: string | null, a: NormalisedPerson, b: NormalisedPerson): boolean {
  if (email === null) return false;
  const local = emailLocalPart(email).replace(/[^a-z]/g, '');
  return [a.first, b.first].some((first) => first === local || formalNames(first).has(local));
}

/**
 * A mailbox that spells the full name of a named record of the pair ('graham.russell', 'russellgraham', or
 * 'grussell' for Graham Russell; a nickname's formal name counts): it names one person, not a household
 * ('thejensens', 'miller.home', 'michelleandthomas'), and no other name.
 */
function mailboxSpellsFullName(email: string | null, a: NormalisedPerson, b: NormalisedPerson): boolean {
  if (email === null) return false;
  const local = emailLocalPart(email).replace(/[^a-z]/g, '');
  return [a, b].some((person) => person.first.length > 1 && person.last !== '' &&
    [person.first, ...formalNames(person.first)].some((first) => {
      const last = person.last.replace(/[^a-z]/g, '');
      return local === first + last || local === last + first || local === first[0] + last;
    }));
}

/**
 * One record gives only an initial, the other a first name with that initial, and no one else of that initial
 * and last name at either record's company is in the run: the initial can stand for one colleague only.
 */
function initialNamesOnePersonThere(a: NormalisedPerson, b: NormalisedPerson, context: MatchContext): boolean {
  if ((a.first.length === 1) === (b.first.length === 1) || a.first === '' || b.first === '') return false;
  // Without the run's counts (a pair scored on its own) there is no telling: held back.
  const counts = context.peoplePerInitialAtCompany;
  if (!counts) return false;
  const keys = [a, b].flatMap((company) => [a, b].flatMap((last) => initialAtCompanyKeys({ ...company, first: a.first, last: last.last })));
  return keys.length > 0 && !keys.some((key) => (counts.get(key) ?? 0) >= 2);
}

function weightOf(reasons: readonly MatchReason[], feature: string): number | null {
  return reasons.find((r) => r.feature === feature)?.weight ?? null;
}

/**
 * null when the pair may be linked, else why it may not be linked automatically. The rules, in order:
 * - a different first name never links (household members and colleagues share everything else);
 * - without a first name (or with a bare initial) the record could be anyone in a household or team, so it
 *   needs the same last name and either the same work email, an identifier plus the same company, the same
 *   personal email spelling the full name of the named record, or (an initial) the same not-large company
 *   where nobody else of that initial and last name works;
 * - a different last name (marriage) links only through the same personal email, and not one that is only
 *   a first name ('melissa@acme', which two Melissas of one company may both be written with) unless a
 *   personal phone is in common too: a phone alone may be a switchboard that two colleagues of one first
 *   name share without the data showing it;
 * - otherwise a personal email or phone in common, or the same full name at the same workplace (same
 *   company, or the same switchboard, or one work domain): the standard CRM duplicate rule; or the same
 *   full name at the same mailing address (a home, an office).
 *   Colleagues and partners share the workplace or the home but not the full name; namesakes share the
 *   name but not the workplace or the home. An address, like a shared phone, never links on its own.
 */
function linkGuard(reasons: readonly MatchReason[], a: NormalisedPerson, b: NormalisedPerson, context: MatchContext): string | null {
  const first = weightOf(reasons, 'firstName');
  if (first !== null && first < 0) return 'first names differ: never linked automatically';
  const email = weightOf(reasons, 'email') ?? 0;
  const last = weightOf(reasons, 'lastName');
  // Personal identifiers at full weight, or a shared address already corroborated by the first name.
  const identifier = email >= SHARED_IDENTIFIER_WEIGHT || (weightOf(reasons, 'phone') ?? 0) >= PHONE_MATCH_WEIGHT;
  const sameCompany = (weightOf(reasons, 'company') ?? 0) >= 2;
  // Signs of one workplace when the company field is empty: a switchboard both records carry (the shared
  // phone weight between records of one first name), or mailboxes a typo apart at one work domain.
  const sameWorkplace = sameCompany || weightOf(reasons, 'phone') === SHARED_PHONE_SAME_FIRST_WEIGHT ||
    (email === MAILBOX_TYPO_WEIGHT && isWorkEmail(a.email) && emailDomain(a.email!) === emailDomain(b.email!));
  // The same mailing address in one place, used by this person alone or by a few people of this first name.
  const sameAddress = (weightOf(reasons, 'address') ?? 0) >= SHARED_ADDRESS_SAME_FIRST_WEIGHT;
  const lastAgrees = last !== null && last > 0;
  // The same title in a city where that tells (features/title.ts), unless the records name two employers: two
  // company names that do not match, or work addresses at two domains.
  const twoEmployers = (a.company !== '' && b.company !== '' && (weightOf(reasons, 'company') ?? 0) <= 0) ||
    (isWorkEmail(a.email) && isWorkEmail(b.email) && emailDomain(a.email!) !== emailDomain(b.email!));
  const sameTitleInCity = (weightOf(reasons, 'title') ?? 0) > 0 && !twoEmployers;
  if (first === null || first < 1) {
    if (last !== null && last < 0) return 'no first name to compare and last names differ';
    // A household shares private addresses and landlines, not employers or work addresses.
    if (lastAgrees && ((identifier && sameCompany) || (email >= EMAIL_MATCH_WEIGHT && isWorkEmail(a.email)))) return null;
    // A private mailbox at full weight (no two named people of the run write from it) that spells the named
    // record's full name is that person's own, not a household's: a shared one names the family or both
    // partners. A partner recorded from it without a first name remains possible, but is not seen in any
    // measured set, while household mailboxes are.
    if (lastAgrees && email >= EMAIL_MATCH_WEIGHT && mailboxSpellsFullName(a.email, a, b)) return null;
    // An initial and the last name at one company that is not large (sameCompany is below 2 at a large one),
    // like the same full name there, when the run holds one person of that initial and last name there: a
    // second one (a relative in a family firm) would make the initial ambiguous and keeps the pair in review.
    if (lastAgrees && sameCompany && (first ?? 0) > 0 && initialNamesOnePersonThere(a, b, context)) return null;
    return 'no first name to compare: needs the last name and the same work email, an identifier and the same company, a private email spelling the full name, or an initial unique at the same company';
  }
  if (last !== null && last < 0) {
    // A first-name mailbox corroborated by a full-weight phone (one nobody of another first name in the run
    // carries): two Melissas of one company would have to share the mailbox AND such a line. Each alone does
    // happen between colleagues (the bench's company-phone pairs), both together not in any measured set.
    const phone = weightOf(reasons, 'phone') ?? 0;
    const namesThePerson = !givenNameMailbox(a.email, a, b) || phone >= PHONE_MATCH_WEIGHT;
    return email >= EMAIL_MATCH_WEIGHT && namesThePerson ? null : 'last names differ: linked only through the same personal email naming more than a first name, or a first-name mailbox and a personal phone';
  }
  if (identifier || ((sameWorkplace || sameAddress || sameTitleInCity) && lastAgrees)) return null;
  return 'no personal email or phone in common, and not the same full name at the same workplace, address, or title in a city where that tells';
}

export function scorePair(a: NormalisedPerson, b: NormalisedPerson, options: ScoreOptions = {}): PairScore {
  const context = options.context ?? EMPTY_MATCH_CONTEXT;
  const reasons: MatchReason[] = [];
  for (const feature of Object.values(specifiedMatchFeatures)) {
    const reason = feature(a, b, context);
    if (reason) reasons.push(reason);
  }
  // Rounded so that float noise never flips a decision at a threshold.
  const score = Math.round(reasons.reduce((sum, r) => sum + r.weight, 0) * 100) / 100;
  let decision = classify(score, options.thresholds ?? DEFAULT_THRESHOLDS);
  let guard: string | null = null;
  if (decision === 'link') {
    guard = linkGuard(reasons, a, b, context);
    if (guard) decision = 'review';
  }
  return { a: a.id, b: b.id, score, reasons, decision, guard };
}
