/**
 * Mailing addresses for the identity bench: the street line and postal code a CRM contact carries
 * (Salesforce MailingStreet / MailingPostalCode, HubSpot address / zip). Every person has a home, people
 * with an employer also the company's office (shared by all colleagues, as B2B CRMs copy the account's
 * address onto its contacts), a minority a previous home they moved out of. Partners share one home.
 *
 * Written the ways people and forms write them: 'Street' or 'St.', 'Hauptstraße' or 'Hauptstr.', a unit
 * as 'Apt 4B', '#4B' or left out, ZIP+4, a Boston ZIP without its leading 0 (a spreadsheet import), a
 * UK postcode without its space, a missing postal code, now and then a typo.
 *
 * Everything here draws from its own random stream, so adding addresses left every other field of the
 * generated records exactly as it was.
 */
import { POSTAL_CODES, STREET_NAMES, STREET_TYPES, STREET_TYPE_SPELLINGS, UK_INWARD_LETTERS } from './address-data.ts';
import type { Rng } from './noise.ts';
import { typos } from './noise.ts';
import type { CityInfo } from './people-data.ts';

export interface Address {
  /** Identifies the address itself (for hard-negative tags). */
  id: string;
  city: CityInfo;
  streetName: string;
  streetType: string;
  number: string;
  /** Apartment, flat or suite, as a number or number + letter; written in several ways or left out. */
  unit: { kind: 'apartment' | 'flat' | 'suite' | 'floor'; value: string } | null;
  /** The canonical code: '94110', '02108', 'SW1A 2AA', '10115'. */
  postalCode: string;
}

/** How often a record carries an address at all, by CRM; which one; how often a mover's record is older. */
export const ADDRESS_RATES = Object.freeze({
  present: { salesforce: 0.65, hubspot: 0.4, pipedrive: 0.5 },
  /** For people with an employer: the office address in this share of the records that carry one. */
  office: 0.6,
  /** People who moved home in the years their CRM records span. */
  moved: 0.15,
  /** A mover's record that carries a home address shows the previous one this often. */
  previousHome: 0.5,
});

export class AddressBook {
  private readonly used = new Set<string>();
  /** One postal code per street of a city (UK: one postcode per street, which is close enough). */
  private readonly streetCodes = new Map<string, string>();
  private count = 0;

  constructor(private readonly rng: Rng) {}

  private postalCodeFor(city: CityInfo, street: string): string {
    const key = `${city.city}/${street}`;
    const known = this.streetCodes.get(key);
    if (known) return known;
    const spec = POSTAL_CODES[city.city]!;
    const rng = this.rng;
    const code = spec.range
      ? String(rng.int(spec.range[0], spec.range[1])).padStart(5, '0')
      : `${rng.pick(spec.outward!)} ${rng.int(1, 9)}${rng.pick([...UK_INWARD_LETTERS])}${rng.pick([...UK_INWARD_LETTERS])}`;
    this.streetCodes.set(key, code);
    return code;
  }

  private make(city: CityInfo, office: boolean): Address {
    const rng = this.rng;
    for (;;) {
      const streetName = rng.pick(STREET_NAMES[city.country]);
      const streetType = rng.weighted(STREET_TYPES[city.country]);
      const number = city.country === 'US' ? String(rng.int(1, 40) * rng.pick([1, 10, 25, 50]) + rng.int(0, 9)) : String(rng.int(1, 180)) + (city.country === 'DE' && rng.chance(0.05) ? rng.pick(['a', 'b']) : '');
      let unit: Address['unit'] = null;
      if (office && city.country !== 'DE' && rng.chance(0.6)) unit = rng.chance(0.7) ? { kind: 'suite', value: String(rng.int(1, 20) * 100) } : { kind: 'floor', value: String(rng.int(1, 30)) };
      if (!office && city.country === 'US' && rng.chance(0.35)) unit = { kind: 'apartment', value: `${rng.int(1, 30)}${rng.pick(['', 'A', 'B', 'C', 'D'])}` };
      if (!office && city.country === 'GB' && rng.chance(0.3)) unit = { kind: 'flat', value: String(rng.int(1, 12)) };
      const key = `${city.city}/${streetName}/${streetType}/${number}/${unit?.value ?? ''}`;
      if (this.used.has(key)) continue;
      this.used.add(key);
      return { id: `a${this.count++}`, city, streetName, streetType, number, unit, postalCode: this.postalCodeFor(city, streetName + streetType) };
    }
  }

  home(city: CityInfo): Address {
    return this.make(city, false);
  }

  office(city: CityInfo): Address {
    return this.make(city, true);
  }
}

function streetType(rng: Rng, type: string): string {
  const spellings = STREET_TYPE_SPELLINGS[type];
  return spellings && rng.chance(0.45) ? rng.pick(spellings) : type;
}

function unitText(rng: Rng, unit: NonNullable<Address['unit']>): string {
  const v = unit.value;
  switch (unit.kind) {
    case 'apartment':
      return rng.pick([`Apt ${v}`, `Apt. ${v}`, `#${v}`, `Unit ${v}`, `Apartment ${v}`]);
    case 'flat':
      return rng.pick([`Flat ${v}`, `Flat ${v}`, `Apartment ${v}`]);
    case 'suite':
      return rng.pick([`Suite ${v}`, `Ste ${v}`, `Ste. ${v}`, `#${v}`]);
    case 'floor':
      return rng.pick([`Floor ${v}`, `Fl ${v}`, `Fl. ${v}`]);
  }
}

/** The street line as one record holds it. */
export function writeStreet(rng: Rng, address: Address): string {
  const country = address.city.country;
  const name = rng.chance(0.03) ? typos(rng, address.streetName) : address.streetName;
  // A unit is left out in some records: the post arrives anyway.
  const unit = address.unit && rng.chance(0.7) ? unitText(rng, address.unit) : null;
  let line: string;
  if (country === 'DE') {
    const type = streetType(rng, address.streetType);
    line = `${name}${type} ${address.number}`;
    if (rng.chance(0.05)) line = line.replace(' ', ''); // 'Hauptstr.12'
  } else if (country === 'GB') {
    line = `${address.number} ${name} ${streetType(rng, address.streetType)}`;
    if (unit) line = `${unit}, ${line}`;
  } else {
    line = `${address.number} ${name} ${streetType(rng, address.streetType)}`;
    if (unit) line = `${line}${rng.pick([', ', ' '])}${unit}`;
  }
  return rng.weighted<string>([[line, 90], [line.toUpperCase(), 5], [line.toLowerCase(), 5]]);
}

/** The postal code as one record holds it, or null (10 % of records with a street lack one). */
export function writePostalCode(rng: Rng, address: Address): string | null {
  if (rng.chance(0.1)) return null;
  const code = address.postalCode;
  switch (address.city.country) {
    case 'US':
      if (code.startsWith('0') && rng.chance(0.3)) return code.replace(/^0+/, ''); // a spreadsheet ate the 0
      return rng.chance(0.15) ? `${code}-${rng.digits(4)}` : code;
    case 'GB':
      return rng.weighted<string>([[code, 70], [code.replace(' ', ''), 15], [code.toLowerCase(), 10], [code.toLowerCase().replace(' ', ''), 5]]);
    case 'DE':
      return rng.chance(0.05) ? `D-${code}` : code;
  }
}
