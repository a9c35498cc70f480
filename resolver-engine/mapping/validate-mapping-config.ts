/**
 * Validates a mapping configuration as it is saved (and at start): structure by zod, then meaning — names
 * of converters, strategies and custom functions, converter options, type compatibility and the bijections
 * write-back depends on. Every error names the path of the offending part and the reason, so a user can
 * fix it; the caller keeps running on the last good configuration.
 */
import type { z } from 'zod';
import { defaultSurvivorshipFunctions } from '../survivorship/function-registry.ts';
import type { SurvivorshipFunctionRegistry } from '../survivorship/function-registry.ts';
import { getQualityRule, specifiedQualityRules } from '../quality/specified-quality-rules.ts';
import { invertPicklist } from './converters/picklist.ts';
import type { PicklistOptions } from './converters/picklist.ts';
import { isRelationshipPath } from './native-path.ts';
import type { GoldenFieldConfig, GoldenTypeConfig, MappingConfig } from './schema.ts';
import { mappingConfigSchema } from './schema.ts';
import { getConverter, specifiedConverters } from './specified-converters.ts';
import { RESERVED_GOLDEN_FIELDS, checkPriority, checkRule } from './validate-rule.ts';
import type { ConfigError } from './validate-rule.ts';
import { checkRelations } from './validate-relations.ts';

export type { ConfigError } from './validate-rule.ts';

export type ValidationResult = { ok: true; config: MappingConfig } | { ok: false; errors: ConfigError[] };

export interface ValidateOptions {
  functions?: SurvivorshipFunctionRegistry;
}

function formatPath(path: ReadonlyArray<PropertyKey>): string {
  return path.reduce<string>((acc, key) => (typeof key === 'number' ? `${acc}[${key}]` : acc ? `${acc}.${String(key)}` : String(key)), '');
}

function zodErrors(error: z.ZodError, prefix: string): ConfigError[] {
  return error.issues.map((issue) => ({
    path: [prefix, formatPath(issue.path)].filter(Boolean).join('.') || '(root)',
    message: issue.message,
  }));
}

/** Golden values a picklist mapping can produce, so other CRMs' write-back can be checked against them. */
function picklistImage(options: PicklistOptions): Set<string> {
  return new Set(Object.values(options.values));
}

function checkField(config: MappingConfig, typeName: string, fieldName: string, field: GoldenFieldConfig, functions: SurvivorshipFunctionRegistry, errors: ConfigError[]): void {
  const type = config.types[typeName]!;
  const fieldPath = `types.${typeName}.fields.${fieldName}`;
  if (field.rule) checkRule(field.rule, `${fieldPath}.rule`, functions, errors);
  if (field.rule) checkPriority(field.rule.sourcePriority, `${fieldPath}.rule.sourcePriority`, errors);
  // The rule in force (the field's, else its type's, else the configuration's default) must fit the field's type.
  const rule = field.rule ?? type.defaultRule ?? config.defaultRule;
  const fits = rule.strategy === 'custom' && rule.function ? functions.get(rule.function)?.valueTypes : undefined;
  if (fits && !fits.includes(field.type)) {
    const where = field.rule ? `${fieldPath}.rule.function` : type.defaultRule ? `types.${typeName}.defaultRule.function` : 'defaultRule.function';
    errors.push({ path: where, message: `custom function '${rule.function}' decides ${fits.join(' or ')} fields, and ${typeName}.${fieldName} is ${field.type}: give this field another rule` });
  }
  field.quality.forEach((name, index) => {
    if (!getQualityRule(name)) errors.push({ path: `${fieldPath}.quality[${index}]`, message: `unknown quality rule '${name}'; known: ${Object.keys(specifiedQualityRules).join(', ')}` });
  });
  const seenObjects = new Set<string>();
  field.mappings.forEach((mapping, index) => {
    const path = `${fieldPath}.mappings[${index}]`;
    const objectKey = `${mapping.crm}/${mapping.objectType}`;
    if (!type.objects.some((o) => o.crm === mapping.crm && o.objectType === mapping.objectType)) {
      errors.push({ path, message: `${objectKey} is not declared in types.${typeName}.objects` });
    }
    if (seenObjects.has(objectKey)) errors.push({ path, message: `a second mapping from ${objectKey}; a field takes one mapping per native object (use concat to combine fields)` });
    seenObjects.add(objectKey);

    const converter = getConverter(mapping.converter.name);
    if (!converter) {
      errors.push({ path: `${path}.converter.name`, message: `unknown converter '${mapping.converter.name}'; known: ${Object.keys(specifiedConverters).join(', ')}` });
      return;
    }
    const parsed = converter.optionsSchema.safeParse(mapping.converter.options);
    if (!parsed.success) {
      errors.push(...zodErrors(parsed.error, `${path}.converter.options`));
      return;
    }
    // Keep the parsed options (defaults filled in) so converters never see unvalidated input.
    mapping.converter.options = parsed.data as Record<string, unknown>;
    if (!converter.produces.includes(field.type)) {
      errors.push({ path: `${path}.converter.name`, message: `converter '${converter.name}' produces ${converter.produces.join('/')}, but ${typeName}.${fieldName} is ${field.type}` });
    }
    if (converter.arity === 'one' && mapping.from.length > 1) {
      errors.push({ path: `${path}.from`, message: `converter '${converter.name}' reads one native field, got ${mapping.from.length}` });
    }
    if (mapping.writable) {
      const relationship = mapping.from.find(isRelationshipPath);
      if (relationship) errors.push({ path: `${path}.writable`, message: `${relationship} goes through a relationship and cannot be written back; set writable: false` });
      if (!converter.fromGolden) errors.push({ path: `${path}.writable`, message: `converter '${converter.name}' cannot be reversed; set writable: false` });
    }
    for (const problem of converter.check?.(parsed.data, {
      goldenType: field.type, crm: mapping.crm, objectType: mapping.objectType, nativeFields: mapping.from, defaultRegion: config.defaultRegion, writable: mapping.writable,
    }) ?? []) {
      errors.push({ path: `${path}.${problem.path}`, message: problem.message });
    }
  });
  checkPicklistCoverage(fieldPath, field, errors);
}

/**
 * A golden value read from one CRM's picklist must be writable to every other CRM whose mapping is writable,
 * or convergence would try to push a value the target picklist does not have.
 */
function checkPicklistCoverage(fieldPath: string, field: GoldenFieldConfig, errors: ConfigError[]): void {
  const picklists = field.mappings
    .map((mapping, index) => ({ mapping, index }))
    .filter(({ mapping }) => mapping.converter.name === 'picklist' && typeof mapping.converter.options.values === 'object');
  for (const target of picklists) {
    const options = target.mapping.converter.options as PicklistOptions;
    if (!target.mapping.writable || options.unmapped === 'passthrough') continue;
    const writable = new Set([...invertPicklist(options.values).keys(), ...Object.keys(options.reverse ?? {})]);
    for (const other of picklists) {
      if (other === target) continue;
      const missing = [...picklistImage(other.mapping.converter.options as PicklistOptions)].filter((g) => !writable.has(g));
      if (missing.length > 0) {
        errors.push({
          path: `${fieldPath}.mappings[${target.index}].converter.options.reverse`,
          message: `golden value(s) ${missing.map((g) => `'${g}'`).join(', ')} from ${other.mapping.crm} cannot be written back to ${target.mapping.crm}; add them to reverse (or set writable: false)`,
        });
      }
    }
  }
}

function checkWriteTargets(typeName: string, type: GoldenTypeConfig, errors: ConfigError[]): void {
  const writers = new Map<string, string>();
  for (const [fieldName, field] of Object.entries(type.fields)) {
    field.mappings.forEach((mapping, index) => {
      if (!mapping.writable) return;
      for (const native of mapping.from) {
        const key = `${mapping.crm}/${mapping.objectType}.${native}`;
        const previous = writers.get(key);
        if (previous) errors.push({ path: `types.${typeName}.fields.${fieldName}.mappings[${index}]`, message: `${key} is already written back by ${previous}; only one golden field may write a native field` });
        else writers.set(key, `${typeName}.${fieldName}`);
      }
    });
  }
}

export { RESERVED_GOLDEN_FIELDS } from './validate-rule.ts';

export function validateMappingConfig(raw: unknown, options: ValidateOptions = {}): ValidationResult {
  const functions = options.functions ?? defaultSurvivorshipFunctions;
  // structuredClone: validation fills defaults in place and must never touch the caller's object.
  const parsed = mappingConfigSchema.safeParse(typeof raw === 'object' && raw !== null ? structuredClone(raw) : raw);
  if (!parsed.success) return { ok: false, errors: zodErrors(parsed.error, '') };
  const config = parsed.data;
  const errors: ConfigError[] = [];
  checkRule(config.defaultRule, 'defaultRule', functions, errors);
  checkPriority(config.sourcePriority, 'sourcePriority', errors);
  for (const [typeName, type] of Object.entries(config.types)) {
    const seen = new Set<string>();
    type.objects.forEach((object, index) => {
      const key = `${object.crm}/${object.objectType}`;
      if (seen.has(key)) errors.push({ path: `types.${typeName}.objects[${index}]`, message: `${key} is declared twice` });
      seen.add(key);
    });
    if (type.defaultRule) checkRule(type.defaultRule, `types.${typeName}.defaultRule`, functions, errors);
    checkPriority(type.sourcePriority, `types.${typeName}.sourcePriority`, errors);
    // A misspelt country field would silently read every national phone number in the default region.
    if (type.countryField !== undefined && type.fields[type.countryField]?.type !== 'String') {
      errors.push({ path: `types.${typeName}.countryField`, message: `'${type.countryField}' is not a String field of ${typeName}; name the field that holds the record's country` });
    }
    for (const [fieldName, field] of Object.entries(type.fields)) {
      if (RESERVED_GOLDEN_FIELDS.includes(fieldName)) {
        errors.push({ path: `types.${typeName}.fields.${fieldName}`, message: `'${fieldName}' is taken: every golden type has it (${RESERVED_GOLDEN_FIELDS.join(', ')}); choose another name` });
        continue;
      }
      checkField(config, typeName, fieldName, field, functions, errors);
    }
    checkWriteTargets(typeName, type, errors);
    checkRelations(config, typeName, type, functions, errors);
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, config };
}

/** For shipped configurations and tests: returns the config or throws with every error listed. */
export function parseMappingConfig(raw: unknown, options: ValidateOptions = {}): MappingConfig {
  const result = validateMappingConfig(raw, options);
  if (result.ok) return result.config;
  throw new Error(`invalid mapping configuration:\n${result.errors.map((e) => `  ${e.path}: ${e.message}`).join('\n')}`);
}
