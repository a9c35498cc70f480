/**
 * The person-shaped record identity matching works on, and its normalised form, computed once per record
 * so that blocking and pairwise scoring never normalise the same value twice.
 */
import { normalisePostalCode, normaliseStreet } from './normalise/address.ts';
import { normaliseCountry, regionFromEmailDomain } from './normalise/country.ts';
import { normaliseEmail } from './normalise/email.ts';
import { firstGivenName, normaliseCompanyName, normaliseName } from './normalise/name.ts';
import { normalisePhone } from './normalise/phone.ts';

export interface PersonRecord {
  /** Any stable id, e.g. `salesforce/Contact/003…` or a golden Customer id. */
  id: string;
  firstName?: string | null;
  lastName?: string | null;
  email?: string | null;
  /** Every phone the record holds (phone, mobile…). */
  phones?: ReadonlyArray<string | null | undefined>;
  companyName?: string | null;
  /** Job title: at a large account, the same full name with the same title is rarely two people. */
  title?: string | null;
  /** Street line of the mailing address (Salesforce MailingStreet, HubSpot address): house number, street, unit. */
  street?: string | null;
  city?: string | null;
  postalCode?: string | null;
  /** ISO code or common name; national phone numbers are read in this country (else the run's default region). */
  country?: string | null;
}

export interface NormalisedPerson {
  id: string;
  first: string;
  last: string;
  email: string | null;
  phones: string[];
  company: string;
  title: string;
  /** '<house number> <street>' with one spelling of the street type and no unit; '' without a house number. */
  street: string;
  city: string;
  /** In the canonical form of the record's country (ZIP without +4, UK postcode without space). */
  postalCode: string;
}

export function normalisePerson(record: PersonRecord, defaultRegion = 'US'): NormalisedPerson {
  const email = normaliseEmail(record.email);
  // National numbers ('0131 496 0000') and postal codes are read in the record's country, else the country
  // of its email domain, else the run's default.
  const region = normaliseCountry(record.country) ?? regionFromEmailDomain(email) ?? defaultRegion;
  const phones = (record.phones ?? []).map((p) => normalisePhone(p, region)).filter((p): p is string => p !== null);
  return {
    id: record.id,
    first: firstGivenName(record.firstName),
    last: normaliseName(record.lastName),
    email,
    phones: [...new Set(phones)],
    company: normaliseCompanyName(record.companyName),
    title: normaliseName(record.title),
    street: normaliseStreet(record.street),
    city: normaliseName(record.city),
    postalCode: normalisePostalCode(record.postalCode, region),
  };
}
