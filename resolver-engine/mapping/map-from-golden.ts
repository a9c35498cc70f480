/**
 * Golden values → native field values for write-back, by reversing each writable mapping's converter.
 * Anything that cannot be written is reported in `skipped` with the reason, never guessed.
 */
import type { ConverterContext } from './converter.ts';
import { goldenType, nativeObject } from './map-to-golden.ts';
import { isRelationshipPath } from './native-path.ts';
import type { MappingConfig } from './schema.ts';
import { getConverter } from './specified-converters.ts';

export interface NativeWrite {
  /** native field → value to send (already in the CRM's wire form, e.g. HubSpot "true", epoch-ms dates). */
  values: Record<string, unknown>;
  skipped: Array<{ field: string; reason: string }>;
}

export function mapFromGolden(
  config: MappingConfig,
  typeName: string,
  crm: string,
  objectType: string,
  goldenValues: Readonly<Record<string, unknown>>,
): NativeWrite {
  const type = goldenType(config, typeName);
  if (!nativeObject(type, crm, objectType)) throw new Error(`golden type '${typeName}' has no source object ${crm}/${objectType}`);
  const write: NativeWrite = { values: {}, skipped: [] };
  for (const [fieldName, value] of Object.entries(goldenValues)) {
    const field = type.fields[fieldName];
    if (!field) {
      write.skipped.push({ field: fieldName, reason: `'${fieldName}' is not a field of ${typeName}` });
      continue;
    }
    const mapping = field.mappings.find((m) => m.crm === crm && m.objectType === objectType);
    if (!mapping) continue; // this object simply does not hold the field
    if (!mapping.writable || mapping.from.some(isRelationshipPath)) {
      write.skipped.push({ field: fieldName, reason: `${crm}/${objectType} ${mapping.from.join(', ')} is not writable` });
      continue;
    }
    const converter = getConverter(mapping.converter.name);
    if (!converter?.fromGolden) {
      write.skipped.push({ field: fieldName, reason: `converter '${mapping.converter.name}' cannot be reversed` });
      continue;
    }
    const ctx: ConverterContext = { goldenType: field.type, crm, objectType, nativeFields: mapping.from, defaultRegion: config.defaultRegion };
    const result = converter.fromGolden(value, mapping.converter.options, ctx);
    if (!result.ok) {
      write.skipped.push({ field: fieldName, reason: result.reason });
      continue;
    }
    mapping.from.forEach((nativeField, i) => { write.values[nativeField] = result.values[i] ?? null; });
  }
  return write;
}
