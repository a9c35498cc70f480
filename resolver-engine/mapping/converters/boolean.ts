import { z } from 'zod';
import type { Converter } from '../converter.ts';
import { isAbsent } from '../converter.ts';

const booleanOptions = z.object({
  /** Salesforce takes JSON booleans; HubSpot properties are strings "true"/"false". */
  writeAs: z.enum(['boolean', 'string']).default('boolean'),
}).strict();
export type BooleanOptions = z.output<typeof booleanOptions>;

const TRUE = new Set(['true', '1', 'yes', 'y', 'on']);
const FALSE = new Set(['false', '0', 'no', 'n', 'off']);

export const booleanConverter: Converter<BooleanOptions> = {
  name: 'boolean',
  description: 'Reads booleans sent as true/false, "true"/"false", "1"/"0" or "yes"/"no".',
  optionsSchema: booleanOptions as z.ZodType<BooleanOptions>,
  produces: ['Boolean'],
  arity: 'one',
  toGolden([raw]) {
    if (typeof raw === 'boolean') return { ok: true, value: raw };
    if (isAbsent(raw)) return { ok: true, value: null };
    const text = String(raw).trim().toLowerCase();
    if (TRUE.has(text)) return { ok: true, value: true };
    if (FALSE.has(text)) return { ok: true, value: false };
    return { ok: false, reason: `'${String(raw)}' is not a boolean` };
  },
  fromGolden(value, options) {
    if (value === null || value === undefined) return { ok: true, values: [null] };
    if (typeof value !== 'boolean') return { ok: false, reason: `'${String(value)}' is not a boolean` };
    return { ok: true, values: [options.writeAs === 'string' ? String(value) : value] };
  },
};
