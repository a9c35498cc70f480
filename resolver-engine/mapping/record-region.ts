/**
 * The country a record's national phone numbers are read in. '020 7946 0958' is a London number only on a
 * British record: read with the configuration's defaultRegion (US) it is no number at all. A golden type names
 * the field holding the record's country (`countryField`, e.g. Customer.mailingCountry); its value is taken
 * through that field's own converter and quality rules (so 'United Kingdom' reads as the golden 'GB' does), then
 * through the same country normalisation identity matching uses. No country field, no value, or an unrecognised
 * one: null, and the caller falls back to the default region.
 */
import { normaliseCountry } from '../identity/normalise/country.ts';
import { applyQualityRules } from '../quality/specified-quality-rules.ts';
import { isAbsent } from './converter.ts';
import { readNativePath } from './native-path.ts';
import type { GoldenTypeConfig, MappingConfig } from './schema.ts';
import { getConverter } from './specified-converters.ts';

/** A golden value of the type's country field ('GB', 'United Kingdom') as an ISO 3166 alpha-2 code, else null. */
export function goldenRegion(config: MappingConfig, type: GoldenTypeConfig, value: unknown): string | null {
  const name = type.countryField;
  const field = name ? type.fields[name] : undefined;
  if (!name || !field || isAbsent(value)) return null;
  const checked = applyQualityRules(value, field.quality, { field: name, defaultRegion: config.defaultRegion });
  return normaliseCountry(checked.value);
}

/** The country of one native record, read from the native field(s) its object maps to the type's country field. */
export function nativeRecordRegion(
  config: MappingConfig,
  type: GoldenTypeConfig,
  crm: string,
  objectType: string,
  record: Readonly<Record<string, unknown>>,
): string | null {
  const field = type.countryField ? type.fields[type.countryField] : undefined;
  const mapping = field?.mappings.find((m) => m.crm === crm && m.objectType === objectType);
  const converter = mapping ? getConverter(mapping.converter.name) : undefined;
  if (!field || !mapping || !converter) return null;
  const raw = mapping.from.map((path) => readNativePath(record, path));
  const result = converter.toGolden(raw, mapping.converter.options, { goldenType: field.type, crm, objectType, nativeFields: mapping.from, defaultRegion: config.defaultRegion });
  return result.ok ? goldenRegion(config, type, result.value) : null;
}
