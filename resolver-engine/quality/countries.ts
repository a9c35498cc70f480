/**
 * Country names → ISO 3166-1 alpha-2 codes. English names come from the runtime's ICU data
 * (Intl.DisplayNames), so every region is covered without shipping a table; the aliases add the spellings
 * CRMs actually hold that ICU does not produce (USA, UK, Deutschland…).
 */
import { getCountries } from 'libphonenumber-js';
import { normaliseName } from '../identity/normalise/name.ts';

const ALIASES: Record<string, string> = {
  usa: 'US', 'u s a': 'US', 'u s': 'US', us: 'US', america: 'US', 'united states of america': 'US', 'the united states': 'US',
  uk: 'GB', 'u k': 'GB', 'great britain': 'GB', britain: 'GB', england: 'GB', scotland: 'GB', wales: 'GB', 'northern ireland': 'GB',
  gbr: 'GB', deu: 'DE', deutschland: 'DE', fra: 'FR', espana: 'ES', esp: 'ES', ita: 'IT', italia: 'IT', can: 'CA', aus: 'AU',
  nld: 'NL', holland: 'NL', 'the netherlands': 'NL', che: 'CH', schweiz: 'CH', suisse: 'CH', osterreich: 'AT', aut: 'AT',
  jpn: 'JP', chn: 'CN', prc: 'CN', ind: 'IN', bra: 'BR', brasil: 'BR', mex: 'MX', irl: 'IE', eire: 'IE', swe: 'SE', sverige: 'SE',
  nor: 'NO', norge: 'NO', dnk: 'DK', danmark: 'DK', fin: 'FI', suomi: 'FI', bel: 'BE', belgie: 'BE', belgique: 'BE', pol: 'PL',
  polska: 'PL', prt: 'PT', nzl: 'NZ', zaf: 'ZA', sgp: 'SG', kor: 'KR', 'south korea': 'KR', 'korea': 'KR', rus: 'RU', russia: 'RU',
  uae: 'AE', 'u a e': 'AE', are: 'AE', 'czech republic': 'CZ', czechia: 'CZ', 'ivory coast': 'CI', 'hong kong': 'HK', taiwan: 'TW',
  vietnam: 'VN', 'viet nam': 'VN', turkey: 'TR', turkiye: 'TR',
};

let lookup: Map<string, string> | null = null;

function countryLookup(): Map<string, string> {
  if (lookup) return lookup;
  lookup = new Map();
  const names = new Intl.DisplayNames(['en'], { type: 'region' });
  for (const code of getCountries()) {
    lookup.set(code.toLowerCase(), code);
    const name = names.of(code);
    if (name && name !== code) lookup.set(normaliseName(name), code);
  }
  for (const [alias, code] of Object.entries(ALIASES)) lookup.set(alias, code);
  return lookup;
}

/** 'United States', 'USA', 'us', 'U.S.A.' → 'US'; null when the country is not recognised. */
export function toCountryCode(raw: string): string | null {
  return countryLookup().get(normaliseName(raw)) ?? null;
}
