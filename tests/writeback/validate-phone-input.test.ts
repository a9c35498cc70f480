/**
 * validateGoldenInput on phones (pure: the mapping configuration only). A golden mutation's phone must be a valid
 * number: national numbers are read in the country the input sets, else the customer's current country, else the
 * configuration's defaultRegion; what passes is written in E.164, and what fails is refused naming the format to use.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_MAPPING_CONFIG } from '../../resolver-engine/index.ts';
import { WriteBackInputError, validateGoldenInput } from '../../sync/writeback/update-golden.ts';

const validate = (input: Record<string, unknown>, region?: string | null) => validateGoldenInput(DEFAULT_MAPPING_CONFIG, 'Customer', input, region);
const refusal = (input: Record<string, unknown>, region?: string | null): WriteBackInputError => {
  try {
    validate(input, region);
  } catch (error) {
    if (error instanceof WriteBackInputError) return error;
    throw error;
  }
  throw new Error(`accepted ${JSON.stringify(input)}`);
};

describe('validateGoldenInput: phones', () => {
  it('refuses text that is no phone number, naming the field and the format to use', () => {
    const error = refusal({ phone: 'hello' });
    expect(error.field).toBe('phone');
    expect(error.message).toMatch(/phone: 'hello' is not a phone number/);
    expect(error.message).toContain('+44 20 7946 0958');
    expect(refusal({ mobilePhone: '12' }).field).toBe('mobilePhone');
  });
  it('refuses a number no numbering plan allows', () => {
    expect(refusal({ phone: '+1 069 971 1559' }).message).toMatch(/no valid number plan/);
  });
  it('writes valid numbers in E.164', () => {
    expect(validate({ phone: ' (415) 555-0132 ' })).toEqual({ phone: '+14155550132' });
    expect(validate({ phone: '+44 20 7946 0958' })).toEqual({ phone: '+442079460958' });
    expect(validate({ phone: '+49 221 9710048' }, 'GB')).toEqual({ phone: '+492219710048' });
  });
  it("reads a national number in the customer's country, else the default region (US)", () => {
    expect(validate({ phone: '020 7946 0958' }, 'GB')).toEqual({ phone: '+442079460958' });
    expect(validate({ phone: '0221 9710048' }, 'DE')).toEqual({ phone: '+492219710048' });
    expect(refusal({ phone: '020 7946 0958' }).message).toMatch(/is not a phone number in US; write it with its country code, e\.g\. \+44 20 7946 0958/);
    expect(refusal({ phone: '020 7946 0958' }, null).field).toBe('phone');
  });
  it('a country given in the same input wins over the current one', () => {
    expect(validate({ mailingCountry: 'United Kingdom', phone: '020 7946 0958' }, 'US')).toEqual({ mailingCountry: 'GB', phone: '+442079460958' });
    expect(validate({ phone: '0221 9710048', mailingCountry: 'Germany' })).toEqual({ phone: '+492219710048', mailingCountry: 'DE' });
  });
  it('null still clears a phone', () => {
    expect(validate({ phone: null })).toEqual({ phone: null });
  });
});
