/**
 * The country of a record as an ISO 3166 alpha-2 code, for parsing its phone numbers: '020 7946 0958'
 * is a London number only if we know the record is British. CRMs hold countries as ISO codes, picklist
 * labels or free text, so the common spellings of the common countries are recognised; anything else is
 * null and the run's default region applies.
 */
import { normaliseName } from './name.ts';

const SPELLINGS: Record<string, string> = {
  'united states': 'US', 'united states of america': 'US', usa: 'US', 'u s a': 'US', america: 'US',
  'united kingdom': 'GB', uk: 'GB', 'great britain': 'GB', britain: 'GB', england: 'GB', scotland: 'GB', wales: 'GB', 'northern ireland': 'GB',
  germany: 'DE', deutschland: 'DE', france: 'FR', spain: 'ES', espana: 'ES', italy: 'IT', italia: 'IT', netherlands: 'NL',
  'the netherlands': 'NL', holland: 'NL', nederland: 'NL', belgium: 'BE', switzerland: 'CH', schweiz: 'CH', suisse: 'CH',
  austria: 'AT', osterreich: 'AT', ireland: 'IE', canada: 'CA', australia: 'AU', 'new zealand': 'NZ', sweden: 'SE',
  sverige: 'SE', norway: 'NO', norge: 'NO', denmark: 'DK', danmark: 'DK', finland: 'FI', suomi: 'FI', poland: 'PL',
  polska: 'PL', portugal: 'PT', brazil: 'BR', brasil: 'BR', mexico: 'MX', india: 'IN', japan: 'JP', china: 'CN',
  singapore: 'SG', 'south africa': 'ZA', israel: 'IL', 'south korea': 'KR', korea: 'KR',
};

export function normaliseCountry(raw: unknown): string | null {
  if (typeof raw !== 'string') return null;
  const text = normaliseName(raw);
  if (/^[a-z]{2}$/.test(text)) return text === 'uk' ? 'GB' : text.toUpperCase();
  return SPELLINGS[text] ?? null;
}

// Country-code top-level domains that are sold as generic names, so they say nothing about a country.
const VANITY_TLDS = new Set(['io', 'ai', 'co', 'me', 'tv', 'ly', 'fm', 'gg', 'to', 'cc', 'ws', 'la', 'so', 'sh', 'ac', 'im', 'vc', 'xyz', 'am', 'nu', 'tk']);

/**
 * The country an address points to, when a record has no country of its own: 'ada@acme.co.uk' → GB,
 * 'jan@firma.de' → DE. Only country-code domains count; '.com' says nothing.
 */
export function regionFromEmailDomain(normalisedEmail: string | null): string | null {
  if (!normalisedEmail) return null;
  const tld = normalisedEmail.slice(normalisedEmail.lastIndexOf('.') + 1);
  if (tld === 'uk') return 'GB';
  return /^[a-z]{2}$/.test(tld) && !VANITY_TLDS.has(tld) ? tld.toUpperCase() : null;
}
