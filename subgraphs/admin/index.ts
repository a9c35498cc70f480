/**
 * The admin subgraph: identity decisions an operator makes by hand — `mergeCustomers`, `unmergeCustomer`, and the
 * review queue (`reviewQueue`, `acceptMatch`, `rejectMatch`, and in bulk `acceptMatches`, `rejectMatches`: review-bulk.ts). In-process in the gateway, like write-back. The work
 * lives in sync/identity-admin.ts; this file only speaks GraphQL. Customer is an entity stub, so a payload's
 * `customer { email sources … }` resolves through identity and golden like any other Customer.
 */
import { buildSubgraphSchema } from '@apollo/subgraph';
import { GraphQLError, parse } from 'graphql';
import type { GraphQLSchema } from 'graphql';
import type { Connector } from '../../connectors/contract/index.ts';
import type { Database } from '../../db/open-database.ts';
import { decisionById, pendingReviewCount, pendingReviews } from '../../db/decision-store.ts';
import { GOLDEN_ID_PREFIX } from '../../db/golden-ids.ts';
import type { MappingConfig } from '../../resolver-engine/index.ts';
import type { ChangeApplierContext } from '../../sync/change-applier.ts';
import { IdentityInputError, acceptReview, mergeGolden, rejectReview, splitGolden } from '../../sync/identity-admin.ts';
import type { NativeRef } from '../../sync/identity-admin.ts';
import { SYNC_HEALTH_QUERY_FIELDS, SYNC_HEALTH_TYPE_DEFS, syncHealthResolver } from './sync-health.ts';
import { CONNECTORS_MUTATION_FIELDS, CONNECTORS_QUERY_FIELDS, CONNECTORS_TYPE_DEFS, connectorsResolvers } from './connectors.ts';
import type { ConnectorsDeps } from './connectors.ts';
import { CONNECTOR_RETIREMENTS_QUERY_FIELDS, CONNECTOR_RETIREMENTS_TYPE_DEFS, connectorRetirementsResolvers } from './connector-retirements.ts';
import { CONNECTOR_SETTINGS_MUTATION_FIELDS, CONNECTOR_SETTINGS_QUERY_FIELDS, CONNECTOR_SETTINGS_TYPE_DEFS, connectorSettingsResolvers } from './connector-settings.ts';
import type { ConnectorSettingsApi } from './connector-settings.ts';
import { DATA_QUALITY_QUERY_FIELDS, DATA_QUALITY_TYPE_DEFS, dataQualityResolvers } from './data-quality.ts';
import { MAPPING_PROBLEMS_QUERY_FIELDS, MAPPING_PROBLEMS_TYPE_DEFS, mappingProblemsResolvers } from './mapping-problems.ts';
import type { MappingProblemSource } from './mapping-problems.ts';
import { RESYNC_MUTATION_FIELDS, RESYNC_QUERY_FIELDS, RESYNC_TYPE_DEFS, resyncResolvers } from './resync.ts';
import type { ResyncApi } from './resync.ts';
import { STORED_RECORDS_QUERY_FIELDS, STORED_RECORDS_TYPE_DEFS, storedRecordsResolvers } from './stored-records.ts';
import type { StoredRecordsFreshnessSource } from './stored-records.ts';
import { MAPPING_SUGGESTIONS_QUERY_FIELDS, MAPPING_SUGGESTIONS_TYPE_DEFS, mappingSuggestionsResolvers } from './mapping-suggestions.ts';
import { REVIEW_QUEUE_MAX_PAGE } from './page-limits.ts';
import { REVIEW_BULK_MUTATION_FIELDS, REVIEW_BULK_TYPE_DEFS, reviewBulkResolvers } from './review-bulk.ts';

export interface AdminSubgraph {
  name: 'admin';
  kind: 'local';
  typeDefs(): string;
  schema(): GraphQLSchema;
}

export interface AdminDeps {
  db: Database;
  getConfig(): MappingConfig;
  /** Connectors by CRM id, to read the sources of the records whose snapshots are recomputed. */
  connectors: ReadonlyMap<string, Connector>;
  connectorIds: ReadonlyMap<string, string>;
  /** The stored connectors without credentials, for `connectors` (connectors.ts). */
  connectorRows?: ConnectorsDeps['connectorRows'];
  markConnectorActive?: ConnectorsDeps['markConnectorActive'];
  /** connectorKinds and saveConnector (connector-settings.ts); absent: no kinds, and a save is refused. */
  connectorSettings?: ConnectorSettingsApi;
  /** Native fields the mapping reads that no CRM subgraph serves (mapping-problems.ts). */
  mappingProblems?: MappingProblemSource['mappingProblems'];
  /** Re-reading every CRM record on demand (cli/resync.ts). */
  resync?: ResyncApi;
  /** Which mapping version the stored records of each golden type follow (stored-records.ts). */
  storedRecords?: StoredRecordsFreshnessSource;
}

const TYPE_DEFS = `extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])

type Customer @key(fields: "id", resolvable: false) {
  id: ID!
}

"One native CRM record, as listed in a customer's sources."
input NativeRecordRefInput {
  crm: String!
  objectType: String!
  recordId: String!
}

type MergeCustomersPayload {
  "The customer every merged id now resolves to."
  customer: Customer!
}

type UnmergeCustomerPayload {
  "The customer the records were taken from."
  customer: Customer!
  "The new customer holding the records split out."
  splitCustomer: Customer!
}

"A pair of records the matcher was unsure about, waiting for a decision."
type MatchReview {
  id: ID!
  entityType: String!
  leftId: ID!
  rightId: ID!
  score: Float
  "Why the matcher scored the pair as it did, one reason each (JSON text)."
  reasons: [String!]!
  "The left customer as it resolves today (a merged-away id resolves to its survivor); null for other entity types."
  left: Customer
  "The right customer as it resolves today; null for other entity types."
  right: Customer
}

"The order of the review queue."
enum ReviewOrder {
  "By when the pair was queued."
  OLDEST_FIRST
  "By match score, highest first (pairs without a score last), then oldest first."
  MOST_LIKELY_FIRST
}

type Query {
  """
  Pending review pairs (at most ${REVIEW_QUEUE_MAX_PAGE} per call); after: the id of the last pair of the previous page
  (with MOST_LIKELY_FIRST that pair must still be pending: its score places the next page); minScore: only pairs
  scored at least this.
  """
  reviewQueue(first: Int = 20, after: ID, order: ReviewOrder = OLDEST_FIRST, minScore: Float): [MatchReview!]!
  "How many review pairs wait for a decision (scored at least minScore when given)."
  reviewQueueCount(minScore: Float): Int!${SYNC_HEALTH_QUERY_FIELDS}${CONNECTORS_QUERY_FIELDS}${CONNECTOR_RETIREMENTS_QUERY_FIELDS}${CONNECTOR_SETTINGS_QUERY_FIELDS}${MAPPING_SUGGESTIONS_QUERY_FIELDS}${DATA_QUALITY_QUERY_FIELDS}${MAPPING_PROBLEMS_QUERY_FIELDS}${RESYNC_QUERY_FIELDS}${STORED_RECORDS_QUERY_FIELDS}
}
${REVIEW_BULK_TYPE_DEFS}${SYNC_HEALTH_TYPE_DEFS}${CONNECTORS_TYPE_DEFS}${CONNECTOR_RETIREMENTS_TYPE_DEFS}${CONNECTOR_SETTINGS_TYPE_DEFS}${MAPPING_SUGGESTIONS_TYPE_DEFS}${DATA_QUALITY_TYPE_DEFS}${MAPPING_PROBLEMS_TYPE_DEFS}${RESYNC_TYPE_DEFS}${STORED_RECORDS_TYPE_DEFS}
type Mutation {
  "Merges customers into the survivor: their records move to it, their ids keep resolving to it, and later runs keep them together."
  mergeCustomers(survivorId: ID!, mergedIds: [ID!]!): MergeCustomersPayload!
  "Splits the chosen records out of a customer into a new one; later runs keep them apart."
  unmergeCustomer(id: ID!, records: [NativeRecordRefInput!]!): UnmergeCustomerPayload!
  "Accepts a review pair: the two records are merged (the older survives)."
  acceptMatch(id: ID!): MergeCustomersPayload!
  "Rejects a review pair: the records are kept apart on later runs."
  rejectMatch(id: ID!): Boolean!${REVIEW_BULK_MUTATION_FIELDS}${CONNECTORS_MUTATION_FIELDS}${CONNECTOR_SETTINGS_MUTATION_FIELDS}${RESYNC_MUTATION_FIELDS}
}
`;

function asGraphQLError(err: unknown): unknown {
  if (err instanceof IdentityInputError) return new GraphQLError(err.message, { extensions: { code: err.code, argumentName: err.argumentName } });
  return err;
}

async function guarded<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw asGraphQLError(err);
  }
}

/** Where no composition root wires connector settings (tests of the identity admin alone): nothing to list or save. */
const noConnectorSettings: ConnectorSettingsApi = {
  kinds: () => [],
  save: () => Promise.reject(new GraphQLError('Connector settings cannot be saved through this server.', { extensions: { code: 'CONFLICT' } })),
  setEnabled: () => Promise.reject(new GraphQLError('Connectors cannot be changed through this server.', { extensions: { code: 'CONFLICT' } })),
  remove: () => Promise.reject(new GraphQLError('Connectors cannot be changed through this server.', { extensions: { code: 'CONFLICT' } })),
};

const reviewId = (id: string) => Number(/^\d+$/.test(id) ? id : NaN);

export function createAdminSubgraph(deps: AdminDeps): AdminSubgraph {
  const ctx = (): ChangeApplierContext => ({ db: deps.db, config: deps.getConfig(), connectors: deps.connectors, connectorIds: deps.connectorIds });
  const customer = (id: string) => {
    if (!id.startsWith(`${GOLDEN_ID_PREFIX.Customer}_`)) throw new GraphQLError(`'${id}' is not a customer id`, { extensions: { code: 'BAD_USER_INPUT' } });
    return { id };
  };
  const connectorAdmin = connectorsResolvers(deps);
  const resync = resyncResolvers(deps.resync);
  const settings = connectorSettingsResolvers({ ...deps, connectorSettings: deps.connectorSettings ?? noConnectorSettings });
  const resolvers = {
    Query: {
      ...connectorAdmin.Query,
      ...connectorRetirementsResolvers(deps).Query,
      ...settings.Query,
      ...mappingSuggestionsResolvers(deps).Query,
      ...dataQualityResolvers(deps).Query,
      ...mappingProblemsResolvers(deps).Query,
      ...resync.Query,
      ...storedRecordsResolvers(deps.storedRecords).Query,
      reviewQueue: async (_: unknown, args: { first?: number | null; after?: string | null; order?: 'OLDEST_FIRST' | 'MOST_LIKELY_FIRST' | null; minScore?: number | null }) => {
        const after = args.after == null ? undefined : reviewId(args.after);
        if (after !== undefined && !Number.isSafeInteger(after)) {
          throw new GraphQLError(`'${args.after}' is not a review pair id: pass the id of the last pair of the previous page`, { extensions: { code: 'BAD_USER_INPUT', argumentName: 'after' } });
        }
        const order = args.order === 'MOST_LIKELY_FIRST' ? 'score' : 'oldest';
        let afterRow = after === undefined ? undefined : { id: after, score: null as number | null };
        if (afterRow && order === 'score') {
          // The score order pages by (score, id): the pair must be pending, as a decision may have rewritten its score.
          const row = await decisionById(deps.db, afterRow.id);
          if (!row || row.decision !== 'review_pending') {
            throw new GraphQLError(`No pending review pair has id '${args.after}': pass the id of the last pair of the previous page that still waits, or start again without after`, { extensions: { code: 'BAD_USER_INPUT', argumentName: 'after' } });
          }
          afterRow = row;
        }
        const first = Math.min(Math.max(args.first ?? 20, 0), REVIEW_QUEUE_MAX_PAGE);
        const rows = await pendingReviews(deps.db, first, { order, after: afterRow, minScore: args.minScore ?? undefined });
        return rows.map((r) => ({
          id: String(r.id), entityType: r.entityType, leftId: r.leftKey.replace(/^golden:/, ''), rightId: r.rightKey.replace(/^golden:/, ''),
          score: r.score, reasons: (r.reasons ?? []).map((x) => (typeof x === 'string' ? x : JSON.stringify(x))),
        }));
      },
      reviewQueueCount: (_: unknown, args: { minScore?: number | null }) => pendingReviewCount(deps.db, args.minScore ?? undefined),
      syncHealth: syncHealthResolver(deps.db),
    },
    MatchReview: {
      // Entity stubs: identity and golden resolve names, emails and sources, so the review UI needs one query.
      left: (r: { entityType: string; leftId: string }) => (r.entityType === 'Customer' ? { id: r.leftId } : null),
      right: (r: { entityType: string; rightId: string }) => (r.entityType === 'Customer' ? { id: r.rightId } : null),
    },
    Mutation: {
      ...connectorAdmin.Mutation,
      ...settings.Mutation,
      ...resync.Mutation,
      mergeCustomers: (_: unknown, args: { survivorId: string; mergedIds: string[] }) => guarded(async () => {
        for (const id of [args.survivorId, ...args.mergedIds]) customer(id);
        const r = await mergeGolden(ctx(), { survivorId: args.survivorId, mergedIds: args.mergedIds });
        return { customer: { id: r.survivorId } };
      }),
      unmergeCustomer: (_: unknown, args: { id: string; records: NativeRef[] }) => guarded(async () => {
        customer(args.id);
        const r = await splitGolden(ctx(), { id: args.id, records: args.records });
        return { customer: { id: r.id }, splitCustomer: { id: r.splitId } };
      }),
      acceptMatch: (_: unknown, args: { id: string }) => guarded(async () => ({ customer: { id: (await acceptReview(ctx(), reviewId(args.id))).survivorId } })),
      rejectMatch: (_: unknown, args: { id: string }) => guarded(async () => {
        await rejectReview(ctx(), reviewId(args.id));
        return true;
      }),
      ...reviewBulkResolvers(ctx, reviewId),
    },
  };
  const schema = buildSubgraphSchema([{ typeDefs: parse(TYPE_DEFS), resolvers: resolvers as never }]);
  return { name: 'admin', kind: 'local', typeDefs: () => TYPE_DEFS, schema: () => schema };
}
