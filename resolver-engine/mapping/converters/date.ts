import { z } from 'zod';
import type { Converter } from '../converter.ts';
import { isAbsent } from '../converter.ts';
import { parseInstant, toIsoDate } from './parse-instant.ts';

const dateOptions = z.object({
  /** Salesforce takes `YYYY-MM-DD`; HubSpot date properties take epoch milliseconds at UTC midnight. */
  writeAs: z.enum(['isoDate', 'epochMs']).default('isoDate'),
}).strict();
export type DateOptions = z.output<typeof dateOptions>;

/**
 * Calendar dates (`YYYY-MM-DD` golden). Reads Salesforce `2024-05-01`, HubSpot ISO at UTC midnight and epoch ms.
 * The UTC day is kept: CRMs store date-only values at UTC midnight, so a local time zone would shift the day.
 */
export const dateConverter: Converter<DateOptions> = {
  name: 'date',
  description: 'Parses a calendar date from the CRM formats into YYYY-MM-DD.',
  optionsSchema: dateOptions as z.ZodType<DateOptions>,
  produces: ['Date', 'String'],
  arity: 'one',
  toGolden([raw]) {
    if (isAbsent(raw)) return { ok: true, value: null };
    const instant = parseInstant(raw);
    return instant ? { ok: true, value: toIsoDate(instant) } : { ok: false, reason: `'${String(raw)}' is not a date` };
  },
  fromGolden(value, options) {
    if (isAbsent(value)) return { ok: true, values: [null] };
    const instant = parseInstant(value);
    if (!instant) return { ok: false, reason: `'${String(value)}' is not a date` };
    const day = new Date(`${toIsoDate(instant)}T00:00:00.000Z`);
    return { ok: true, values: [options.writeAs === 'epochMs' ? String(day.getTime()) : toIsoDate(day)] };
  },
};
