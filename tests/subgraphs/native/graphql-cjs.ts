/**
 * The `graphql` instance the federation libraries use. Vite resolves `import 'graphql'` to graphql's ESM build
 * (`index.mjs`, its "module" field) while @apollo/subgraph, @apollo/server and @apollo/gateway, loaded by Node,
 * get the CommonJS build; a schema from one fails graphql's realm check in the other. Node itself (tsx, the
 * product at run time) resolves both to the CommonJS build, so tests use that one too.
 */
import { createRequire } from 'node:module';
import type * as GraphQL from 'graphql';

export const graphqlCjs = createRequire(import.meta.url)('graphql') as typeof GraphQL;
