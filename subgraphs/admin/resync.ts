/**
 * `resyncStatus` and `startResync`: re-reading every CRM record from the admin API (cli/resync.ts does the work), so
 * a changed mapping or quality check applies to every stored golden record now. The status says how far it got; it is
 * read from the database (resync_runs), so every replica answers the same.
 */
import { GraphQLError } from 'graphql';
import { ProductError } from '../../lib/product-error.ts';

export interface ResyncApi {
  status(): Promise<{
    state: string; startedAt: string | null; finishedAt: string | null;
    objects: { goldenType: string; crm: string; objectType: string; records: number }[];
    goldenCreated: number; linksCreated: number; snapshotsChanged: number;
    failedObjects: { crm: string; objectType: string; code: string; message: string }[];
    error: string | null; resumes: number; goldenTypes: string[] | null;
  }>;
  /** Starts a run over `goldenTypes` (default every type); false when one is unfinished; BAD_USER_INPUT (ProductError) for an unknown type. */
  start(goldenTypes?: readonly string[]): Promise<boolean>;
}

export const RESYNC_TYPE_DEFS = `
"Records read so far from one CRM object."
type ResyncObject { goldenType: String! crm: String! objectType: String! records: Int! }

"A CRM object the run could not read: its records keep their previous snapshots."
type ResyncFailure { crm: String! objectType: String! code: String! message: String! }

"The re-reading of every CRM record running or run last, by any process of the deployment (stored in the database)."
type ResyncStatus {
  "idle (never ran) | running | interrupted (the process running it stopped or died; any process resumes it within a minute) | done | failed"
  state: String!
  startedAt: String
  finishedAt: String
  objects: [ResyncObject!]!
  goldenCreated: Int!
  linksCreated: Int!
  snapshotsChanged: Int!
  failedObjects: [ResyncFailure!]!
  "Why the run failed (state failed)."
  error: String
  "How many times a process took the run over after the one running it stopped or died."
  resumes: Int!
  "The golden types the run reads (startResync(goldenTypes:)); null: every type."
  goldenTypes: [String!]
}
`;

export const RESYNC_QUERY_FIELDS = `
  "The re-reading of every CRM record (startResync) running or run last on any replica, with its progress."
  resyncStatus: ResyncStatus!`;

export const RESYNC_MUTATION_FIELDS = `
  "Re-reads every record of every connected CRM in the background (like customer-graph sync --backfill), so changed mappings and quality checks apply to all golden records. With goldenTypes, only the CRM objects mapped to those golden types (BAD_USER_INPUT for a type the mapping does not have: nothing started). CONFLICT while a run is in progress (or interrupted and about to be resumed) on any replica."
  startResync(goldenTypes: [String!]): ResyncStatus!`;

export function resyncResolvers(api: ResyncApi | undefined) {
  const required = () => {
    if (!api) throw new GraphQLError('This server does not re-read CRM records.', { extensions: { code: 'CONFLICT' } });
    return api;
  };
  return {
    Query: { resyncStatus: () => required().status() },
    Mutation: {
      startResync: async (_: unknown, args: { goldenTypes?: string[] | null }) => {
        const resync = required();
        let started: boolean;
        try {
          started = await resync.start(args.goldenTypes ?? undefined);
        } catch (err) {
          throw err instanceof ProductError ? new GraphQLError(err.message, { extensions: err.extensions }) : err;
        }
        if (!started) throw new GraphQLError('A resync is already running (or interrupted and about to be resumed): follow it with resyncStatus.', { extensions: { code: 'CONFLICT' } });
        return resync.status();
      },
    },
  };
}
