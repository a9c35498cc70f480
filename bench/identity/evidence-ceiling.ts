/**
 * How much recall the data allows at all: an oracle that knows the right answer links two records of one
 * person whenever they share a normalised email, a phone, a company name or a mailing address (street line
 * and postal code or city), and we count the true pairs
 * that end up connected. A matcher that never links on a name (plus city) alone cannot do better, so this
 * tells "the matcher misses evidence" apart from "the evidence is not in the records".
 */
import { clusterMatches } from '../../resolver-engine/identity/cluster-matches.ts';
import type { NormalisedPerson } from '../../resolver-engine/identity/person.ts';
import { normalisePerson } from '../../resolver-engine/identity/person.ts';
import type { GeneratedPeople } from './generate-people.ts';
import { toPersonRecord } from './evaluate.ts';

const shareEvidence = (a: NormalisedPerson, b: NormalisedPerson) =>
  (a.email !== null && a.email === b.email) || a.phones.some((p) => b.phones.includes(p)) || (a.company !== '' && a.company === b.company) ||
  (a.street !== '' && a.street === b.street && ((a.postalCode !== '' && a.postalCode === b.postalCode) || (a.city !== '' && a.city === b.city)));

/** The pairwise recall of that oracle, in [0, 1]. */
export function evidenceRecallCeiling(data: GeneratedPeople): number {
  const people = data.records.map((r) => normalisePerson(toPersonRecord(r)));
  const byEntity = new Map<string, number[]>();
  data.truth.forEach((t, i) => {
    const members = byEntity.get(t.entityId);
    if (members) members.push(i);
    else byEntity.set(t.entityId, [i]);
  });
  let truePairs = 0;
  const links: Array<{ a: string; b: string }> = [];
  for (const members of byEntity.values()) {
    truePairs += (members.length * (members.length - 1)) / 2;
    for (let i = 0; i < members.length; i++) {
      for (let j = i + 1; j < members.length; j++) {
        if (shareEvidence(people[members[i]!]!, people[members[j]!]!)) links.push({ a: String(members[i]), b: String(members[j]) });
      }
    }
  }
  const { clusters } = clusterMatches(people.map((_, i) => String(i)), links);
  const connected = clusters.reduce((sum, c) => sum + (c.length * (c.length - 1)) / 2, 0);
  return truePairs === 0 ? 1 : connected / truePairs;
}
