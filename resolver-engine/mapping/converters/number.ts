import { z } from 'zod';
import type { Converter } from '../converter.ts';
import { isAbsent } from '../converter.ts';

const numberOptions = z.object({
  /** HubSpot sends and accepts numbers as strings; Salesforce as JSON numbers. */
  writeAs: z.enum(['number', 'string']).default('number'),
}).strict();
export type NumberOptions = z.output<typeof numberOptions>;

// Accepts '1234', '1,234.50', ' 17 ', '-3e2'; thousands separators are commas (the CRMs' API formats never use
// a decimal comma), so '1,5' is rejected rather than guessed.
const NUMERIC = /^[+-]?(\d{1,3}(,\d{3})+|\d+)?(\.\d+)?([eE][+-]?\d+)?$/;

export const numberConverter: Converter<NumberOptions> = {
  name: 'number',
  description: 'Reads numbers sent as numbers or strings; Int fields must hold whole numbers.',
  optionsSchema: numberOptions as z.ZodType<NumberOptions>,
  produces: ['Int', 'Float'],
  arity: 'one',
  toGolden([raw], _options, ctx) {
    if (isAbsent(raw)) return { ok: true, value: null };
    let parsed: number;
    if (typeof raw === 'number') parsed = raw;
    else {
      const text = String(raw).trim();
      if (!NUMERIC.test(text) || !/\d/.test(text)) return { ok: false, reason: `'${text}' is not a number` };
      parsed = Number(text.replaceAll(',', ''));
    }
    if (!Number.isFinite(parsed)) return { ok: false, reason: `'${String(raw)}' is not a finite number` };
    if (ctx.goldenType === 'Int') {
      if (!Number.isInteger(parsed)) return { ok: false, reason: `'${String(raw)}' is not a whole number` };
      if (Math.abs(parsed) > 2 ** 31 - 1) return { ok: false, reason: `'${String(raw)}' does not fit a GraphQL Int` };
    }
    return { ok: true, value: parsed };
  },
  fromGolden(value, options) {
    if (isAbsent(value)) return { ok: true, values: [null] };
    const parsed = typeof value === 'number' ? value : Number(value);
    if (!Number.isFinite(parsed)) return { ok: false, reason: `'${String(value)}' is not a number` };
    return { ok: true, values: [options.writeAs === 'string' ? String(parsed) : parsed] };
  },
};
