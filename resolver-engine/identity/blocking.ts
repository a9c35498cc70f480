/**
 * Blocking: only records sharing a blocking key are compared, so the work grows with the number of records,
 * not with its square. Keys are chosen so a true duplicate shares at least one despite typical noise:
 * the normalised email and its mailbox name, any phone, the sound of the last name with the formal first
 * name (so Bob Smith and Robert Smyth meet), and the sound of the last name or the formal first name at one
 * company (so 'J. Smith', a first name the nickname table does not know, or a mistyped last name still
 * meet their other records there), and the same at one mailing address. The whole formal
 * first name, not its initial, keeps name blocks small as the data grows. A block larger than
 * `maxBlockSize` (a switchboard, a very common name) is not compared pairwise — it is reported instead,
 * keeping the cost bounded.
 */
import { FREEMAIL_DOMAINS, emailDomain, emailLocalPart, isRoleEmail } from './normalise/email.ts';
import { formalNames } from './nicknames.ts';
import { addressKeys } from './match-context.ts';
import type { NormalisedPerson } from './person.ts';
import { soundex } from './soundex.ts';

/**
 * Keys of the groups the match context counts (match-context.ts): the company, the work email domain (a record
 * without a company name that writes from the company's domain is weighed with the company) and the mailing
 * address. An incremental run (a few new records matched against stored ones) reads the stored records sharing one
 * of these besides those sharing a blocking key, so that a big office or a large account looks as shared or as
 * large as it is, not as the handful of records that share a name with the new one. Never used to form pairs.
 */
export function contextKeys(person: NormalisedPerson): string[] {
  const domain = person.email !== null && !isRoleEmail(person.email) && !FREEMAIL_DOMAINS.has(emailDomain(person.email)) ? emailDomain(person.email) : '';
  return [
    ...(person.company !== '' ? [`org:${person.company}`] : []),
    ...(domain !== '' ? [`dom:${domain}`] : []),
    ...addressKeys(person).map((a) => `addr:${a}`),
  ];
}

export function blockingKeys(person: NormalisedPerson): string[] {
  const keys = new Set<string>();
  if (person.email) {
    keys.add(`email:${person.email}`);
    const local = emailLocalPart(person.email);
    // The mailbox name catches a domain typo or a job change ('ada.lovelace@…'); short ones are too common.
    if (local.length >= 6 && !isRoleEmail(person.email)) keys.add(`mailbox:${local}`);
  }
  for (const phone of person.phones) keys.add(`phone:${phone}`);
  if (person.last !== '') {
    const sound = soundex(person.last.replace(/ /g, ''));
    if (person.first === '') keys.add(`name:${sound}`);
    for (const formal of formalNames(person.first)) if (formal !== '') keys.add(`name:${sound}:${formal}`);
    if (person.company !== '') keys.add(`company:${person.company}:${sound}`);
  }
  // The first name at one company meets a mistyped or changed last name there.
  if (person.company !== '' && person.first.length > 1) for (const formal of formalNames(person.first)) keys.add(`company:${person.company}:${formal}`);
  // At one mailing address, like at one company: the last-name sound or the first name, so a mistyped name meets
  // its other records at one home without comparing every pair of colleagues at one office.
  for (const address of addressKeys(person)) {
    if (person.last !== '') keys.add(`address:${address}:${soundex(person.last.replace(/ /g, ''))}`);
    if (person.first.length > 1) for (const formal of formalNames(person.first)) keys.add(`address:${address}:${formal}`);
  }
  return [...keys];
}

export interface Blocking {
  /** Index pairs [i, j] with i < j, each once, in a deterministic order. */
  pairs: Array<[number, number]>;
  oversizedBlocks: Array<{ key: string; size: number }>;
}

export function candidatePairs(people: readonly NormalisedPerson[], options: { maxBlockSize?: number } = {}): Blocking {
  const maxBlockSize = options.maxBlockSize ?? 50;
  const blocks = new Map<string, number[]>();
  people.forEach((person, index) => {
    for (const key of blockingKeys(person)) {
      const block = blocks.get(key);
      if (block) block.push(index);
      else blocks.set(key, [index]);
    }
  });
  const seen = new Set<number>();
  const pairs: Array<[number, number]> = [];
  const oversizedBlocks: Blocking['oversizedBlocks'] = [];
  for (const [key, members] of [...blocks.entries()].sort(([x], [y]) => (x < y ? -1 : 1))) {
    if (members.length > maxBlockSize) {
      oversizedBlocks.push({ key, size: members.length });
      continue;
    }
    for (let i = 0; i < members.length; i++) {
      for (let j = i + 1; j < members.length; j++) {
        const [lo, hi] = [members[i]!, members[j]!];
        const id = lo * people.length + hi;
        if (seen.has(id)) continue;
        seen.add(id);
        pairs.push([lo, hi]);
      }
    }
  }
  pairs.sort((x, y) => x[0] - y[0] || x[1] - y[1]);
  return { pairs, oversizedBlocks };
}
