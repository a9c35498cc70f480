import { z } from 'zod';
import type { Converter, ConverterProblem } from '../converter.ts';
import { isAbsent } from '../converter.ts';

const picklistOptions = z.object({
  /** native value → golden value */
  values: z.record(z.string(), z.string()),
  /**
   * golden value → native value, for write-back where `values` is not a bijection: several native values
   * share one golden value, or a golden value (from another CRM) has no native value of its own.
   */
  reverse: z.record(z.string(), z.string()).optional(),
  /** What to do with a native value missing from `values`: flag it and yield null, or pass it through. */
  unmapped: z.enum(['null', 'passthrough']).default('null'),
  /** CRMs differ in how strictly they keep the case of picklist values; match case-insensitively by default. */
  caseInsensitive: z.boolean().default(true),
}).strict();
export type PicklistOptions = z.output<typeof picklistOptions>;

function lookup(map: Record<string, string>, key: string, caseInsensitive: boolean): string | undefined {
  if (Object.hasOwn(map, key)) return map[key];
  if (!caseInsensitive) return undefined;
  const lower = key.toLowerCase();
  const found = Object.keys(map).find((k) => k.toLowerCase() === lower);
  return found === undefined ? undefined : map[found];
}

/** golden value → the native values that map to it */
export function invertPicklist(values: Record<string, string>): Map<string, string[]> {
  const inverse = new Map<string, string[]>();
  for (const [native, golden] of Object.entries(values)) inverse.set(golden, [...(inverse.get(golden) ?? []), native]);
  return inverse;
}

/**
 * The golden values this map can write back (every golden value of `values`, plus the keys of `reverse`), or null
 * when any value can be written (`unmapped: 'passthrough'`). Write-back validation lists these to a client.
 */
export function picklistGoldenValues(options: PicklistOptions): string[] | null {
  if (options.unmapped === 'passthrough') return null;
  return [...new Set([...Object.values(options.values), ...Object.keys(options.reverse ?? {})])];
}

/** Translates picklist values both ways, e.g. Salesforce StageName 'Closed Won' ↔ HubSpot dealstage 'closedwon'. */
export const picklistConverter: Converter<PicklistOptions> = {
  name: 'picklist',
  description: 'Maps native picklist values to golden values and back.',
  optionsSchema: picklistOptions as z.ZodType<PicklistOptions>,
  produces: ['String'],
  arity: 'one',
  toGolden([raw], options) {
    if (isAbsent(raw)) return { ok: true, value: null };
    const text = String(raw).trim();
    const golden = lookup(options.values, text, options.caseInsensitive);
    if (golden !== undefined) return { ok: true, value: golden };
    if (options.unmapped === 'passthrough') return { ok: true, value: text };
    return { ok: false, reason: `picklist value '${text}' has no golden value in the map` };
  },
  fromGolden(value, options) {
    if (isAbsent(value)) return { ok: true, values: [null] };
    const golden = String(value);
    const chosen = options.reverse ? lookup(options.reverse, golden, options.caseInsensitive) : undefined;
    if (chosen !== undefined) return { ok: true, values: [chosen] };
    // The same case rule as toGolden: 'needs analysis' is the golden 'Needs Analysis', whichever map holds it.
    const inverse = invertPicklist(options.values);
    const spelt = inverse.has(golden) || !options.caseInsensitive ? golden : [...inverse.keys()].find((k) => k.toLowerCase() === golden.toLowerCase());
    const natives = (spelt === undefined ? undefined : inverse.get(spelt)) ?? [];
    if (natives.length === 1) return { ok: true, values: [natives[0]] };
    if (natives.length > 1) return { ok: false, reason: `golden value '${golden}' maps back to several native values (${natives.join(', ')})` };
    if (options.unmapped === 'passthrough') return { ok: true, values: [golden] };
    return { ok: false, reason: `golden value '${golden}' has no native value to write back` };
  },
  check(options, ctx) {
    const problems: ConverterProblem[] = [];
    const nativeKeys = new Set(Object.keys(options.values));
    for (const [golden, native] of Object.entries(options.reverse ?? {})) {
      if (!nativeKeys.has(native) && options.unmapped !== 'passthrough') {
        problems.push({ path: `converter.options.reverse.${golden}`, message: `reverse maps '${golden}' to '${native}', which is not a native value listed in 'values'` });
      }
    }
    if (!ctx.writable) return problems;
    for (const [golden, natives] of invertPicklist(options.values)) {
      if (natives.length > 1 && options.reverse?.[golden] === undefined) {
        problems.push({
          path: 'converter.options.values',
          message: `picklist map is not a bijection: ${natives.map((n) => `'${n}'`).join(' and ')} all map to '${golden}'; write-back needs reverse['${golden}'] to choose one (or set writable: false)`,
        });
      }
    }
    return problems;
  },
};
