/**
 * The public API of the resolver engine: pure functions over plain data, no I/O.
 * Callers (golden subgraph, sync workers, db, web admin) import from here only.
 */

// Model
export type { Candidate, Conflict, GoldenScalar, Issue, Provenance, ResolvedRecord, SourceRef } from './model.ts';
export { GOLDEN_SCALARS, sourceKey } from './model.ts';

// Mapping configuration
export type {
  FieldMapping, GoldenFieldConfig, GoldenTypeConfig, MappingConfig, MappingConfigInput, NativeObjectConfig, RuleConfig,
} from './mapping/schema.ts';
export { mappingConfigSchema } from './mapping/schema.ts';
export type { ConfigError, ValidateOptions, ValidationResult } from './mapping/validate-mapping-config.ts';
export { parseMappingConfig, validateMappingConfig } from './mapping/validate-mapping-config.ts';
export type { Converter, ConverterContext } from './mapping/converter.ts';
export { getConverter, specifiedConverters } from './mapping/specified-converters.ts';
export type { MapToGoldenOptions, NativeRecordInput } from './mapping/map-to-golden.ts';
export { collectCandidates, mapToGolden, recordModifiedAt, unavailableCandidates } from './mapping/map-to-golden.ts';
export type { NativeWrite } from './mapping/map-from-golden.ts';
export { mapFromGolden } from './mapping/map-from-golden.ts';
export type { RequiredNativeFieldsOptions } from './mapping/required-native-fields.ts';
export { requiredNativeFields, requiresSelection } from './mapping/required-native-fields.ts';
export { parseInstant } from './mapping/converters/parse-instant.ts';

// Default configuration (Salesforce + HubSpot)
export { DEFAULT_MAPPING_CONFIG, DEFAULT_MAPPING_CONFIG_INPUT } from './defaults/default-mapping-config.ts';

// Survivorship
export type { StrategyContext, StrategyDecision, SurvivorshipStrategy } from './survivorship/strategy.ts';
export { getStrategy, specifiedStrategies } from './survivorship/specified-strategies.ts';
export type { SurvivorshipFunction, SurvivorshipFunctionResult } from './survivorship/function-registry.ts';
export {
  SurvivorshipFunctionRegistry, builtInSurvivorshipFunctions, defaultSurvivorshipFunctions, registerSurvivorshipFunction,
} from './survivorship/function-registry.ts';
export type { EffectiveRule } from './survivorship/effective-rule.ts';
export { effectiveRule } from './survivorship/effective-rule.ts';
export type { FieldResolution, ResolveOptions } from './survivorship/resolve-field.ts';
export { resolveField } from './survivorship/resolve-field.ts';
export type { ResolveRecordOptions } from './survivorship/resolve-record.ts';
export { resolveRecord } from './survivorship/resolve-record.ts';
export { isEmptyValue } from './survivorship/emptiness.ts';
