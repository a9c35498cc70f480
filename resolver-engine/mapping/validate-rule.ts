/** Checks of survivorship rules, source priorities and reserved names, shared by field and relation validation. */
import type { SurvivorshipFunctionRegistry } from '../survivorship/function-registry.ts';
import { getStrategy, specifiedStrategies } from '../survivorship/specified-strategies.ts';
import type { RuleConfig } from './schema.ts';

export interface ConfigError {
  /** Dotted path into the configuration, e.g. `types.Deal.fields.stage.mappings[1].converter.options.values`. */
  path: string;
  message: string;
}

/**
 * Fields every golden type already has in the graph (identity's id, sources and field clocks; golden's provenance
 * and conflicts): a golden field or relation of that name would clash with them, and the graph would not compose.
 */
export const RESERVED_GOLDEN_FIELDS: readonly string[] = ['id', 'sources', 'sourceFieldClocks', 'provenance', 'conflicts'];

export function checkRule(rule: RuleConfig, path: string, functions: SurvivorshipFunctionRegistry, errors: ConfigError[]): void {
  const strategy = getStrategy(rule.strategy);
  if (!strategy) {
    errors.push({ path: `${path}.strategy`, message: `unknown strategy '${rule.strategy}'; known: ${Object.keys(specifiedStrategies).join(', ')}` });
    return;
  }
  if (rule.function !== undefined && rule.strategy !== 'custom') {
    errors.push({ path: `${path}.function`, message: `'function' only applies to strategy 'custom', not '${rule.strategy}'` });
  }
  for (const problem of strategy.check?.(rule, functions) ?? []) errors.push({ path: `${path}.${problem.key}`, message: problem.message });
}

export function checkPriority(priority: readonly string[] | undefined, path: string, errors: ConfigError[]): void {
  const seen = new Set<string>();
  for (const crm of priority ?? []) {
    if (seen.has(crm)) errors.push({ path, message: `'${crm}' is listed twice` });
    seen.add(crm);
  }
}
