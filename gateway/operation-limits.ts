/**
 * Limits on the shape of an operation, enforced before anything is planned or sent to a CRM (validation rules on
 * Apollo Server: graphql-armor's depth, alias and directive rules, and our list-aware cost, gateway/list-cost.ts): a
 * public Customer API must not let one request ask for thirty aliases of a 500-customer page, nest relationships
 * without end, or send a megabyte of tokens — each of which costs CRM calls and gateway CPU for everybody. A refused operation is a GRAPHQL_VALIDATION_FAILED error (GRAPHQL_PARSE_FAILED for the
 * token limit; HTTP 400 either way) that says which limit and by how much. Field suggestions ("Did you mean …?") stay on: analysts explore in the playground.
 */
import { ApolloArmor } from '@escape.tech/graphql-armor';
import type { ValidationRule } from 'graphql';
import { listCostRule } from './list-cost.ts';

export interface OperationLimits {
  /** Deepest selection nesting (the golden page query with provenance candidates is 7). */
  maxDepth: number;
  /** Aliased fields per operation. */
  maxAliases: number;
  /**
   * Largest cost (gateway/list-cost.ts): each field 1, a paged list's selection once per item its `first` may return.
   * 50,000 passes the heaviest single pages (500 customers with provenance candidates, conflicts and linked CRM
   * records ≈25,000; 1,000 native records with all their fields ≈37,000; the product's own queries at most 14,002,
   * the review queue's page when `first` is a variable) and refuses eight aliases of a 500-customer page with the
   * usual fields (≈6,500 each), let alone thirty (≈195,000).
   */
  maxCost: number;
  /** Lexical tokens per document. */
  maxTokens: number;
}

export const DEFAULT_OPERATION_LIMITS: OperationLimits = { maxDepth: 12, maxAliases: 30, maxCost: 50_000, maxTokens: 5_000 };

/**
 * What to give Apollo Server: armor's validation rules (depth, aliases, directives), the list-aware cost rule, and graphql-js's own token
 * limit for the parser (armor's token plugin throws from requestDidStart, which Apollo Server answers with a 500).
 */
export function operationLimits(limits: OperationLimits = DEFAULT_OPERATION_LIMITS): { validationRules: ValidationRule[]; parseOptions: { maxTokens: number } } {
  const { validationRules } = new ApolloArmor({
    maxDepth: { n: limits.maxDepth, ignoreIntrospection: true },
    maxAliases: { n: limits.maxAliases },
    // Armor's cost multiplies a literal `first` only (not a variable or the default): replaced by listCostRule below.
    costLimit: { enabled: false },
    maxTokens: { enabled: false },
    maxDirectives: { n: 50 },
    blockFieldSuggestion: { enabled: false },
  }).protect();
  return { validationRules: [...validationRules, listCostRule(limits.maxCost)], parseOptions: { maxTokens: limits.maxTokens } };
}
