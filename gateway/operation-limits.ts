/**
 * Limits on the shape of an operation, enforced before anything is planned or sent to a CRM (graphql-armor's
 * validation rules on Apollo Server): a public Customer API must not let one request ask for a thousand aliases of
 * a customer page, nest relationships without end, or send a megabyte of tokens — each of which costs CRM calls and
 * gateway CPU for everybody. A refused operation is a GRAPHQL_VALIDATION_FAILED error (GRAPHQL_PARSE_FAILED for the
 * token limit; HTTP 400 either way) that says which limit and by how much. Field suggestions ("Did you mean …?") stay on: analysts explore in the playground.
 */
import { ApolloArmor } from '@escape.tech/graphql-armor';
import type { ValidationRule } from 'graphql';

export interface OperationLimits {
  /** Deepest selection nesting (the golden page query with provenance candidates is 7). */
  maxDepth: number;
  /** Aliased fields per operation. */
  maxAliases: number;
  /** graphql-armor's structural cost (objects 2, scalars 1, ×1.5 per level). */
  maxCost: number;
  /** Lexical tokens per document. */
  maxTokens: number;
}

export const DEFAULT_OPERATION_LIMITS: OperationLimits = { maxDepth: 12, maxAliases: 30, maxCost: 50_000, maxTokens: 5_000 };

/**
 * What to give Apollo Server: armor's validation rules (depth, aliases, cost, directives), and graphql-js's own token
 * limit for the parser (armor's token plugin throws from requestDidStart, which Apollo Server answers with a 500).
 */
export function operationLimits(limits: OperationLimits = DEFAULT_OPERATION_LIMITS): { validationRules: ValidationRule[]; parseOptions: { maxTokens: number } } {
  const { validationRules } = new ApolloArmor({
    maxDepth: { n: limits.maxDepth, ignoreIntrospection: true },
    maxAliases: { n: limits.maxAliases },
    costLimit: { maxCost: limits.maxCost, ignoreIntrospection: true },
    maxTokens: { enabled: false },
    maxDirectives: { n: 50 },
    blockFieldSuggestion: { enabled: false },
  }).protect();
  return { validationRules, parseOptions: { maxTokens: limits.maxTokens } };
}
