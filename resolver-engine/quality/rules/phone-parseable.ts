import { parsePhone } from '../../text/phone-number.ts';
import type { QualityRule } from '../quality-rule.ts';

// The format to ask for: with its country code, a number reads the same whatever region the reader assumes.
const FORMAT_HINT = 'write it with its country code, e.g. +44 20 7946 0958';

/**
 * National numbers are read in ctx.defaultRegion, which callers set to the record's country when it has one (the
 * golden type's countryField) and to the configuration's defaultRegion otherwise. These messages are what a golden
 * mutation answers as BAD_USER_INPUT, so they say which region was assumed and what format to use instead.
 */
export const phoneParseable: QualityRule = {
  name: 'phone-parseable',
  description: 'Normalises phone numbers to E.164 and flags numbers that cannot be parsed or are not valid.',
  check(value, ctx) {
    if (typeof value !== 'string' && typeof value !== 'number') return { value, issues: [] };
    const text = String(value).trim();
    const parsed = parsePhone(text, ctx.defaultRegion);
    const international = text.startsWith('+');
    if (parsed.e164 === null) {
      const where = international ? '' : ` in ${ctx.defaultRegion}`;
      return { value, issues: [{ code: 'INVALID_PHONE', message: `${ctx.field}: '${value}' is not a phone number${where}; ${FORMAT_HINT}` }] };
    }
    if (!parsed.valid) {
      const advice = international ? 'check the digits' : `check the digits, or ${FORMAT_HINT}`;
      return { value: parsed.e164, issues: [{ code: 'UNLIKELY_PHONE', message: `${ctx.field}: '${value}' has a plausible length but no valid number plan for ${parsed.country ?? 'its region'}; ${advice}` }] };
    }
    return { value: parsed.e164, issues: [] };
  },
};
