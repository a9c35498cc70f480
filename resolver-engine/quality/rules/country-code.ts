import { toCountryCode } from '../countries.ts';
import type { QualityRule } from '../quality-rule.ts';

/** Salesforce holds 'United States', HubSpot 'USA': both become 'US', so they agree and compare equal. */
export const countryCode: QualityRule = {
  name: 'country-code',
  description: 'Normalises country names and codes to ISO 3166-1 alpha-2 and flags unknown countries.',
  check(value, ctx) {
    if (typeof value !== 'string') return { value, issues: [] };
    const code = toCountryCode(value);
    return code
      ? { value: code, issues: [] }
      : { value, issues: [{ code: 'UNKNOWN_COUNTRY', message: `${ctx.field}: '${value}' is not a recognised country` }] };
  },
};
