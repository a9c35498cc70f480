/**
 * The contract of a survivorship strategy: given the candidates for one golden field, pick the value.
 * One strategy per file under strategies/, gathered in specified-strategies.ts.
 */
import type { Candidate } from '../model.ts';
import type { RuleConfig } from '../mapping/schema.ts';
import type { SurvivorshipFunctionRegistry } from './function-registry.ts';

export interface StrategyContext {
  field: string;
  rule: RuleConfig;
  /** CRM ids, most trusted first. Sources not listed rank after every listed one. */
  sourcePriority: readonly string[];
  clockSkewToleranceMs: number;
  /** The comparison key of a value (case, whitespace, phone formatting removed) for agreement checks. */
  compareKey: (value: unknown) => string;
  functions: SurvivorshipFunctionRegistry;
}

export interface StrategyDecision {
  value: unknown;
  /** The candidate that supplied the value; null when a function computed a value no single source holds. */
  winner: Candidate | null;
  detail: string;
}

export interface RuleProblem {
  key: keyof RuleConfig;
  message: string;
}

export interface SurvivorshipStrategy {
  name: string;
  /** The rule in plain words, for people choosing one (listed by the gateway's `survivorshipStrategies`). */
  description: string;
  /**
   * True when the order of the sources (`sourcePriority`) is what picks the winner, so whoever chooses this strategy
   * chooses an order too. The other strategies use that order at most to break ties. Descriptive only: `decide` reads
   * `ctx.sourcePriority` either way.
   */
  sourcePriorityDecides?: boolean;
  /**
   * `candidates` are available, in deterministic order, never empty, and hold no empty values unless the
   * field keeps empties. Must be pure and deterministic: same candidates, same decision.
   */
  decide(candidates: readonly Candidate[], ctx: StrategyContext): StrategyDecision;
  /** Problems with a rule naming this strategy (e.g. a custom rule without a function), by rule key. */
  check?(rule: RuleConfig, functions: SurvivorshipFunctionRegistry): RuleProblem[];
}
