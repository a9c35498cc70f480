/** The memoised phone parse gives exactly libphonenumber's answers, on first use and from the cache. */
import { parsePhoneNumberFromString } from 'libphonenumber-js';
import type { CountryCode } from 'libphonenumber-js';
import { describe, expect, it } from 'vitest';
import { parsePhone } from '../../resolver-engine/text/phone-number.ts';

const samples: Array<[string, string]> = [
  ['(415) 555-0132', 'US'], ['+44 20 7946 0958', 'US'], ['020 7946 0958', 'GB'], ['030 12345678', 'DE'],
  ['+1 212 555 01', 'US'], ['not a phone', 'US'], ['555-0132', 'US'], ['+49 151 23456789', 'GB'], ['0131 496 0000', 'GB'],
  ['+1 999 555 0100', 'US'], ['12', 'DE'],
];

describe('parsePhone', () => {
  it.each(samples)('%s (%s) parses as libphonenumber does, twice', (text, region) => {
    const direct = parsePhoneNumberFromString(text, region as CountryCode);
    const expected = { e164: direct?.isPossible() ? direct.number : null, valid: direct?.isValid() ?? false, country: direct?.country };
    for (let i = 0; i < 2; i++) {
      const got = parsePhone(text, region);
      expect({ e164: got.e164, valid: got.valid, country: got.country }).toEqual(expected);
    }
  });

  it('keys the cache by region: one national number means different numbers in different regions', () => {
    expect(parsePhone('020 7946 0958', 'GB').e164).toBe('+442079460958');
    expect(parsePhone('020 7946 0958', 'DE').e164).not.toBe('+442079460958');
  });
});
