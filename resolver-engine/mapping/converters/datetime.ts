import { z } from 'zod';
import type { Converter } from '../converter.ts';
import { isAbsent } from '../converter.ts';
import { parseInstant, toSalesforceDateTime } from './parse-instant.ts';

const dateTimeOptions = z.object({
  writeAs: z.enum(['iso', 'salesforce', 'epochMs']).default('iso'),
}).strict();
export type DateTimeOptions = z.output<typeof dateTimeOptions>;

/** Instants: golden values are ISO-8601 UTC with milliseconds, whatever offset or epoch format the CRM used. */
export const dateTimeConverter: Converter<DateTimeOptions> = {
  name: 'datetime',
  description: 'Parses a timestamp from the CRM formats into ISO-8601 UTC.',
  optionsSchema: dateTimeOptions as z.ZodType<DateTimeOptions>,
  produces: ['DateTime', 'String'],
  arity: 'one',
  toGolden([raw]) {
    if (isAbsent(raw)) return { ok: true, value: null };
    const instant = parseInstant(raw);
    return instant ? { ok: true, value: instant.toISOString() } : { ok: false, reason: `'${String(raw)}' is not a timestamp` };
  },
  fromGolden(value, options) {
    if (isAbsent(value)) return { ok: true, values: [null] };
    const instant = parseInstant(value);
    if (!instant) return { ok: false, reason: `'${String(value)}' is not a timestamp` };
    const rendered = options.writeAs === 'salesforce' ? toSalesforceDateTime(instant)
      : options.writeAs === 'epochMs' ? String(instant.getTime()) : instant.toISOString();
    return { ok: true, values: [rendered] };
  },
};
