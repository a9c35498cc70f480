/**
 * Facts about the whole record set that change what a single agreement means. A phone or email used by
 * several different people (a switchboard, a household address) says little about any two of them, so
 * scoring weighs it down. Built once per matching run.
 */
import { areNicknameVariants } from './nicknames.ts';
import type { NormalisedPerson } from './person.ts';
import { jaroWinkler } from '../text/similarity.ts';

export interface MatchContext {
  /** normalised phone / email → how many different people (by name) use it; absent means unknown or one. */
  peoplePerPhone: ReadonlyMap<string, number>;
  peoplePerEmail: ReadonlyMap<string, number>;
}

export const EMPTY_MATCH_CONTEXT: MatchContext = { peoplePerPhone: new Map(), peoplePerEmail: new Map() };

/**
 * People are told apart by first name only: a last name changes (marriage) or is mistyped between a
 * person's own records, while household members and colleagues rarely share a first name.
 */
export function compatibleFirstNames(a: string, b: string): boolean {
  return areNicknameVariants(a, b) || jaroWinkler(a, b) >= 0.9;
}

function samePersonByName(a: NormalisedPerson, b: NormalisedPerson): boolean {
  return compatibleFirstNames(a.first, b.first);
}

function countPeople(records: readonly NormalisedPerson[]): number {
  const representatives: NormalisedPerson[] = [];
  for (const record of records) {
    if (record.first === '') continue; // nameless records cannot tell people apart
    if (!representatives.some((r) => samePersonByName(r, record))) representatives.push(record);
  }
  return representatives.length;
}

export function buildMatchContext(people: readonly NormalisedPerson[]): MatchContext {
  const byPhone = new Map<string, NormalisedPerson[]>();
  const byEmail = new Map<string, NormalisedPerson[]>();
  for (const person of people) {
    for (const phone of person.phones) byPhone.set(phone, [...(byPhone.get(phone) ?? []), person]);
    if (person.email) byEmail.set(person.email, [...(byEmail.get(person.email) ?? []), person]);
  }
  const shared = (groups: Map<string, NormalisedPerson[]>) => {
    const result = new Map<string, number>();
    for (const [key, members] of groups) {
      if (members.length < 2) continue;
      const count = countPeople(members);
      if (count >= 2) result.set(key, count);
    }
    return result;
  };
  return { peoplePerPhone: shared(byPhone), peoplePerEmail: shared(byEmail) };
}
