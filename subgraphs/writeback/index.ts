/**
 * The write-back subgraph: golden mutations (`updateCustomer`, `updateCompany`, `updateDeal`) and the
 * `writeBackPlan` query, in-process in the gateway. Its SDL is generated from the mapping configuration (one input
 * type per golden type, one input field per golden field) and rebuilt with it. The work itself lives in
 * sync/writeback (validate → plan → audit + outbox in one transaction); this file only speaks GraphQL.
 *
 * The golden types are referenced as entity stubs (`@key(fields: "id", resolvable: false)`), so a payload's
 * `customer { email … }` is resolved by identity and golden through the supergraph like any other Customer.
 */
import { buildSubgraphSchema } from '@apollo/subgraph';
import { GraphQLError, parse } from 'graphql';
import type { GraphQLSchema } from 'graphql';
import type { MappingConfig } from '../../resolver-engine/index.ts';
import { writeBackPlan } from '../../sync/writeback/planner.ts';
import type { PlannerDeps, WriteBackPlan } from '../../sync/writeback/planner.ts';
import { GoldenNotFoundError, WriteBackInputError, updateGolden } from '../../sync/writeback/update-golden.ts';
import { GOLDEN_ID_PREFIX } from '../../db/golden-ids.ts';
import { GRAPHQL_SCALAR } from '../golden/golden-sdl.ts';
import { GOLDEN_TYPES } from '../identity/identity-sdl.ts';
import { statusMutations, statusQueries } from './status-resolvers.ts';

export interface WriteBackSubgraph {
  name: 'writeback';
  kind: 'local';
  typeDefs(): string;
  schema(): GraphQLSchema;
  rebuild(): void;
}

const LINK = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])';

const SHARED = `"What a write-back would change, and why; nothing is done by asking."
type WriteBackPlan {
  goldenId: ID!
  typeName: String!
  writes: [PlannedWrite!]!
  skipped: [SkippedWrite!]!
}

"One native field of one linked CRM record that would be written."
type PlannedWrite {
  crm: String!
  objectType: String!
  recordId: String!
  field: String!
  nativeField: String!
  "JSON text of the value sent (the CRM's wire form)."
  value: String
  "JSON text of the record's value when planned; null when it could not be read."
  current: String
  reason: String!
}

"A golden field not written to one linked record, and why (not writable, not held, already equal…)."
type SkippedWrite {
  crm: String!
  objectType: String!
  recordId: String!
  field: String!
  reason: String!
}

"Where the write-back of one golden record stands: every outbox row and every dead letter."
type WriteBackStatus {
  goldenId: ID!
  "Rows waiting or in flight (a row retried after a transient failure is pending, with lastError)."
  pending: Int!
  done: Int!
  "Rows a CRM refused for good (see deadLetters for the CRM's reason)."
  failed: Int!
  rows: [WriteBackRow!]!
  deadLetters: [DeadLetter!]!
}

"One outbox row: the native fields to write to one CRM record."
type WriteBackRow {
  id: ID!
  connectorId: String!
  objectType: String!
  recordId: String
  "JSON text of the native fields."
  fields: String!
  "PENDING | DONE | FAILED | SKIPPED (the CRM value changed since the plan; lastError says which)"
  state: String!
  "pending | in_flight | done | dead | stale"
  status: String!
  attempts: Int!
  lastError: String
  updatedAt: String!
}

"A write a CRM refused for good, with its code and message; replay it once the cause is fixed."
type DeadLetter {
  id: ID!
  outboxId: ID!
  goldenId: ID
  connectorId: String!
  objectType: String!
  recordId: String
  fields: String!
  code: String!
  nativeCode: String
  reason: String!
  createdAt: String!
  replayedAt: String
}

type ReplayedDeadLetter {
  deadLetterId: ID!
  outboxId: ID!
}

type ReplaySkip {
  deadLetterId: ID!
  reason: String!
}

type ReplayResult {
  replayed: [ReplayedDeadLetter!]!
  skipped: [ReplaySkip!]!
}

type OutboxDepth {
  status: String!
  rows: Int!
}`;

const STATUS_QUERIES = `  "Pending, done and failed write-back rows of one golden record, with the CRMs' reasons."
  writeBackStatus(id: ID!): WriteBackStatus!
  "Admins: latest dead letters first (replayed ones included)."
  deadLetters(first: Int = 50): [DeadLetter!]!
  "Admins: outbox rows per status."
  writeBackOutboxDepth: [OutboxDepth!]!`;

/** Root fields only admins use (token-guarded by the gateway like the admin subgraph); the rest serve frontends. */
export const WRITEBACK_ADMIN_FIELDS: readonly string[] = ['Query.deadLetters', 'Query.writeBackOutboxDepth', 'Mutation.replayDeadLetters'];

const REPLAY_MUTATION = `  "Admins: re-enqueues dead letters as new outbox rows (each once) and marks them replayed. Without ids: every open one."
  replayDeadLetters(ids: [ID!]): ReplayResult!`;

function renderSdl(config: MappingConfig): string {
  const parts = [LINK];
  const types = GOLDEN_TYPES.filter((t) => config.types[t]);
  const mutations: string[] = [];
  for (const t of types) {
    const fields = Object.entries(config.types[t]!.fields).map(([name, f]) => `  ${name}: ${GRAPHQL_SCALAR[f.type]}`);
    parts.push(`type ${t} @key(fields: "id", resolvable: false) {\n  id: ID!\n}`);
    parts.push(`"Golden ${t} values to write back to every linked CRM record whose mapping is writable."\ninput ${t}Input {\n${fields.join('\n')}\n}`);
    const lower = t[0]!.toLowerCase() + t.slice(1);
    parts.push(`type Update${t}Payload {\n  ${lower}: ${t}!\n  plan: WriteBackPlan!\n  "Outbox rows added (0 for a dry run or a retried clientMutationId)."\n  enqueued: Int!\n  clientMutationId: String\n}`);
    mutations.push(`  "Validates, plans and queues the write-back of ${t} values (delivered by the write-back worker). Same clientMutationId: enqueued once."\n  update${t}(id: ID!, input: ${t}Input!, clientMutationId: String, dryRun: Boolean = false): Update${t}Payload!`);
  }
  parts.push(`type Query {\n  "Convergence: the merged winner of each field written to every linked record that holds another value."\n  writeBackPlan(id: ID!): WriteBackPlan!\n${STATUS_QUERIES}\n}`);
  mutations.push(REPLAY_MUTATION);
  parts.push(`type Mutation {\n${mutations.join('\n')}\n}`);
  parts.push(SHARED);
  return `${parts.join('\n\n')}\n`;
}

const json = (v: unknown) => (v === undefined ? null : JSON.stringify(v));

function renderPlan(plan: WriteBackPlan) {
  return { ...plan, writes: plan.writes.map((w) => ({ ...w, value: json(w.value), current: json(w.current) })) };
}

function asGraphQLError(err: unknown): unknown {
  if (err instanceof WriteBackInputError) return new GraphQLError(err.message, { extensions: { code: 'BAD_USER_INPUT', field: err.field } });
  if (err instanceof GoldenNotFoundError) return new GraphQLError(err.message, { extensions: { code: 'NOT_FOUND', argumentName: 'id' } });
  return err;
}

function typeOfId(id: string): string | null {
  const prefix = id.split('_')[0];
  return Object.entries(GOLDEN_ID_PREFIX).find(([, p]) => p === prefix)?.[0] ?? null;
}

export function createWriteBackSubgraph(deps: PlannerDeps): WriteBackSubgraph {
  const build = () => {
    const config = deps.getConfig();
    const typeDefs = renderSdl(config);
    const mutation: Record<string, unknown> = {};
    for (const t of GOLDEN_TYPES.filter((x) => config.types[x])) {
      const lower = t[0]!.toLowerCase() + t.slice(1);
      mutation[`update${t}`] = async (_: unknown, args: { id: string; input: Record<string, unknown>; clientMutationId?: string | null; dryRun?: boolean }) => {
        try {
          const r = await updateGolden(deps, { typeName: t, id: args.id, input: args.input, clientMutationId: args.clientMutationId ?? null, dryRun: args.dryRun ?? false });
          return { [lower]: { id: r.goldenId }, plan: renderPlan(r.plan), enqueued: r.enqueued, clientMutationId: args.clientMutationId ?? null };
        } catch (err) {
          throw asGraphQLError(err);
        }
      };
    }
    const resolvers = {
      Query: {
        ...statusQueries(deps, typeOfId),
        writeBackPlan: async (_: unknown, args: { id: string }) => {
          const typeName = typeOfId(args.id);
          if (!typeName || !deps.getConfig().types[typeName]) throw new GraphQLError(`'${args.id}' is not a golden id`, { extensions: { code: 'BAD_USER_INPUT', argumentName: 'id' } });
          return renderPlan(await writeBackPlan(deps, typeName, args.id));
        },
      },
      Mutation: { ...mutation, ...statusMutations(deps) },
    };
    return { typeDefs, schema: buildSubgraphSchema([{ typeDefs: parse(typeDefs), resolvers: resolvers as never }]) };
  };
  let current = build();
  return {
    name: 'writeback',
    kind: 'local',
    typeDefs: () => current.typeDefs,
    schema: () => current.schema,
    rebuild() {
      current = build();
    },
  };
}
