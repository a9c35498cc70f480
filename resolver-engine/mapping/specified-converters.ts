/**
 * The converters a mapping may name, gathered in one table (the model is graphql-js `specifiedRules`).
 * Adding a converter means adding a file under converters/ and a line here.
 */
import type { Converter } from './converter.ts';
import { booleanConverter } from './converters/boolean.ts';
import { concatConverter } from './converters/concat.ts';
import { dateConverter } from './converters/date.ts';
import { dateTimeConverter } from './converters/datetime.ts';
import { domainConverter } from './converters/domain.ts';
import { identityConverter } from './converters/identity.ts';
import { numberConverter } from './converters/number.ts';
import { phoneConverter } from './converters/phone.ts';
import { picklistConverter } from './converters/picklist.ts';

// Each converter is typed by its own options; the table erases them because options are checked against
// each converter's optionsSchema (validateMappingConfig) before any converter runs.
export const specifiedConverters: Readonly<Record<string, Converter<unknown>>> = Object.freeze({
  identity: identityConverter,
  picklist: picklistConverter,
  date: dateConverter,
  datetime: dateTimeConverter,
  number: numberConverter,
  boolean: booleanConverter,
  phone: phoneConverter,
  domain: domainConverter,
  concat: concatConverter,
} as unknown as Record<string, Converter<unknown>>);

export function getConverter(name: string): Converter<unknown> | undefined {
  return Object.hasOwn(specifiedConverters, name) ? specifiedConverters[name] : undefined;
}
