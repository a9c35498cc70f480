/**
 * The mappings subgraph: integration admins read and save the mapping and rule configuration through the gateway.
 * Saving validates (field and reason for every problem), dry-runs the composition, stores a new version and
 * hot-swaps the supergraph; a rejected document changes nothing and the running graph keeps the last good version.
 * The document travels as JSON text so any client can send it; the work is done by the composition root's `apply`.
 * It also lists what a rule may name (the survivorship strategies and the registered custom functions), so an
 * editor offers exactly what this gateway accepts. Every root field here is token-guarded (gateway/admin-access.ts).
 */
import { buildSubgraphSchema } from '@apollo/subgraph';
import { GraphQLError, parse } from 'graphql';
import type { GraphQLSchema } from 'graphql';
import { specifiedStrategies } from '../../resolver-engine/index.ts';

export interface SaveMeta {
  comment?: string;
  actor?: string;
  /** Refuse (CONFLICT) unless this is the version in force. */
  expectedVersion?: number;
  /** Store and serve even when clients would lose a field or type they can ask for (else BREAKING_CHANGE). */
  allowBreakingChanges?: boolean;
}

export interface MappingsDeps {
  current(): Promise<{ version: number; document: unknown }>;
  versions(): Promise<{ version: number; createdAt: Date; comment: string | null; actor: string | null }[]>;
  /** The stored document of one version (as saved), undefined when no such version is stored. */
  document?(version: number): Promise<unknown>;
  /**
   * Validates, stores and serves a document; throws an error with `code` MAPPING_INVALID (and `details.problems`),
   * or CONFLICT when `expectedVersion` is not the version in force (storing nothing either way).
   */
  apply(document: unknown, meta: SaveMeta): Promise<number>;
  /** Names of the custom survivorship functions registered in the registry the gateway resolves and validates with. */
  customFunctions(): string[];
  /** How much clients asked for each field of the API in the last `days` days (db/field-usage-store.ts). */
  fieldUsage?(opts: { days: number; type?: string }): Promise<{ coordinate: string; requests: number; lastSeenAt: Date; clients: string[] }[]>;
}

/** Longest actor kept: a name or an email address, not a document. */
export const MAX_ACTOR_LENGTH = 200;

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
  "Who saved it, as the saver declared it (free text, not checked against any identity: the API knows tokens, not people). 'system' for the shipped default."
  actor: String
  "The configuration document of this version as JSON text, e.g. to restore it by saving it again (a new version)."
  document: String
}

"A survivorship strategy a rule may name in its 'strategy'."
type SurvivorshipStrategy {
  "The value for a rule's 'strategy', e.g. 'source-priority'."
  name: String!
  "What the strategy does, in plain words."
  description: String!
  "True when the order of the sources (sourcePriority) picks the winner; the other strategies use it at most to break ties."
  usesSourcePriority: Boolean!
}

"The configuration in force: which native fields map to which golden field, with which survivorship rule."
type MappingConfiguration {
  version: Int!
  "The configuration document as JSON text."
  document: String!
}

"How much clients asked for one field of the API."
type FieldUsage {
  "Schema coordinate: Customer.email, Query.customers."
  coordinate: String!
  "Requests that selected it in the window (queries, mutations, subscription payloads); a Float, as counts outgrow Int."
  requests: Float!
  lastSeenAt: String!
  "Client names (the apollographql-client-name header; 'unknown' without one), most requests first."
  clients: [String!]!
}

type Query {
  mappingConfiguration: MappingConfiguration!
  "Which fields of the API clients asked for in the last days (1–400, default 30), for one type or all; fields nobody asked for are absent. Counts reach the database every CUSTOMER_GRAPH_FIELD_USAGE_FLUSH_MS."
  fieldUsage(type: String, days: Int = 30): [FieldUsage!]!
  "Every stored version, newest first."
  mappingVersions: [MappingVersion!]!
  "One stored version (null when there is none with that number)."
  mappingVersion(version: Int!): MappingVersion
  "The survivorship strategies this gateway knows ('custom' needs a 'function', one of customFunctions)."
  survivorshipStrategies: [SurvivorshipStrategy!]!
  "Names of the custom survivorship functions registered in this gateway, for rules with strategy 'custom'."
  customFunctions: [String!]!
}

type Mutation {
  """
  Validates, stores as a new version and serves at once; an invalid document is rejected with each field and reason
  (MAPPING_INVALID, extensions.problems). A mapping naming a CRM field that CRM does not have (checked against its
  metadata, read again at save time) is refused the same way, storing nothing, with extensions.unknownFields naming
  each field, its CRM object and didYouMean (the nearest existing names); a CRM that cannot be read at save time or
  whose connector is disabled is not checked (the save is accepted, a warning is logged, and mappingProblems reports
  the field until the CRM serves it). A CRM object the CRM does not have (its list of objects, read at save time) is
  refused first, the same way, with extensions.unknownObjects (object, CRM, golden type and fields, didYouMean). A document identical in effect to the version in force stores nothing and
  returns that version (no new version, no recomposition). With expectedVersion (the version the document was edited from), the save is refused with
  CONFLICT, storing nothing, when another version has been put in force since. actor is stored as given
  (self-declared; trimmed, at most 200 characters). A document that removes or retypes a golden field or type
  clients can ask for is refused with BREAKING_CHANGE (extensions.changes lists each), storing nothing, unless
  allowBreakingChanges is true; deprecate a field first ("deprecated": "reason") so clients can move off it.
  """
  saveMappingConfiguration(document: String!, comment: String, expectedVersion: Int, actor: String, allowBreakingChanges: Boolean = false): MappingVersion!
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
      mappingVersion: async (_: unknown, args: { version: number }) => {
        const v = (await deps.versions()).find((x) => x.version === args.version);
        return v ? { ...v, createdAt: v.createdAt.toISOString() } : null;
      },
      survivorshipStrategies: () => Object.values(specifiedStrategies).map((s) => ({
        name: s.name, description: s.description, usesSourcePriority: s.sourcePriorityDecides === true,
      })),
      customFunctions: () => deps.customFunctions(),
      fieldUsage: async (_: unknown, args: { type?: string | null; days?: number | null }) => {
        const days = args.days ?? 30;
        if (!Number.isInteger(days) || days < 1 || days > 400) throw new GraphQLError('days must be 1 to 400.', { extensions: { code: 'BAD_USER_INPUT', argumentName: 'days' } });
        const rows = deps.fieldUsage ? await deps.fieldUsage({ days, ...(args.type ? { type: args.type } : {}) }) : [];
        return rows.map((r) => ({ ...r, lastSeenAt: r.lastSeenAt.toISOString() }));
      },
    },
    MappingVersion: {
      document: async (v: { version: number }) => {
        const document = await deps.document?.(v.version);
        return document === undefined ? null : JSON.stringify(document, null, 2);
      },
    },
    Mutation: {
      saveMappingConfiguration: async (_: unknown, args: { document: string; comment?: string | null; expectedVersion?: number | null; actor?: string | null; allowBreakingChanges?: boolean | null }) => {
        let document: unknown;
        try {
          document = JSON.parse(args.document);
        } catch (err) {
          throw new GraphQLError(`document is not valid JSON: ${(err as Error).message}`, { extensions: { code: 'BAD_USER_INPUT', argumentName: 'document' } });
        }
        const actor = actorOf(args.actor);
        const meta: SaveMeta = {
          ...(args.comment ? { comment: args.comment } : {}),
          ...(actor ? { actor } : {}),
          ...(typeof args.expectedVersion === 'number' ? { expectedVersion: args.expectedVersion } : {}),
          ...(args.allowBreakingChanges ? { allowBreakingChanges: true } : {}),
        };
        try {
          const version = await deps.apply(document, meta);
          const stored = (await deps.versions()).find((v) => v.version === version);
          return { version, createdAt: (stored?.createdAt ?? new Date()).toISOString(), comment: stored?.comment ?? null, actor: stored?.actor ?? null };
        } catch (err) {
          const e = err as Error & { code?: string; details?: Record<string, unknown> };
          if (e.code === 'MAPPING_INVALID' || e.code === 'CONFLICT' || e.code === 'BREAKING_CHANGE') throw new GraphQLError(e.message, { extensions: { code: e.code, ...(e.details ?? {}) } });
          throw err;
        }
      },
    },
  };
  const schema = buildSubgraphSchema([{ typeDefs: parse(TYPE_DEFS), resolvers: resolvers as never }]);
  return { name: 'mappings', kind: 'local', typeDefs: () => TYPE_DEFS, schema: () => schema };
}

/**
 * The actor as stored: trimmed, none when blank. It is whatever the caller says — a token grants access but names
 * nobody — so it is kept short and on one line, fit for a history column, and never trusted for access.
 */
function actorOf(raw: string | null | undefined): string | undefined {
  const actor = raw?.trim();
  if (!actor) return undefined;
  const bad = (why: string) => new GraphQLError(`actor ${why}`, { extensions: { code: 'BAD_USER_INPUT', argumentName: 'actor' } });
  if (actor.length > MAX_ACTOR_LENGTH) throw bad(`is ${actor.length} characters long; at most ${MAX_ACTOR_LENGTH} are kept (a name or an email address)`);
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(actor)) throw bad('must be one line of text, without control characters');
  return actor;
}
