/**
 * The survivorship strategies a rule may name, gathered in one table (the model is graphql-js
 * `specifiedRules`). "Per-field policy" is not a strategy of its own: it is the configuration assigning one
 * of these per golden field, with a type-level and a configuration-level default (see effective-rule.ts).
 */
import type { SurvivorshipStrategy } from './strategy.ts';
import { customFunction } from './strategies/custom-function.ts';
import { lastWriteWins } from './strategies/last-write-wins.ts';
import { mostComplete } from './strategies/most-complete.ts';
import { mostFrequent } from './strategies/most-frequent.ts';
import { sourcePriority } from './strategies/source-priority.ts';

export const specifiedStrategies: Readonly<Record<string, SurvivorshipStrategy>> = Object.freeze({
  [lastWriteWins.name]: lastWriteWins,
  [sourcePriority.name]: sourcePriority,
  [mostComplete.name]: mostComplete,
  [mostFrequent.name]: mostFrequent,
  [customFunction.name]: customFunction,
});

export function getStrategy(name: string): SurvivorshipStrategy | undefined {
  return Object.hasOwn(specifiedStrategies, name) ? specifiedStrategies[name] : undefined;
}
