/**
 * National phone numbers are read in the record's own country (the golden type's countryField, Customer.mailingCountry
 * in the shipped configuration), else the mapping's region option, else the configuration's defaultRegion. Numbers with
 * a +country code read the same everywhere. The values are the ones the demo's GB and DE records hold.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_MAPPING_CONFIG, DEFAULT_MAPPING_CONFIG_INPUT, goldenRegion, mapFromGolden, mapToGolden, validateMappingConfig } from '../../../resolver-engine/index.ts';
import type { ConverterContext } from '../../../resolver-engine/mapping/converter.ts';
import { getConverter } from '../../../resolver-engine/mapping/specified-converters.ts';

const phone = getConverter('phone')!;
const ctx = (recordRegion?: string): ConverterContext => ({ goldenType: 'String', crm: 'x', objectType: 'o', nativeFields: ['p'], defaultRegion: 'US', ...(recordRegion ? { recordRegion } : {}) });
const read = (raw: string, recordRegion?: string, options: Record<string, unknown> = {}) => phone.toGolden([raw], phone.optionsSchema.parse(options), ctx(recordRegion));

describe('phone converter: the record region', () => {
  it('reads GB, DE and US national numbers in the record country, into E.164', () => {
    expect(read('0113 496 0654', 'GB')).toEqual({ ok: true, value: '+441134960654' });
    expect(read('020 7946 0658', 'GB')).toEqual({ ok: true, value: '+442079460658' });
    expect(read('0221 9710048', 'DE')).toEqual({ ok: true, value: '+492219710048' });
    expect(read('(0160) 53989134', 'DE')).toEqual({ ok: true, value: '+4916053989134' });
    expect(read('(415) 555-0132', 'US')).toEqual({ ok: true, value: '+14155550132' });
  });
  it('without a record region falls back to the mapping region, then the default region', () => {
    expect(read('(415) 555-0132')).toEqual({ ok: true, value: '+14155550132' });
    expect(read('0113 496 0654')).toMatchObject({ ok: false, reason: expect.stringContaining('is not a phone number') });
    expect(read('0113 496 0654', undefined, { region: 'GB' })).toEqual({ ok: true, value: '+441134960654' });
    // The record's own country is more specific than a region configured for the whole mapping.
    expect(read('0221 9710048', 'DE', { region: 'GB' })).toEqual({ ok: true, value: '+492219710048' });
  });
  it('reads numbers with a +country code the same whatever the record region', () => {
    for (const region of [undefined, 'US', 'GB', 'DE']) {
      expect(read('+44 20 7946 0958', region)).toEqual({ ok: true, value: '+442079460958' });
      expect(read('+1 415 555 0132', region)).toEqual({ ok: true, value: '+14155550132' });
      expect(read('+49 221 9710048', region)).toEqual({ ok: true, value: '+492219710048' });
    }
  });
});

describe('mapToGolden with the shipped configuration: Company.countryField = country', () => {
  it("reads a company's national switchboard in its billing country", () => {
    expect(DEFAULT_MAPPING_CONFIG.types.Company!.countryField).toBe('country');
    const account = (fields: Record<string, unknown>) => mapToGolden(DEFAULT_MAPPING_CONFIG, 'Company', 'salesforce', 'Account', { Id: '001A', SystemModstamp: '2026-01-01T00:00:00Z', ...fields });
    expect(account({ Phone: '020 7946 0958', BillingCountry: 'United Kingdom' }).phone).toMatchObject({ value: '+442079460958' });
    expect(account({ Phone: '030 901820', BillingCountry: 'Deutschland' }).phone).toMatchObject({ value: '+4930901820' });
    expect(account({ Phone: '(415) 555-0132' }).phone).toMatchObject({ value: '+14155550132' });
    const company = mapToGolden(DEFAULT_MAPPING_CONFIG, 'Company', 'hubspot', 'companies', { id: '9', hs_lastmodifieddate: '2026-01-01T00:00:00Z', phone: '0113 496 0654', country: 'UK' });
    expect(company.phone).toMatchObject({ value: '+441134960654' });
  });
});

describe('mapToGolden with the shipped configuration (Customer.countryField = mailingCountry)', () => {
  const sf = (fields: Record<string, unknown>) => mapToGolden(DEFAULT_MAPPING_CONFIG, 'Customer', 'salesforce', 'Contact', { Id: '003A', SystemModstamp: '2026-01-01T00:00:00Z', ...fields });
  const hs = (fields: Record<string, unknown>) => mapToGolden(DEFAULT_MAPPING_CONFIG, 'Customer', 'hubspot', 'contacts', { id: '51', lastmodifieddate: '2026-01-01T00:00:00Z', ...fields });

  it('names the country field', () => {
    expect(DEFAULT_MAPPING_CONFIG.types.Customer!.countryField).toBe('mailingCountry');
  });
  it("reads a record's national phone in its mailing country, however the CRM spells the country", () => {
    expect(sf({ Phone: '0113 496 0654', MailingCountry: 'United Kingdom' }).phone).toMatchObject({ value: '+441134960654' });
    expect(sf({ Phone: '0113 496 0654', MailingCountry: 'GB' }).phone).toMatchObject({ value: '+441134960654' });
    expect(sf({ MobilePhone: '0151 28106838', MailingCountry: 'Germany' }).mobilePhone).toMatchObject({ value: '+4915128106838' });
    expect(hs({ phone: '(0221) 4105957', country: 'Deutschland' }).phone).toMatchObject({ value: '+492214105957' });
    expect(hs({ phone: '020 7946 0658', country: 'UK' }).phone!.issues).toBeUndefined();
  });
  it('falls back to the default region (US) without a country, or with one it does not recognise', () => {
    expect(sf({ Phone: '(415) 555-0132' }).phone).toMatchObject({ value: '+14155550132' });
    expect(sf({ Phone: '(415) 555-0132', MailingCountry: 'Narnia' }).phone).toMatchObject({ value: '+14155550132' });
    const unread = sf({ Phone: '0113 496 0654' }).phone!;
    expect(unread.value).toBeNull();
    expect(unread.issues).toEqual([expect.objectContaining({ code: 'CONVERSION_FAILED', message: "Phone: '0113 496 0654' is not a phone number" })]);
    // Pipedrive persons hold no country at all.
    expect(mapToGolden(DEFAULT_MAPPING_CONFIG, 'Customer', 'pipedrive', 'persons', { id: 7, update_time: '2026-01-01 00:00:00', phone: '415.555.0132' }).phone)
      .toMatchObject({ value: '+14155550132' });
  });
  it('keeps +country codes as they were, and flags a number no numbering plan allows', () => {
    expect(sf({ Phone: '+1 415 555 0132', MailingCountry: 'United Kingdom' }).phone).toMatchObject({ value: '+14155550132' });
    expect(sf({ Phone: '+44 20 7946 0958', MailingCountry: 'US' }).phone).toMatchObject({ value: '+442079460958' });
    expect(sf({ MobilePhone: '+44 7700 900713', MailingCountry: 'GB' }).mobilePhone).toMatchObject({ value: '+447700900713', issues: [expect.objectContaining({ code: 'UNLIKELY_PHONE' })] });
  });
  it('writes a golden E.164 phone back unchanged to every CRM (no region needed)', () => {
    expect(mapFromGolden(DEFAULT_MAPPING_CONFIG, 'Customer', 'salesforce', 'Contact', { phone: '+441134960654' }).values).toEqual({ Phone: '+441134960654' });
    expect(mapFromGolden(DEFAULT_MAPPING_CONFIG, 'Customer', 'hubspot', 'contacts', { phone: '+441134960654', mobilePhone: null }).values).toEqual({ phone: '+441134960654', mobilephone: null });
  });
});

describe('countryField in the configuration', () => {
  it('goldenRegion reads a golden country value as an ISO code', () => {
    const customer = DEFAULT_MAPPING_CONFIG.types.Customer!;
    expect(goldenRegion(DEFAULT_MAPPING_CONFIG, customer, 'GB')).toBe('GB');
    expect(goldenRegion(DEFAULT_MAPPING_CONFIG, customer, ' United Kingdom ')).toBe('GB');
    expect(goldenRegion(DEFAULT_MAPPING_CONFIG, customer, 'Narnia')).toBeNull();
    expect(goldenRegion(DEFAULT_MAPPING_CONFIG, customer, null)).toBeNull();
    expect(goldenRegion(DEFAULT_MAPPING_CONFIG, DEFAULT_MAPPING_CONFIG.types.Deal!, 'GB')).toBeNull();
  });
  it('refuses a countryField that is not a String field of the type', () => {
    const config = structuredClone(DEFAULT_MAPPING_CONFIG_INPUT);
    config.types.Customer!.countryField = 'mailingCountri';
    const result = validateMappingConfig(config);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.errors).toEqual([expect.objectContaining({ path: 'types.Customer.countryField' })]);
  });
});
