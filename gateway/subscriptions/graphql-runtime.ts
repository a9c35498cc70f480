/**
 * The graphql-js instance that Apollo Server, Apollo Gateway and graphql-ws use, for every call that checks
 * `instanceof` on schemas (extendSchema, subscribe). graphql 16 ships a CommonJS build (`main`) and an ESM build
 * (`module`) without an exports map: Node gives everyone the CommonJS one, but bundler-style resolvers (Vite, so
 * Vitest) hand our own files the ESM one, and a schema from one instance is rejected by the other ("Cannot use
 * GraphQLSchema from another module or realm"). Loading it with require pins the libraries' instance everywhere.
 */
import { createRequire } from 'node:module';
import type * as GraphQL from 'graphql';

export const graphqlRuntime = createRequire(import.meta.url)('graphql') as typeof GraphQL;
