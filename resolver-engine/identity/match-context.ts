/**
 * Facts about the whole record set that change what a single agreement means. A phone or email used by
 * several different people (a switchboard, a household address) says little about any two of them, so
 * scoring weighs it down. Built once per matching run.
 */
import { compatibleFirstNames } from './first-name-match.ts';
import { formalNames } from './nicknames.ts';
import type { NormalisedPerson } from './person.ts';

export { compatibleFirstNames } from './first-name-match.ts';

export interface MatchContext {
  /** normalised phone / email → how many different people (by name) use it; absent means unknown or one. */
  peoplePerPhone: ReadonlyMap<string, number>;
  peoplePerEmail: ReadonlyMap<string, number>;
  /** address key (addressKeys) → how many different people use it: an office, a household's home. */
  peoplePerAddress?: ReadonlyMap<string, number>;
  /**
   * Addresses whose mailbox a mail admin numbered for a second person of that name at the same domain
   * ('karen@' when 'karen2@' exists): a record may carry the un-numbered one by mistake.
   */
  numberedEmails?: ReadonlySet<string>;
  /**
   * For each of numberedEmails, the last names recorded with its numbered siblings ('' for a record without
   * one): who a record carrying the un-numbered address could be by mistake.
   */
  numberedSiblingLastNames?: ReadonlyMap<string, ReadonlySet<string>>;
  /** normalised company → records naming it, when many do: one full name there is less telling. */
  recordsPerLargeCompany?: ReadonlyMap<string, number>;
  /**
   * Large companies where two people sharing a full name AND a job title are still unlikely enough (the same
   * risk line, times the chance two people of the run share a title): there, name plus title is one person.
   */
  largeCompaniesWhereTitleTells?: ReadonlySet<string>;
  /**
   * Cities where two different people sharing a full name AND a job title are unlikely (the same risk line): the
   * number of different full names recorded in the city, paired, times the chance two people share a full name,
   * times the chance they share a title. There, a full name with a title in that city is one person, unless the
   * records name two employers. A big city's run crosses the line by itself.
   */
  citiesWhereTitleTells?: ReadonlySet<string>;
  /**
   * `company|initial|last name` (initialAtCompanyKeys) → how many people of different first names there carry
   * it, when two or more: whom a record giving only the initial could be.
   */
  peoplePerInitialAtCompany?: ReadonlyMap<string, number>;
}

/**
 * A company is large when the run makes it likely enough that two of its people share a full name: from an
 * expected 0.05 such pairs on (one company in twenty). Below that, the same full name there is one person.
 */
export const SHARED_NAME_RISK = 0.05;

/** peoplePerAddress counts up to this many people; the address feature only tells fewer than 20 from more. */
export const ADDRESS_PEOPLE_CAP = 20;

/**
 * Where a normalised street line is: at its postal code, and in its city (a record may lack either).
 * Empty without a street line or without a place.
 */
export function addressKeys(person: NormalisedPerson): string[] {
  if (person.street === '') return [];
  const keys: string[] = [];
  if (person.postalCode !== '') keys.push(`${person.street}@${person.postalCode}`);
  if (person.city !== '') keys.push(`${person.street}@${person.city}`);
  return keys;
}

/** `formal first name|last name`, one per formal name the first name may stand for; empty without both. */
function fullNameKeys(person: NormalisedPerson): string[] {
  if (person.first.length <= 1 || person.last === '') return [];
  return [...formalNames(person.first)].map((formal) => `${formal}|${person.last}`);
}

/** `company|formal first name|last name`, one per formal name the first name may stand for; empty without all three. */
export function nameAtCompanyKeys(person: NormalisedPerson): string[] {
  if (person.company === '' || person.first.length <= 1 || person.last === '') return [];
  return [...formalNames(person.first)].map((formal) => `${person.company}|${formal}|${person.last}`);
}

/** `company|initial|last name` of a record with a company, a last name and a first name or initial; else empty. */
export function initialAtCompanyKeys(person: NormalisedPerson): string[] {
  if (person.company === '' || person.first === '' || person.last === '') return [];
  return [`${person.company}|${person.first[0]}|${person.last}`];
}

export const EMPTY_MATCH_CONTEXT: MatchContext = { peoplePerPhone: new Map(), peoplePerEmail: new Map() };

/**
 * People are told apart by first name only: a last name changes (marriage) or is mistyped between a
 * person's own records, while household members and colleagues rarely share a first name. A missing
 * name or a bare initial cannot tell people apart, so such records are not counted; a nickname or a typo
 * of a name already counted is the same person, so one person's odd spelling does not make their own
 * address look shared.
 */
function countPeople(records: readonly NormalisedPerson[], cap: number): number {
  const representatives: string[] = [];
  for (const record of records) {
    if (representatives.length >= cap) break;
    if (record.first.length <= 1) continue;
    if (!representatives.some((first) => compatibleFirstNames(first, record.first))) representatives.push(record.first);
  }
  return representatives.length;
}

function groupBy(people: readonly NormalisedPerson[], keysOf: (p: NormalisedPerson) => readonly string[]): Map<string, NormalisedPerson[]> {
  const groups = new Map<string, NormalisedPerson[]>();
  for (const person of people) {
    for (const key of keysOf(person)) {
      const group = groups.get(key);
      if (group) group.push(person);
      else groups.set(key, [person]);
    }
  }
  return groups;
}

/**
 * How likely two people of the run share a full name: the chance two records share a formal first name
 * times the chance they share a last name (the sum of squared frequencies, term-frequency style). Common
 * names in the data make it larger, and with it the size from which a company counts as large.
 */
/** The chance two random values of the list are equal: the sum of squared frequencies. */
function collisionRate(values: readonly string[]): number {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  let sum = 0;
  for (const c of counts.values()) sum += (c / values.length) ** 2;
  return sum;
}

function nameCollisionRate(people: readonly NormalisedPerson[]): number {
  const rate = collisionRate;
  const named = people.filter((p) => p.first.length > 1 && p.last !== '');
  if (named.length === 0) return 0;
  return rate(named.map((p) => [...formalNames(p.first)].sort()[0]!)) * rate(named.map((p) => p.last));
}

/**
 * How common shared names and titles are in the whole population: what makes a company large or a title telling.
 * A run over a sample (an incremental run: a few new records and the stored ones around them, which share names by
 * construction) must take them from the population, not from the sample.
 */
export interface PopulationRates {
  /** The chance two records share a full name (formal first name and last name). */
  sharesName: number;
  /** The chance two records share a job title. */
  sharesTitle: number;
}

export function populationRates(people: readonly NormalisedPerson[]): PopulationRates {
  return { sharesName: nameCollisionRate(people), sharesTitle: collisionRate(people.map((p) => p.title).filter((t) => t !== '')) };
}

export function buildMatchContext(people: readonly NormalisedPerson[], rates: PopulationRates = populationRates(people)): MatchContext {
  const shared = (groups: Map<string, NormalisedPerson[]>, cap = Infinity) => {
    const result = new Map<string, number>();
    for (const [key, members] of groups) {
      if (members.length < 2) continue;
      const count = countPeople(members, cap);
      if (count >= 2) result.set(key, count);
    }
    return result;
  };
  const recordsPerLargeCompany = new Map<string, number>();
  const largeCompaniesWhereTitleTells = new Set<string>();
  const { sharesName, sharesTitle } = rates;
  for (const [company, members] of groupBy(people, (p) => (p.company ? [p.company] : []))) {
    const names = new Set(members.flatMap(nameAtCompanyKeys)).size;
    const expectedNamesakes = ((names * (names - 1)) / 2) * sharesName;
    if (expectedNamesakes < SHARED_NAME_RISK) continue;
    recordsPerLargeCompany.set(company, members.length);
    if (expectedNamesakes * sharesTitle < SHARED_NAME_RISK) largeCompaniesWhereTitleTells.add(company);
  }
  const citiesWhereTitleTells = new Set<string>();
  for (const [city, members] of groupBy(people, (p) => (p.city ? [p.city] : []))) {
    const names = new Set(members.flatMap(fullNameKeys)).size;
    if (((names * (names - 1)) / 2) * sharesName * sharesTitle < SHARED_NAME_RISK) citiesWhereTitleTells.add(city);
  }
  // 'karen2@x' in the run makes 'karen@x' ambiguous: one missing digit turns one Karen's address into another's.
  const emails = new Set(people.map((p) => p.email).filter((e): e is string => e !== null));
  const numberedEmails = new Set<string>();
  const numberedSiblingLastNames = new Map<string, Set<string>>();
  for (const person of people) {
    const m = person.email === null ? null : /^(.+?)\d+@(.+)$/.exec(person.email);
    const plain = m ? `${m[1]}@${m[2]}` : null;
    if (plain === null || !emails.has(plain)) continue;
    numberedEmails.add(plain);
    const lastNames = numberedSiblingLastNames.get(plain);
    if (lastNames) lastNames.add(person.last);
    else numberedSiblingLastNames.set(plain, new Set([person.last]));
  }
  return {
    peoplePerPhone: shared(groupBy(people, (p) => p.phones)),
    peoplePerEmail: shared(groupBy(people, (p) => (p.email ? [p.email] : []))),
    // Capped: an address is weighed only as used by one person, a few (under 20) or many, and a big office
    // holds hundreds of records, each compared with every first name counted so far.
    peoplePerAddress: shared(groupBy(people, addressKeys), ADDRESS_PEOPLE_CAP),
    recordsPerLargeCompany,
    largeCompaniesWhereTitleTells,
    citiesWhereTitleTells,
    // Counting stops at 2: the guard only asks whether the initial could stand for more than one person there.
    peoplePerInitialAtCompany: shared(groupBy(people, initialAtCompanyKeys), 2),
    numberedEmails,
    numberedSiblingLastNames,
  };
}
