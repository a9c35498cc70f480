/**
 * Parse and validation caches for graphql-ws. Clients subscribe with the same document and different variables
 * (`customerChanged(ids: $ids)`), so 1,000 subscribers usually send a handful of distinct documents: parse each
 * once (graphql-js documents are immutable and safe to share) and validate each once per schema.
 */
import type { DocumentNode, GraphQLError, GraphQLSchema, ValidationRule } from 'graphql';
import { LRUCache } from 'lru-cache';
import { graphqlRuntime } from './graphql-runtime.ts';

/** The HTTP endpoint's operation limits, so a subscription too deep or too long is refused when it starts. */
export interface DocumentLimits {
  validationRules: readonly ValidationRule[];
  parseOptions: { maxTokens: number };
}

const withCode = (error: GraphQLError): GraphQLError => {
  if (error.extensions.code !== undefined) return error;
  return new graphqlRuntime.GraphQLError(error.message, {
    nodes: error.nodes, source: error.source, positions: error.positions, path: error.path, originalError: error.originalError,
    extensions: { ...error.extensions, code: 'GRAPHQL_VALIDATION_FAILED' },
  });
};

export function createDocumentCache(maxDocuments = 1000, limits?: DocumentLimits) {
  const rules = limits ? [...graphqlRuntime.specifiedRules, ...limits.validationRules] : undefined;
  const parsed = new LRUCache<string, DocumentNode>({ max: maxDocuments });
  // Keyed by schema object first, so a hot-swapped schema validates again and the old entries are collected.
  const validated = new WeakMap<GraphQLSchema, WeakMap<DocumentNode, readonly GraphQLError[]>>();
  return {
    parse(query: string): DocumentNode {
      let document = parsed.get(query);
      if (!document) {
        document = graphqlRuntime.parse(query, limits?.parseOptions);
        parsed.set(query, document);
      }
      return document;
    },
    validate(schema: GraphQLSchema, document: DocumentNode): readonly GraphQLError[] {
      let bySchema = validated.get(schema);
      if (!bySchema) validated.set(schema, (bySchema = new WeakMap()));
      let errors = bySchema.get(document);
      if (!errors) {
        // Stamped like the HTTP endpoint's (Apollo's GRAPHQL_VALIDATION_FAILED), so a client handles both alike.
        errors = graphqlRuntime.validate(schema, document, rules).map(withCode);
        bySchema.set(document, errors);
      }
      return errors;
    },
  };
}
