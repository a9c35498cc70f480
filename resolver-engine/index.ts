/**
 * The public API of the resolver engine: pure functions over plain data, no I/O.
 * Callers (golden subgraph, sync workers, db, web admin) import from here only.
 */

// Model
export type { Candidate, Conflict, GoldenScalar, Issue, Provenance, ResolvedRecord, SourceRef } from './model.ts';
export { GOLDEN_SCALARS, sourceKey } from './model.ts';

// Mapping configuration
export type {
  ConvergenceMode, FieldMapping, GoldenFieldConfig, GoldenRelationConfig, GoldenTypeConfig, MappingConfig, MappingConfigInput, NativeObjectConfig, RuleConfig,
} from './mapping/schema.ts';
export { CONVERGENCE_MODES, DEFAULT_CONVERGENCE_MODE, mappingConfigSchema } from './mapping/schema.ts';
export type { ConfigError, ValidateOptions, ValidationResult } from './mapping/validate-mapping-config.ts';
export { parseMappingConfig, validateMappingConfig } from './mapping/validate-mapping-config.ts';
export type { Converter, ConverterContext } from './mapping/converter.ts';
export { getConverter, specifiedConverters } from './mapping/specified-converters.ts';
export { toE164 } from './mapping/converters/phone.ts';
export type { MapToGoldenOptions, NativeRecordInput } from './mapping/map-to-golden.ts';
export { collectCandidates, mapToGolden, recordModifiedAt, unavailableCandidates } from './mapping/map-to-golden.ts';
export { goldenRegion, nativeRecordRegion } from './mapping/record-region.ts';
export type { GoldenIdLookup } from './mapping/resolve-relations.ts';
export { referenceKeysTo, relationAsField, relationReferenceKey, relationReferenceKeys, relationTargets, resolveRelations } from './mapping/resolve-relations.ts';
export type { NativeWrite } from './mapping/map-from-golden.ts';
export { mapFromGolden } from './mapping/map-from-golden.ts';
export type { RequiredNativeFieldsOptions } from './mapping/required-native-fields.ts';
export { requiredNativeFields, requiresSelection } from './mapping/required-native-fields.ts';
export { parseInstant } from './mapping/converters/parse-instant.ts';
export type { FieldClock } from './mapping/field-clock.ts';
export { advanceFieldClock, clockedFields, fieldTimesFromClock, sameFieldClock, valueFingerprint } from './mapping/field-clock.ts';

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

// Identity matching
export type { NormalisedPerson, PersonRecord } from './identity/person.ts';
export { normalisePerson } from './identity/person.ts';
export { FREEMAIL_DOMAINS, emailDomain, isRoleEmail, normaliseEmail } from './identity/normalise/email.ts';
export { normalisePhone } from './identity/normalise/phone.ts';
export { firstGivenName, normaliseCompanyName, normaliseName } from './identity/normalise/name.ts';
export { NICKNAME_GROUPS, areNicknameVariants, formalNames } from './identity/nicknames.ts';
export { soundex } from './identity/soundex.ts';
export type { Blocking } from './identity/blocking.ts';
export { blockingKeys, candidatePairs, contextKeys } from './identity/blocking.ts';
export type { MatchContext } from './identity/match-context.ts';
export { buildMatchContext, populationRates } from './identity/match-context.ts';
export type { PopulationRates } from './identity/match-context.ts';
export type { MatchFeature, MatchReason } from './identity/features/feature.ts';
export { specifiedMatchFeatures } from './identity/specified-match-features.ts';
export type { PairScore, ScoreOptions } from './identity/score-pair.ts';
export { scorePair } from './identity/score-pair.ts';
export type { MatchDecision, MatchThresholds } from './identity/classify.ts';
export { DEFAULT_THRESHOLDS, classify } from './identity/classify.ts';
export type { Clustering, MatchDecisions, ScoredLink } from './identity/cluster-matches.ts';
export { clusterMatches } from './identity/cluster-matches.ts';
export type { MatchRun, MatchRunOptions } from './identity/match-people.ts';
export { matchPeople } from './identity/match-people.ts';
export { jaroWinkler, levenshtein } from './text/similarity.ts';
export { typingDistance } from './identity/edit-distance.ts';
export { nearestNames, orList } from './mapping/nearest-names.ts';
export type { NearestNamesOptions } from './mapping/nearest-names.ts';

// Data quality
export type { QualityContext, QualityResult, QualityRule } from './quality/quality-rule.ts';
export { applyQualityRules, getQualityRule, specifiedQualityRules } from './quality/specified-quality-rules.ts';
export { toCountryCode } from './quality/countries.ts';

// Mapping suggestions
export type { GoldenFieldDescription, MappingSuggestion, NativeFieldDescription, SuggestOptions } from './suggest/suggest-mappings.ts';
export { bestAssignment, goldenFieldsOf, suggestMappings } from './suggest/suggest-mappings.ts';
export { newGoldenFieldOf, suggestForObject } from './suggest/object-suggestions.ts';
export type { FieldCandidate, GoldenFieldSuggestions, ObjectSuggestions } from './suggest/object-suggestions.ts';
export { canonicalName } from './suggest/canonical-name.ts';
export { SYNONYM_GROUPS } from './suggest/synonyms.ts';
