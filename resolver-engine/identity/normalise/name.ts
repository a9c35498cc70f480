/**
 * Person and company name normalisation for matching: lower case, no accents, no punctuation, single
 * spaces. 'José-María  O’Neil' → 'jose maria oneil'.
 */

// Letters NFD does not decompose into a base letter plus a combining mark.
const FOLD: Record<string, string> = { ß: 'ss', æ: 'ae', œ: 'oe', ø: 'o', ł: 'l', đ: 'd', ð: 'd', þ: 'th', ı: 'i' };

export function normaliseName(raw: unknown): string {
  if (typeof raw !== 'string') return '';
  return raw
    .toLowerCase()
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/[ßæœøłđðþı]/g, (c) => FOLD[c] ?? c)
    .replace(/['’`]/g, '') // O'Neil → oneil, so it meets ONeil
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

const HONORIFICS = new Set(['mr', 'mrs', 'ms', 'miss', 'dr', 'prof', 'sir', 'madam', 'mx']);

/** The first given name, without honorifics: 'Dr. Mary Ann' → 'mary'. */
export function firstGivenName(raw: unknown): string {
  const tokens = normaliseName(raw).split(' ').filter((t) => t !== '' && !HONORIFICS.has(t));
  return tokens[0] ?? '';
}

const COMPANY_SUFFIXES = new Set([
  'inc', 'incorporated', 'llc', 'llp', 'lp', 'ltd', 'limited', 'corp', 'corporation', 'co', 'company', 'gmbh', 'ag',
  'sa', 'sas', 'sarl', 'srl', 'spa', 'plc', 'bv', 'nv', 'pty', 'kk', 'oy', 'ab', 'as', 'aps', 'the', 'group', 'holdings',
  'kg', 'kgaa', 'ug', 'ohg', 'gbr', 'se', 'ltda', 'pte', 'pvt', 'oyj', 'asa', 'sl', 'sro', 'zoo',
]);

/** Company names without legal suffixes: 'The Acme Corp.' and 'ACME, Inc' → 'acme'. */
export function normaliseCompanyName(raw: unknown): string {
  return normaliseName(raw).split(' ').filter((t) => t !== '' && !COMPANY_SUFFIXES.has(t)).join(' ');
}

export function isCompanySuffix(normalisedWord: string): boolean {
  return COMPANY_SUFFIXES.has(normalisedWord);
}
