/**
 * How one fact is written down differently by different systems: phone formats, street abbreviations, country
 * spellings, email capitalisation. The generator decides WHICH variant each CRM record gets; this file only
 * knows how to render a variant.
 */
import type { Prng } from './prng.ts';
import { COUNTRY, type City, type CountryCode } from './places.ts';

export interface PhoneNumber {
  country: CountryCode;
  /** National digit groups without the trunk prefix: ['415', '555', '0142'], ['20', '7946', '0018']. */
  groups: readonly string[];
}

export type PhoneStyle = 'intl-spaced' | 'e164' | 'national' | 'paren' | 'dotted' | 'dashed';
export const PHONE_STYLES: readonly PhoneStyle[] = ['intl-spaced', 'e164', 'national', 'paren', 'dotted', 'dashed'];

/** `+1 415 555 0100`, `+14155550100`, `415 555 0100`, `(415) 555-0100`, `415.555.0100`, `415-555-0100`. */
export function formatPhone(phone: PhoneNumber, style: PhoneStyle): string {
  const { dialCode, trunk } = COUNTRY[phone.country];
  const [first = '', ...rest] = phone.groups;
  switch (style) {
    case 'intl-spaced':
      return `+${dialCode} ${phone.groups.join(' ')}`;
    case 'e164':
      return `+${dialCode}${phone.groups.join('')}`;
    case 'national':
      return `${trunk}${phone.groups.join(' ')}`;
    case 'paren':
      return phone.country === 'US' ? `(${first}) ${rest.join('-')}` : `(${trunk}${first}) ${rest.join(' ')}`;
    case 'dotted':
      return `${trunk}${phone.groups.join('.')}`;
    case 'dashed':
      return `${trunk}${phone.groups.join('-')}`;
  }
}

/** The canonical E.164 form, for tests and ground truth. */
export function phoneE164(phone: PhoneNumber): string {
  return formatPhone(phone, 'e164');
}

export interface PostalAddress {
  city: City;
  houseNumber: string;
  streetName: string;
  /** [full, abbreviated]: ['Street', 'St.'], ['straße', 'str.']. */
  streetType: readonly [string, string];
  /** 'Suite 300', 'Floor 4'… or null. */
  unit: string | null;
  postalCode: string;
}

export interface AddressStyle {
  abbreviateStreet: boolean;
  /** Index into the country's spellings: 0 'United States', 1 'USA', 2 'US'. */
  countrySpelling: 0 | 1 | 2;
  /** 'California' instead of 'CA'. */
  stateAsName: boolean;
  /** 'Munich' instead of 'München' (only where an exonym exists). */
  cityExonym: boolean;
  /** Salesforce street fields are textareas: reps put the suite on its own line; forms use a comma. */
  unitOnNewLine: boolean;
}

export const PLAIN_ADDRESS_STYLE: AddressStyle = {
  abbreviateStreet: false, countrySpelling: 0, stateAsName: false, cityExonym: false, unitOnNewLine: false,
};

/** A neutral rendering both CRM record shapes map onto (Mailing* / Billing* fields, or address/city/…). */
export interface AddressText {
  street: string;
  city: string;
  state: string;
  postalCode: string;
  country: string;
}

export function formatAddress(address: PostalAddress, style: AddressStyle): AddressText {
  const { city } = address;
  const type = style.abbreviateStreet ? address.streetType[1] : address.streetType[0];
  let street = city.country === 'DE'
    ? `${address.streetName}${type} ${address.houseNumber}`
    : `${address.houseNumber} ${address.streetName} ${type}`;
  if (address.unit) street += style.unitOnNewLine ? `\n${address.unit}` : `, ${address.unit}`;
  return {
    street,
    city: style.cityExonym && city.exonym ? city.exonym : city.name,
    state: style.stateAsName ? city.stateName : city.state,
    postalCode: address.postalCode,
    country: COUNTRY[city.country].names[style.countrySpelling],
  };
}

/** A differently written address for the same place: abbreviated street, another country spelling, maybe more. */
export function variantAddressStyle(rng: Prng, base: AddressStyle): AddressStyle {
  return {
    ...base,
    abbreviateStreet: !base.abbreviateStreet,
    countrySpelling: rng.pick([1, 2] as const),
    stateAsName: rng.chance(0.3) ? !base.stateAsName : base.stateAsName,
    cityExonym: rng.chance(0.5),
  };
}

/**
 * `ada.lovelace@acme.com` → `Ada.Lovelace@Acme.com` (or `ada.lovelace@ACME.COM`): what a rep types by hand.
 * No surrounding whitespace: both CRMs trim text on save, so a stored record never carries it, and the
 * sandboxes reject an email with spaces exactly as the APIs do.
 */
export function messyEmail(rng: Prng, email: string): string {
  const [local = '', domain = ''] = email.split('@');
  const capitalise = (s: string) => s.replace(/(^|[._-])([a-z])/g, (_m, sep: string, c: string) => sep + c.toUpperCase());
  const capitaliseFirst = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
  const variant = rng.int(0, 2);
  if (variant === 0) return `${capitalise(local)}@${capitaliseFirst(domain)}`;
  if (variant === 1) return `${local}@${domain.toUpperCase()}`;
  return `${capitalise(local)}@${domain}`;
}

/** The normalisation simple email linking uses: lowercase and trim. */
export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}
