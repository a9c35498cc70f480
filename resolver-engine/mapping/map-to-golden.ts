/**
 * Native record → candidates, one per golden field the record's object maps to, after conversion and the
 * field's data-quality rules. Conversion failures are kept as a null candidate carrying an issue, and
 * quality problems as issues on the (kept) value, so bad data is visible in provenance instead of vanishing.
 */
import type { Candidate, SourceRef } from '../model.ts';
import type { ConverterContext } from './converter.ts';
import { parseInstant } from './converters/parse-instant.ts';
import { readNativePath } from './native-path.ts';
import { nativeRecordRegion } from './record-region.ts';
import type { GoldenTypeConfig, MappingConfig, NativeObjectConfig } from './schema.ts';
import { getConverter } from './specified-converters.ts';
import { applyQualityRules } from '../quality/specified-quality-rules.ts';

export interface MapToGoldenOptions {
  /** Field-level modification times (e.g. from HubSpot propertiesWithHistory), by native field name. */
  fieldModifiedAt?: Readonly<Record<string, Date | string | number | null | undefined>>;
}

export function goldenType(config: MappingConfig, typeName: string): GoldenTypeConfig {
  const type = config.types[typeName];
  if (!type) throw new Error(`unknown golden type '${typeName}'`);
  return type;
}

export function nativeObject(type: GoldenTypeConfig, crm: string, objectType: string): NativeObjectConfig | undefined {
  return type.objects.find((o) => o.crm === crm && o.objectType === objectType);
}

/** The record's modification time: the first of the object's modifiedAtFields that holds a parseable instant. */
export function recordModifiedAt(object: NativeObjectConfig, record: unknown): Date | null {
  for (const field of object.modifiedAtFields) {
    const instant = parseInstant(readNativePath(record, field));
    if (instant) return instant;
  }
  return null;
}

/** The newest field-level time of a mapping's native fields; null (use the record's time) unless every one has one. */
function fieldLevelTime(fields: readonly string[], times: MapToGoldenOptions['fieldModifiedAt']): Date | null {
  if (!times) return null;
  const instants = fields.map((f) => parseInstant(times[f] ?? null));
  if (instants.length === 0 || instants.some((d) => d === null)) return null;
  return new Date(Math.max(...instants.map((d) => d!.getTime())));
}

export function mapToGolden(
  config: MappingConfig,
  typeName: string,
  crm: string,
  objectType: string,
  nativeRecord: Readonly<Record<string, unknown>>,
  options: MapToGoldenOptions = {},
): Record<string, Candidate> {
  const type = goldenType(config, typeName);
  const object = nativeObject(type, crm, objectType);
  if (!object) throw new Error(`golden type '${typeName}' has no source object ${crm}/${objectType}`);
  const id = readNativePath(nativeRecord, object.idField);
  if (id === null || id === '') throw new Error(`${crm}/${objectType} record has no '${object.idField}'`);
  const source: SourceRef = { crm, objectType, recordId: String(id) };
  const recordTime = recordModifiedAt(object, nativeRecord);
  // Once per record: national phone numbers are read in the record's own country ('0113 496 0654' on a GB record).
  const recordRegion = nativeRecordRegion(config, type, crm, objectType, nativeRecord);

  const candidates: Record<string, Candidate> = {};
  for (const [fieldName, field] of Object.entries(type.fields)) {
    const mapping = field.mappings.find((m) => m.crm === crm && m.objectType === objectType);
    if (!mapping) continue;
    const converter = getConverter(mapping.converter.name);
    if (!converter) throw new Error(`unknown converter '${mapping.converter.name}' (validate the configuration first)`);
    const ctx: ConverterContext = {
      goldenType: field.type, crm, objectType, nativeFields: mapping.from, defaultRegion: config.defaultRegion, ...(recordRegion ? { recordRegion } : {}),
    };
    const raw = mapping.from.map((path) => readNativePath(nativeRecord, path));
    const result = converter.toGolden(raw, mapping.converter.options, ctx);
    const modifiedAt = fieldLevelTime(mapping.from, options.fieldModifiedAt) ?? recordTime;
    if (!result.ok) {
      // The unconvertible value is what a steward must fix at the source: kept on the issue (the candidate's is null).
      const issue = { code: 'CONVERSION_FAILED', message: `${mapping.from.join(', ')}: ${result.reason}`, native: raw.length === 1 ? raw[0] : raw };
      candidates[fieldName] = { value: null, source, modifiedAt, status: 'ok', issues: [issue] };
      continue;
    }
    const checked = applyQualityRules(result.value, field.quality, { field: fieldName, defaultRegion: recordRegion ?? config.defaultRegion });
    candidates[fieldName] = { value: checked.value, source, modifiedAt, status: 'ok', ...(checked.issues.length > 0 ? { issues: checked.issues } : {}) };
  }
  return candidates;
}

/**
 * Candidates for a source that could not be read (CRM down): every golden field the object maps to gets an
 * unavailable candidate, so provenance can say which fields may be stale.
 */
export function unavailableCandidates(config: MappingConfig, typeName: string, source: SourceRef): Record<string, Candidate> {
  const type = goldenType(config, typeName);
  const candidates: Record<string, Candidate> = {};
  for (const [fieldName, field] of Object.entries(type.fields)) {
    if (field.mappings.some((m) => m.crm === source.crm && m.objectType === source.objectType)) {
      candidates[fieldName] = { value: null, source, modifiedAt: null, status: 'unavailable' };
    }
  }
  return candidates;
}

export type NativeRecordInput =
  | { crm: string; objectType: string; record: Readonly<Record<string, unknown>>; fieldModifiedAt?: MapToGoldenOptions['fieldModifiedAt'] }
  | { crm: string; objectType: string; recordId: string; unavailable: true };

/** Gathers the candidates of every linked native record of one golden record, per golden field. */
export function collectCandidates(config: MappingConfig, typeName: string, inputs: readonly NativeRecordInput[]): Record<string, Candidate[]> {
  const byField: Record<string, Candidate[]> = {};
  for (const input of inputs) {
    const candidates = 'unavailable' in input
      ? unavailableCandidates(config, typeName, { crm: input.crm, objectType: input.objectType, recordId: input.recordId })
      : mapToGolden(config, typeName, input.crm, input.objectType, input.record, { fieldModifiedAt: input.fieldModifiedAt });
    for (const [field, candidate] of Object.entries(candidates)) (byField[field] ??= []).push(candidate);
  }
  return byField;
}
