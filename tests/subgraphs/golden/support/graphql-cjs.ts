/**
 * The `graphql` instance the federation libraries use. Vite resolves `import 'graphql'` to graphql's ESM build
 * while @apollo/subgraph and @apollo/gateway, loaded by Node, get the CommonJS build; a schema built by one fails
 * graphql's realm check in the other. Node (tsx, the product at run time) resolves both to CommonJS, so tests
 * execute with that one too.
 */
import { createRequire } from 'node:module';
import type * as GraphQL from 'graphql';

export const graphqlCjs = createRequire(import.meta.url)('graphql') as typeof GraphQL;
