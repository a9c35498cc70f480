/**
 * Checks of a type's relations (schema.ts `relations`): the target is a golden type of the configuration, each
 * reference comes from a native object of this type and points to a native object of the target type in the same
 * CRM, one reference per native object, names free, rules known. Errors name the path, as for fields.
 */
import type { SurvivorshipFunctionRegistry } from '../survivorship/function-registry.ts';
import type { GoldenTypeConfig, MappingConfig } from './schema.ts';
import { RESERVED_GOLDEN_FIELDS, checkPriority, checkRule } from './validate-rule.ts';
import type { ConfigError } from './validate-rule.ts';

export function checkRelations(config: MappingConfig, typeName: string, type: GoldenTypeConfig, functions: SurvivorshipFunctionRegistry, errors: ConfigError[]): void {
  for (const [name, relation] of Object.entries(type.relations)) {
    const path = `types.${typeName}.relations.${name}`;
    if (RESERVED_GOLDEN_FIELDS.includes(name) || name in type.fields) {
      errors.push({ path, message: `'${name}' is taken by ${name in type.fields ? `the field ${typeName}.${name}` : 'every golden type'}; choose another name` });
      continue;
    }
    const target = config.types[relation.target];
    if (!target) {
      errors.push({ path: `${path}.target`, message: `unknown golden type '${relation.target}'; known: ${Object.keys(config.types).join(', ')}` });
      continue;
    }
    if (relation.inverse) {
      const inverse = relation.inverse;
      // Two relations giving the target one list name: the first (by type.relation) keeps it.
      const self = `${typeName}.${name}`;
      const earlier = Object.entries(config.types).flatMap(([t, other]) => Object.entries(other.relations).map(([n, r]) => ({ id: `${t}.${n}`, r })))
        .some(({ id, r }) => id < self && r.target === relation.target && r.inverse === inverse);
      const clash = RESERVED_GOLDEN_FIELDS.includes(inverse) || inverse in target.fields || inverse in target.relations || earlier;
      if (clash) errors.push({ path: `${path}.inverse`, message: `'${inverse}' is taken on ${relation.target} (a field, a relation or another inverse list); choose another name` });
    }
    if (relation.rule) {
      checkRule(relation.rule, `${path}.rule`, functions, errors);
      checkPriority(relation.rule.sourcePriority, `${path}.rule.sourcePriority`, errors);
    }
    const seen = new Set<string>();
    relation.mappings.forEach((m, index) => {
      const at = `${path}.mappings[${index}]`;
      const objectKey = `${m.crm}/${m.objectType}`;
      if (!type.objects.some((o) => o.crm === m.crm && o.objectType === m.objectType)) errors.push({ path: at, message: `${objectKey} is not declared in types.${typeName}.objects` });
      if (seen.has(objectKey)) errors.push({ path: at, message: `a second reference from ${objectKey}; a relation takes one reference per native object` });
      seen.add(objectKey);
      if (!target.objects.some((o) => o.crm === m.crm && o.objectType === m.targetObjectType)) {
        errors.push({ path: `${at}.targetObjectType`, message: `${m.crm}/${m.targetObjectType} is not declared in types.${relation.target}.objects, so its records have no golden ${relation.target}` });
      }
    });
  }
}
