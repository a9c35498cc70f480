/**
 * `storedRecordsFreshness`: which mapping configuration version the STORED golden records of each golden type follow
 * (golden_records.snapshot: listing, search, subscriptions' change detection), against the version the API answers
 * with. A type is stale when its stored records were last read completely with an older version whose part of the
 * mapping concerning that type differs (cli/stored-records.ts works it out); `startResync(goldenTypes:)` re-reads it.
 */
import { GraphQLError } from 'graphql';

export interface StoredRecordsFreshness {
  goldenType: string;
  followsMappingVersion: number | null;
  currentMappingVersion: number;
  stale: boolean;
  readAt: string | null;
}

/** The freshness of every golden type of the configuration in force. */
export type StoredRecordsFreshnessSource = () => Promise<StoredRecordsFreshness[]>;

export const STORED_RECORDS_TYPE_DEFS = `
"Which mapping configuration version the stored golden records of a type (listing, search, subscriptions' change detection) follow."
type StoredRecordsFreshness {
  goldenType: String!
  "The mapping version the type's stored records were last read completely with; null: never read completely (unknown)."
  followsMappingVersion: Int
  "The mapping version the API answers with (golden fields are resolved live with it)."
  currentMappingVersion: Int!
  "True when the mapping changed for this type (its field mappings, survivorship rules or quality checks) since the stored records were read, or the type has records and was never read completely. Re-read it with startResync(goldenTypes:)."
  stale: Boolean!
  "When that complete read finished."
  readAt: String
}
`;

export const STORED_RECORDS_QUERY_FIELDS = `
  "Per golden type of the mapping in force: the mapping version its stored records follow, and whether they are stale."
  storedRecordsFreshness: [StoredRecordsFreshness!]!`;

export function storedRecordsResolvers(source: StoredRecordsFreshnessSource | undefined) {
  return {
    Query: {
      storedRecordsFreshness: () => {
        if (!source) throw new GraphQLError('This server does not track which mapping version its stored records follow.', { extensions: { code: 'CONFLICT' } });
        return source();
      },
    },
  };
}
