import { parsePhoneNumberFromString } from 'libphonenumber-js';
import type { CountryCode } from 'libphonenumber-js';
import type { QualityRule } from '../quality-rule.ts';

export const phoneParseable: QualityRule = {
  name: 'phone-parseable',
  description: 'Normalises phone numbers to E.164 and flags numbers that cannot be parsed or are not valid.',
  check(value, ctx) {
    if (typeof value !== 'string' && typeof value !== 'number') return { value, issues: [] };
    const parsed = parsePhoneNumberFromString(String(value).trim(), ctx.defaultRegion as CountryCode);
    if (!parsed || !parsed.isPossible()) {
      return { value, issues: [{ code: 'INVALID_PHONE', message: `${ctx.field}: '${value}' is not a phone number` }] };
    }
    if (!parsed.isValid()) {
      return { value: parsed.number, issues: [{ code: 'UNLIKELY_PHONE', message: `${ctx.field}: '${value}' has a plausible length but no valid number plan for ${parsed.country ?? 'its region'}` }] };
    }
    return { value: parsed.number, issues: [] };
  },
};
