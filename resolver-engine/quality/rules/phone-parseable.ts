import { parsePhone } from '../../text/phone-number.ts';
import type { QualityRule } from '../quality-rule.ts';

export const phoneParseable: QualityRule = {
  name: 'phone-parseable',
  description: 'Normalises phone numbers to E.164 and flags numbers that cannot be parsed or are not valid.',
  check(value, ctx) {
    if (typeof value !== 'string' && typeof value !== 'number') return { value, issues: [] };
    const parsed = parsePhone(String(value).trim(), ctx.defaultRegion);
    if (parsed.e164 === null) {
      return { value, issues: [{ code: 'INVALID_PHONE', message: `${ctx.field}: '${value}' is not a phone number` }] };
    }
    if (!parsed.valid) {
      return { value: parsed.e164, issues: [{ code: 'UNLIKELY_PHONE', message: `${ctx.field}: '${value}' has a plausible length but no valid number plan for ${parsed.country ?? 'its region'}` }] };
    }
    return { value: parsed.e164, issues: [] };
  },
};
