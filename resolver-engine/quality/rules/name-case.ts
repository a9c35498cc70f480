import type { QualityRule } from '../quality-rule.ts';

/**
 * Names typed in one case ('ADA LOVELACE' from a trade-show scanner, 'ada lovelace' from a web form) become
 * 'Ada Lovelace', so the golden name reads well and compares equal to the same name typed properly elsewhere.
 * Names in mixed case are somebody's deliberate spelling ('McDonald', 'van der Berg', 'DeShawn') and are left alone.
 */
const LOWER_PARTICLES = new Set(['van', 'von', 'der', 'den', 'de', 'del', 'della', 'di', 'da', 'du', 'la', 'le', 'y', 'zu', 'ten', 'ter']);

function capitalise(word: string, first: boolean): string {
  if (!first && LOWER_PARTICLES.has(word)) return word;
  // O'Neil, D'Angelo; McDonald (the Mac- prefix is too often a plain name, e.g. Mack, Macey, to be guessed).
  const apostrophe = /^([a-z])['’]([a-z].*)$/.exec(word);
  if (apostrophe) return `${apostrophe[1]!.toUpperCase()}'${capitalise(apostrophe[2]!, false)}`;
  if (/^mc[a-z]{2,}/.test(word)) return `Mc${word[2]!.toUpperCase()}${word.slice(3)}`;
  return word.charAt(0).toUpperCase() + word.slice(1);
}

export const nameCase: QualityRule = {
  name: 'name-case',
  description: "Gives names typed in one case (ADA LOVELACE, ada lovelace) their usual capitals; mixed-case names are left as typed.",
  check(value, ctx) {
    if (typeof value !== 'string' || !/\p{L}/u.test(value)) return { value, issues: [] };
    const oneCase = value === value.toUpperCase() || value === value.toLowerCase();
    // A single letter or an initial ('J.') is what it is.
    if (!oneCase || value.replace(/[^\p{L}]/gu, '').length < 2) return { value, issues: [] };
    const fixed = value.toLowerCase().split(/(\s+|-)/).map((part, i) => (/^\s+$|^-$/.test(part) ? part : capitalise(part, i === 0))).join('');
    return fixed === value
      ? { value, issues: [] }
      : { value: fixed, issues: [{ code: 'NAME_CASE_FIXED', message: `${ctx.field}: '${value}' written as '${fixed}'` }] };
  },
};
