/**
 * The mappings subgraph: integration admins read and save the mapping and rule configuration through the gateway.
 * Saving validates (field and reason for every problem), dry-runs the composition, stores a new version and
 * hot-swaps the supergraph; a rejected document changes nothing and the running graph keeps the last good version.
 * The document travels as JSON text so any client can send it; the work is done by the composition root's `apply`.
 */
import { buildSubgraphSchema } from '@apollo/subgraph';
import { GraphQLError, parse } from 'graphql';
import type { GraphQLSchema } from 'graphql';

export interface MappingsDeps {
  current(): Promise<{ version: number; document: unknown }>;
  versions(): Promise<{ version: number; createdAt: Date; comment: string | null }[]>;
  /** Validates, stores and serves a document; throws an error with `code` MAPPING_INVALID (and `details.problems`). */
  apply(document: unknown, meta: { comment?: string; actor?: string }): Promise<number>;
}

export interface MappingsSubgraph {
  name: 'mappings';
  kind: 'local';
  typeDefs(): string;
  schema(): GraphQLSchema;
}

const TYPE_DEFS = `extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@shareable"])

"One stored version of the mapping and rule configuration."
type MappingVersion {
  version: Int!
  createdAt: String!
  comment: String
}

"The configuration in force: which native fields map to which golden field, with which survivorship rule."
type MappingConfiguration {
  version: Int!
  "The configuration document as JSON text."
  document: String!
}

type Query {
  mappingConfiguration: MappingConfiguration!
  "Every stored version, newest first."
  mappingVersions: [MappingVersion!]!
}

type Mutation {
  "Validates, stores as a new version and serves at once; an invalid document is rejected with each field and reason."
  saveMappingConfiguration(document: String!, comment: String): MappingVersion!
}
`;

export function createMappingsSubgraph(deps: MappingsDeps): MappingsSubgraph {
  const resolvers = {
    Query: {
      mappingConfiguration: async () => {
        const c = await deps.current();
        return { version: c.version, document: JSON.stringify(c.document, null, 2) };
      },
      mappingVersions: async () => (await deps.versions()).map((v) => ({ ...v, createdAt: v.createdAt.toISOString() })),
    },
    Mutation: {
      saveMappingConfiguration: async (_: unknown, args: { document: string; comment?: string | null }) => {
        let document: unknown;
        try {
          document = JSON.parse(args.document);
        } catch (err) {
          throw new GraphQLError(`document is not valid JSON: ${(err as Error).message}`, { extensions: { code: 'BAD_USER_INPUT', argumentName: 'document' } });
        }
        try {
          const version = await deps.apply(document, args.comment ? { comment: args.comment } : {});
          const stored = (await deps.versions()).find((v) => v.version === version);
          return { version, createdAt: (stored?.createdAt ?? new Date()).toISOString(), comment: stored?.comment ?? null };
        } catch (err) {
          const e = err as Error & { code?: string; details?: Record<string, unknown> };
          if (e.code === 'MAPPING_INVALID') throw new GraphQLError(e.message, { extensions: { code: 'MAPPING_INVALID', ...(e.details ?? {}) } });
          throw err;
        }
      },
    },
  };
  const schema = buildSubgraphSchema([{ typeDefs: parse(TYPE_DEFS), resolvers: resolvers as never }]);
  return { name: 'mappings', kind: 'local', typeDefs: () => TYPE_DEFS, schema: () => schema };
}
