/**
 * How two normalised first names relate. One comparison shared by the first-name feature, the guard and
 * the match context (which counts how many different people use a shared phone or email), so that all
 * three agree on when two spellings are one person's.
 */
import { typingDistance } from './edit-distance.ts';
import { isKnownGivenName } from './given-names.ts';
import { areNicknameVariants, formalNames } from './nicknames.ts';
import { jaroWinkler } from '../text/similarity.ts';

export type FirstNameMatch =
  | 'same'
  | 'nickname' // in the nickname table: Bob ↔ Robert, Liz ↔ Beth
  | 'short-form' // an unknown short form that starts the other name: Kath ↔ Katharina
  | 'typo' // an unknown spelling close to the other name or its formal name: Bredna ↔ Brenda, Thjomas ↔ Tommy
  | 'possible-typo' // an unknown spelling somewhat close: Ryo ↔ Roy, Sasn ↔ Susan — no evidence either way
  | 'initial' // 'J.' ↔ John: consistent, but could be anyone with that initial
  | 'different';

/** The name itself and the formal names it may stand for: a typo of 'Thomas' is compared with 'Tommy' too. */
const forms = (name: string) => new Set([name, ...formalNames(name)]);

function closest(unknown: string, other: string): { jw: number; edits: number } {
  let jw = 0;
  let edits = Infinity;
  for (const form of forms(other)) {
    jw = Math.max(jw, jaroWinkler(unknown, form));
    edits = Math.min(edits, typingDistance(unknown, form));
  }
  return { jw, edits };
}

/** null when either name is missing. */
export function compareFirstNames(a: string, b: string): FirstNameMatch | null {
  if (a === '' || b === '') return null;
  // Checked before equality: two records with the initial 'J.' are no more than an initial apart.
  if (a.length === 1 || b.length === 1) return a[0] === b[0] ? 'initial' : 'different';
  if (a === b) return 'same';
  if (areNicknameVariants(a, b)) return 'nickname';
  const [knownA, knownB] = [isKnownGivenName(a), isKnownGivenName(b)];
  // Two different names that are both known are two names (Daniel, Danielle), not a slip of the keyboard.
  if (knownA && knownB) return 'different';
  const [short, long] = a.length <= b.length ? [a, b] : [b, a];
  if (short.length >= 3 && long.startsWith(short) && !isKnownGivenName(short)) return 'short-form';
  const [unknown, other] = knownA ? [b, a] : [a, b];
  const { jw, edits } = closest(unknown, other);
  if (jw >= 0.9 || (edits <= 1 && unknown.length >= 4)) return 'typo';
  if (jw >= 0.8 || edits <= 2) return 'possible-typo';
  return 'different';
}

/** Whether two first names may be one person's: anything but a different name, an initial or a missing name. */
export function compatibleFirstNames(a: string, b: string): boolean {
  const match = compareFirstNames(a, b);
  return match !== null && match !== 'different' && match !== 'initial';
}
