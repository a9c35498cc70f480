/**
 * Facts about the whole record set that change what a single agreement means. A phone or email used by
 * several different people (a switchboard, a household address) says little about any two of them, so
 * scoring weighs it down. Built once per matching run.
 */
import { compatibleFirstNames } from './first-name-match.ts';
import type { NormalisedPerson } from './person.ts';

export { compatibleFirstNames } from './first-name-match.ts';

export interface MatchContext {
  /** normalised phone / email → how many different people (by name) use it; absent means unknown or one. */
  peoplePerPhone: ReadonlyMap<string, number>;
  peoplePerEmail: ReadonlyMap<string, number>;
  /** address key (addressKeys) → how many different people use it: an office, a household's home. */
  peoplePerAddress?: ReadonlyMap<string, number>;
  /** normalised company → records naming it, when many do: one full name there is less telling. */
  recordsPerLargeCompany?: ReadonlyMap<string, number>;
}

/** From this many records on, a company is large: two people of one name there are no longer rare. */
export const LARGE_COMPANY_RECORDS = 100;

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

export const EMPTY_MATCH_CONTEXT: MatchContext = { peoplePerPhone: new Map(), peoplePerEmail: new Map() };

/**
 * People are told apart by first name only: a last name changes (marriage) or is mistyped between a
 * person's own records, while household members and colleagues rarely share a first name. A missing
 * name or a bare initial cannot tell people apart, so such records are not counted; a nickname or a typo
 * of a name already counted is the same person, so one person's odd spelling does not make their own
 * address look shared.
 */
function countPeople(records: readonly NormalisedPerson[]): number {
  const representatives: string[] = [];
  for (const record of records) {
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

export function buildMatchContext(people: readonly NormalisedPerson[]): MatchContext {
  const shared = (groups: Map<string, NormalisedPerson[]>) => {
    const result = new Map<string, number>();
    for (const [key, members] of groups) {
      if (members.length < 2) continue;
      const count = countPeople(members);
      if (count >= 2) result.set(key, count);
    }
    return result;
  };
  const recordsPerLargeCompany = new Map<string, number>();
  for (const [company, members] of groupBy(people, (p) => (p.company ? [p.company] : []))) {
    if (members.length >= LARGE_COMPANY_RECORDS) recordsPerLargeCompany.set(company, members.length);
  }
  return {
    peoplePerPhone: shared(groupBy(people, (p) => p.phones)),
    peoplePerEmail: shared(groupBy(people, (p) => (p.email ? [p.email] : []))),
    peoplePerAddress: shared(groupBy(people, addressKeys)),
    recordsPerLargeCompany,
  };
}
