import { z } from 'zod';
import type { Converter } from '../converter.ts';
import { isAbsent } from '../converter.ts';

const concatOptions = z.object({
  separator: z.string().default(' '),
}).strict();
export type ConcatOptions = z.output<typeof concatOptions>;

/**
 * Joins several native fields into one golden value (e.g. HubSpot `address` + `address2` → street), skipping
 * empty parts. Write-back splits on the separator; extra parts go to the last field so nothing is lost.
 */
export const concatConverter: Converter<ConcatOptions> = {
  name: 'concat',
  description: 'Joins several native fields with a separator; splits them again on write-back.',
  optionsSchema: concatOptions as z.ZodType<ConcatOptions>,
  produces: ['String'],
  arity: 'many',
  toGolden(values, options) {
    const parts = values.filter((v) => !isAbsent(v)).map((v) => String(v).trim());
    return { ok: true, value: parts.length === 0 ? null : parts.join(options.separator) };
  },
  fromGolden(value, options, ctx) {
    const count = ctx.nativeFields.length;
    if (isAbsent(value)) return { ok: true, values: Array.from({ length: count }, () => null) };
    const parts = options.separator === '' ? [String(value)] : String(value).split(options.separator);
    const head = parts.slice(0, count - 1);
    const tail = parts.slice(count - 1).join(options.separator);
    const values: unknown[] = [...head, tail === '' ? null : tail];
    while (values.length < count) values.push(null);
    return { ok: true, values };
  },
};
