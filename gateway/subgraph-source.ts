/**
 * The tiny contract between the gateway and the subgraphs it composes. A subgraph is either in this process (a
 * schema the gateway calls directly; the schema may change, so it is read through a getter on every request) or
 * remote (an HTTP url). The composition root (cli/) builds these; the gateway never imports a CRM subgraph.
 */
import type { GraphQLSchema } from 'graphql';

export type SubgraphSource =
  | { name: string; kind: 'local'; typeDefs(): string; schema(): GraphQLSchema }
  | { name: string; kind: 'remote'; typeDefs(): string; url: string };
