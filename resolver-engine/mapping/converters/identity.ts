import { z } from 'zod';
import { GOLDEN_SCALARS } from '../../model.ts';
import type { Converter } from '../converter.ts';

/** Copies the native value. Numbers and booleans shown as String are stringified so GraphQL can serialise them. */
export const identityConverter: Converter<Record<string, never>> = {
  name: 'identity',
  description: 'Copies the native value unchanged.',
  optionsSchema: z.object({}).strict(),
  produces: GOLDEN_SCALARS,
  arity: 'one',
  toGolden([raw], _options, ctx) {
    if (raw === undefined || raw === null) return { ok: true, value: null };
    if (ctx.goldenType === 'String' && (typeof raw === 'number' || typeof raw === 'boolean')) {
      return { ok: true, value: String(raw) };
    }
    return { ok: true, value: raw };
  },
  fromGolden(value) {
    return { ok: true, values: [value ?? null] };
  },
};
