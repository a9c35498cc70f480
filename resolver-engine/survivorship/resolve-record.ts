import type { Candidate, ResolvedRecord } from '../model.ts';
import type { MappingConfig } from '../mapping/schema.ts';
import type { ResolveOptions } from './resolve-field.ts';
import { resolveField } from './resolve-field.ts';

export interface ResolveRecordOptions extends ResolveOptions {
  /** Resolve only these golden fields (default: every field of the type, so absent ones come back null). */
  fields?: readonly string[];
}

/** Resolves every golden field of one golden record from the candidates gathered per field. */
export function resolveRecord(
  config: MappingConfig,
  typeName: string,
  candidatesByField: Readonly<Record<string, readonly Candidate[]>>,
  options: ResolveRecordOptions = {},
): ResolvedRecord {
  const type = config.types[typeName];
  if (!type) throw new Error(`unknown golden type '${typeName}'`);
  const result: ResolvedRecord = { values: {}, provenance: [], conflicts: [] };
  for (const fieldName of options.fields ?? Object.keys(type.fields)) {
    const resolution = resolveField(config, typeName, fieldName, candidatesByField[fieldName] ?? [], options);
    result.values[fieldName] = resolution.value;
    result.provenance.push(resolution.provenance);
    if (resolution.conflict) result.conflicts.push(resolution.conflict);
  }
  return result;
}
