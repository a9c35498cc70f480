/**
 * The contract of a value converter: how native values become one golden value (read) and how a golden value
 * becomes native values again (write-back). One converter per file under converters/, gathered in
 * specified-converters.ts, referenced from the mapping configuration by name.
 */
import type { z } from 'zod';
import type { GoldenScalar } from '../model.ts';

export interface ConverterContext {
  goldenType: GoldenScalar;
  crm: string;
  objectType: string;
  /** The native field names of the mapping, in order (most converters read exactly one). */
  nativeFields: readonly string[];
  /** ISO 3166 region used to read phone numbers written without a country code. */
  defaultRegion: string;
  /**
   * The country of the record being converted (from the type's `countryField`), when the type names one and the
   * record holds a recognised country; read converters prefer it to `defaultRegion`. Absent on write-back.
   */
  recordRegion?: string;
}

export type ToGoldenResult = { ok: true; value: unknown } | { ok: false; reason: string };
export type FromGoldenResult = { ok: true; values: unknown[] } | { ok: false; reason: string };

/** A configuration problem found by a converter about its own options (path is relative to the mapping). */
export interface ConverterProblem {
  path: string;
  message: string;
}

export interface ConverterCheckContext extends ConverterContext {
  writable: boolean;
}

export interface Converter<Options = unknown> {
  name: string;
  description: string;
  optionsSchema: z.ZodType<Options>;
  /** Golden scalars this converter can produce. */
  produces: readonly GoldenScalar[];
  /** How many native fields the converter reads: exactly one, or one or more (concatenation). */
  arity: 'one' | 'many';
  /** Native values arrive already fetched, one per native field; null/undefined mean "no value". */
  toGolden(nativeValues: readonly unknown[], options: Options, ctx: ConverterContext): ToGoldenResult;
  /** Returns one native value per native field. Absent when the conversion cannot be reversed. */
  fromGolden?(value: unknown, options: Options, ctx: ConverterContext): FromGoldenResult;
  /** Semantic checks beyond the options schema (e.g. a picklist that write-back needs to be a bijection). */
  check?(options: Options, ctx: ConverterCheckContext): ConverterProblem[];
}

/** Helps converters with one input: null, undefined and '' all mean "no value" to every CRM we read. */
export function isAbsent(value: unknown): boolean {
  return value === null || value === undefined || (typeof value === 'string' && value.trim() === '');
}
