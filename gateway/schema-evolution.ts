/**
 * Schema evolution: what a change of the composed graph does to its clients. The API schema (what clients can ask
 * for: the supergraph without federation machinery) before and after are compared with graphql-js's own
 * `findBreakingChanges` / `findDangerousChanges`, the same checks schema registries build on: a removed or retyped
 * golden field or type breaks clients; an added enum value or optional argument may surprise them.
 */
import { findBreakingChanges, findDangerousChanges } from 'graphql';
import type { GraphQLSchema } from 'graphql';
import type { SubgraphSource } from './subgraph-source.ts';
import { composeSources } from './supergraph.ts';

export interface SchemaChange {
  /** graphql-js's change type: FIELD_REMOVED, FIELD_CHANGED_KIND, TYPE_REMOVED… */
  type: string;
  description: string;
}

export interface SchemaChanges {
  breaking: SchemaChange[];
  dangerous: SchemaChange[];
}

/** The API schema clients see when these subgraphs are composed; MAPPING_INVALID when they do not compose. */
export function apiSchemaOf(sources: readonly SubgraphSource[]): GraphQLSchema {
  return composeSources(sources).schema.toAPISchema().toGraphQLJSSchema();
}

export function schemaChanges(before: GraphQLSchema, after: GraphQLSchema): SchemaChanges {
  return {
    breaking: findBreakingChanges(before, after).map((c) => ({ type: c.type, description: c.description })),
    dangerous: findDangerousChanges(before, after).map((c) => ({ type: c.type, description: c.description })),
  };
}
