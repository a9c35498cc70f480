/**
 * GraphQL Code Generator: typed resolvers from each static subgraph SDL. Generated files are committed and CI
 * checks they are fresh (`npm run codegen:check`); run `npm run codegen` after changing a schema.graphql.
 * The golden and CRM subgraphs build their SDL at run time (from mappings and CRM metadata), so they type their
 * resolvers against resolver-engine's model instead.
 */
import type { CodegenConfig } from '@graphql-codegen/cli';

const config: CodegenConfig = {
  overwrite: true,
  generates: {
    'subgraphs/identity/resolvers-types.generated.ts': {
      schema: ['subgraphs/identity/schema.graphql', 'subgraphs/federation-directives.graphql'],
      plugins: ['typescript', 'typescript-resolvers'],
      config: { federation: true, useIndexSignature: true, useTypeImports: true, enumsAsTypes: true, contextType: 'unknown', defaultMapper: 'Partial<{T}>' },
    },
  },
};

export default config;
