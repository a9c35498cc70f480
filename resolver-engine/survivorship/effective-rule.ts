/**
 * Per-field policy: the rule for a golden field is its own rule, else its type's default, else the
 * configuration's default; source priority and clock-skew tolerance cascade the same way.
 */
import type { GoldenFieldConfig, GoldenTypeConfig, MappingConfig, RuleConfig } from '../mapping/schema.ts';

export interface EffectiveRule {
  rule: RuleConfig;
  /** What provenance reports: the strategy name, or 'custom:<function>'. */
  label: string;
  sourcePriority: readonly string[];
  clockSkewToleranceMs: number;
}

export function effectiveRule(config: MappingConfig, type: GoldenTypeConfig, field: GoldenFieldConfig): EffectiveRule {
  const rule = field.rule ?? type.defaultRule ?? config.defaultRule;
  return {
    rule,
    label: rule.strategy === 'custom' ? `custom:${rule.function ?? '?'}` : rule.strategy,
    sourcePriority: rule.sourcePriority ?? type.sourcePriority ?? config.sourcePriority,
    clockSkewToleranceMs: rule.clockSkewToleranceMs ?? config.clockSkewToleranceMs,
  };
}
