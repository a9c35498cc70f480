/**
 * Mailing-address normalisation for matching: the street line becomes `<house number> <street>` with the
 * street type in one spelling and the unit (apartment, flat, suite, floor) left out, because records of
 * one person write the unit one way, another way or not at all. '12 Main Street, Apt 4B', '12 MAIN ST.'
 * and '12 main st #4b' are one address; 'Hauptstraße 12', 'Hauptstr. 12' and 'Hauptstrasse 12' too.
 * Postal codes are compared in their country's canonical form: a US ZIP+4 is its ZIP, a ZIP that lost
 * its leading 0 in a spreadsheet gets it back, a UK postcode has no spaces and upper case, 'D-10115' is
 * 10115.
 */
import { normaliseName } from './name.ts';

/** Street types and their abbreviations → one spelling. */
const STREET_TYPES: Record<string, string> = {
  street: 'st', st: 'st', str: 'st', strasse: 'st', avenue: 'ave', ave: 'ave', av: 'ave', road: 'rd', rd: 'rd',
  boulevard: 'blvd', blvd: 'blvd', drive: 'dr', dr: 'dr', lane: 'ln', ln: 'ln', way: 'way', wy: 'way',
  place: 'pl', pl: 'pl', platz: 'pl', court: 'ct', ct: 'ct', close: 'cl', cl: 'cl', gardens: 'gdns', gdns: 'gdns',
  crescent: 'cres', cres: 'cres', cresc: 'cres', terrace: 'ter', ter: 'ter', terr: 'ter', square: 'sq', sq: 'sq',
  highway: 'hwy', hwy: 'hwy', parkway: 'pkwy', pkwy: 'pkwy', circle: 'cir', cir: 'cir', allee: 'allee',
};

/** Words that introduce a unit within a building; the word and the unit number after it are dropped. */
const UNIT_WORDS = new Set(['apt', 'apartment', 'unit', 'suite', 'ste', 'flat', 'floor', 'fl', 'room', 'rm', 'whg', 'etage', 'og']);

/** German compounds carry the type on the name: 'hauptstrasse', 'hauptstr' → 'haupt st'; 'marktplatz' → 'markt pl'. */
function splitCompound(token: string): string[] {
  const m = /^(\p{L}{3,}?)(strasse|str|platz|pl)$/u.exec(token);
  return m ? [m[1]!, STREET_TYPES[m[2]!]!] : [token];
}

const isNumberToken = (t: string) => /^\d+[a-z]?$/.test(t);

/**
 * '<number> <street words>' or '' when the line has no house number (a PO box, a bare street name): such a
 * line does not point at one address.
 */
export function normaliseStreet(raw: unknown): string {
  if (typeof raw !== 'string') return '';
  // '#4B' is a unit; ordinals before 'floor' ('3rd floor') and German '3. OG' are too.
  const text = normaliseName(raw.replace(/#\s*[\w-]+/g, ' ').replace(/\b\d+(st|nd|rd|th)\s+floor\b/gi, ' ').replace(/\b\d+\.\s*(og|etage)\b/gi, ' '));
  // 'Hauptstraße12', 'Apt4B': a house or unit number written onto the word before it.
  const tokens = text.replace(/(\p{L})(\d)/gu, '$1 $2').split(' ').filter((t) => t !== '').flatMap(splitCompound);
  if (tokens.includes('postfach') || /\bp ?o box\b/.test(text)) return '';
  const kept: string[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (UNIT_WORDS.has(token)) {
      if (i + 1 < tokens.length && /\d/.test(tokens[i + 1]!)) i++;
      continue;
    }
    // 'Hauptstraße 12 a' → '12a'.
    if (/^\d+$/.test(token) && /^[a-z]$/.test(tokens[i + 1] ?? '') && i + 2 >= tokens.length) {
      kept.push(token + tokens[i + 1]);
      i++;
      continue;
    }
    kept.push(STREET_TYPES[token] ?? token);
  }
  const numberIndex = kept.findIndex(isNumberToken);
  if (numberIndex < 0) return '';
  const name = kept.filter((t, i) => i !== numberIndex && !/^\d/.test(t)).join(' ');
  return name === '' ? '' : `${kept[numberIndex]} ${name}`;
}

/** The house number and the street of a normalised street line. */
export function streetParts(normalisedStreet: string): { number: string; name: string } {
  const space = normalisedStreet.indexOf(' ');
  return { number: normalisedStreet.slice(0, space), name: normalisedStreet.slice(space + 1) };
}

/** A postal code in its country's canonical form ('' when missing). `region` is an ISO 3166 alpha-2 code. */
export function normalisePostalCode(raw: unknown, region = 'US'): string {
  if (typeof raw !== 'string' && typeof raw !== 'number') return '';
  let code = String(raw).toUpperCase().replace(/[\s.]+/g, '');
  // A country prefix as old European mail wrote it: 'D-10115', 'DE-10115', 'GB-…'.
  code = code.replace(/^(D|DE|A|AT|CH|F|FR|GB|UK|US|NL|B|BE)-(?=\d)/, '');
  if (/^\d{5}-?\d{4}$/.test(code)) return code.slice(0, 5); // ZIP+4
  if (region === 'US' && /^\d{3,4}$/.test(code)) return code.padStart(5, '0'); // a spreadsheet dropped the leading 0
  return code.replace(/-/g, '');
}
