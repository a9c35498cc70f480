import { z } from 'zod';
import { parsePhone } from '../../text/phone-number.ts';
import type { Converter } from '../converter.ts';
import { isAbsent } from '../converter.ts';

const phoneOptions = z.object({
  /**
   * Region for numbers written without a country code on records with no country of their own (see the type's
   * countryField); defaults to the configuration's defaultRegion.
   */
  region: z.string().regex(/^[A-Z]{2}$/, 'an ISO 3166 alpha-2 code such as US').optional(),
}).strict();
export type PhoneOptions = z.output<typeof phoneOptions>;

/** '(415) 555-0132' → '+14155550132'. E.164 makes the same number compare equal whichever CRM typed it. */
export function toE164(raw: string, region: string): string | null {
  return parsePhone(raw, region).e164;
}

export const phoneConverter: Converter<PhoneOptions> = {
  name: 'phone',
  description: "Normalises phone numbers to E.164 (libphonenumber-js), reading national numbers in the record's country, else a default region.",
  optionsSchema: phoneOptions as z.ZodType<PhoneOptions>,
  produces: ['String'],
  arity: 'one',
  toGolden([raw], options, ctx) {
    if (isAbsent(raw)) return { ok: true, value: null };
    // The record's own country first: '0113 496 0654' is Leeds on a British record and no number at all in the US.
    // Numbers with a +country code read the same in every region.
    const e164 = toE164(String(raw).trim(), ctx.recordRegion ?? options.region ?? ctx.defaultRegion);
    return e164 ? { ok: true, value: e164 } : { ok: false, reason: `'${String(raw)}' is not a phone number` };
  },
  // Golden phones are E.164 already (read through toGolden, or checked by phone-parseable on input): written as they are.
  fromGolden(value) {
    return { ok: true, values: [isAbsent(value) ? null : String(value)] };
  },
};
