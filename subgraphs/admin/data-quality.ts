/**
 * The data-quality report of the admin API: what the quality rules flagged in the stored golden records — grouped by
 * golden field, issue code and CRM (`dataQuality`), then record by record (`dataQualityIssues`, paged by golden id)
 * with the source record to fix — and the rules a golden field may list (`qualityRules`). Flagged values are kept,
 * never dropped (sync/snapshot-quality.ts), so this is where a data steward finds them.
 */
import { GraphQLError } from 'graphql';
import { qualityGroups, qualityIssues, qualityTotals } from '../../db/data-quality-report.ts';
import type { Database } from '../../db/open-database.ts';
import { specifiedQualityRules } from '../../resolver-engine/index.ts';
import type { MappingConfig } from '../../resolver-engine/index.ts';
import { QUALITY_KEY } from '../../sync/snapshot-quality.ts';
import { DATA_QUALITY_MAX_PAGE } from './page-limits.ts';

export const DATA_QUALITY_TYPE_DEFS = `
"Flagged values of one golden field, issue code and CRM."
type DataQualityGroup {
  entityType: String!
  field: String!
  "The issue code (INVALID_EMAIL, UNKNOWN_COUNTRY, UNPARSEABLE_PHONE…)."
  code: String!
  crm: String!
  "Flagged values: one per source record and field."
  issues: Int!
  "Golden records carrying at least one of them."
  records: Int!
  "Flagged values that are the golden value now (they won survivorship): the ones clients see."
  winning: Int!
}

"Totals of a type's data-quality report: a record flagged on two fields counts once in records."
type DataQualitySummary {
  issues: Int!
  records: Int!
  winning: Int!
}

"The CRM record a flagged value comes from: where to fix it."
type FlaggedSource {
  crm: String!
  objectType: String!
  recordId: String!
}

type DataQualityIssue {
  "The golden record (customer, company or deal id)."
  goldenId: ID!
  field: String!
  code: String!
  message: String!
  source: FlaggedSource!
  "The value as read from the CRM (JSON text for anything but a string)."
  value: String
  "Whether the flagged value is the golden value now."
  winner: Boolean!
}

"A data-quality rule a golden field may list in its 'quality' (normalise and flag, never drop)."
type QualityRuleInfo {
  name: String!
  description: String!
}
`;

export const DATA_QUALITY_QUERY_FIELDS = `
  "What the quality rules flagged in the stored golden records of a type, by field, issue code and CRM, most first."
  dataQuality(type: String = "Customer"): [DataQualityGroup!]!
  "Totals of the flagged values of a type: values, distinct golden records, and golden values among them."
  dataQualitySummary(type: String = "Customer"): DataQualitySummary!
  "The flagged values of one field and code (and CRM), for the next 'first' golden records (≤ ${DATA_QUALITY_MAX_PAGE}) after the golden id 'after'."
  dataQualityIssues(type: String = "Customer", field: String!, code: String!, crm: String, first: Int = 50, after: ID): [DataQualityIssue!]!
  "The data-quality rules this gateway knows."
  qualityRules: [QualityRuleInfo!]!`;

export function dataQualityResolvers(deps: { db: Database; getConfig(): MappingConfig }) {
  const typeOf = (type: string | null | undefined) => {
    const name = type ?? 'Customer';
    if (!deps.getConfig().types[name]) {
      throw new GraphQLError(`No golden type is called '${name}' (types: ${Object.keys(deps.getConfig().types).join(', ')}).`, { extensions: { code: 'BAD_USER_INPUT', argumentName: 'type' } });
    }
    return name;
  };
  return {
    Query: {
      dataQuality: (_: unknown, args: { type?: string | null }) => qualityGroups(deps.db, QUALITY_KEY, typeOf(args.type)),
      dataQualitySummary: (_: unknown, args: { type?: string | null }) => qualityTotals(deps.db, QUALITY_KEY, typeOf(args.type)),
      dataQualityIssues: async (_: unknown, args: { type?: string | null; field: string; code: string; crm?: string | null; first?: number | null; after?: string | null }) => {
        const first = args.first ?? 50;
        if (!Number.isInteger(first) || first < 1 || first > DATA_QUALITY_MAX_PAGE) throw new GraphQLError(`first must be 1 to ${DATA_QUALITY_MAX_PAGE}.`, { extensions: { code: 'BAD_USER_INPUT', argumentName: 'first' } });
        const rows = await qualityIssues(deps.db, QUALITY_KEY, {
          entityType: typeOf(args.type), field: args.field, code: args.code, first,
          ...(args.crm ? { crm: args.crm } : {}), ...(args.after ? { afterGoldenId: args.after } : {}),
        });
        return rows.map((r) => ({ ...r, value: r.value === null || r.value === undefined ? null : typeof r.value === 'string' ? r.value : JSON.stringify(r.value) }));
      },
      qualityRules: () => Object.values(specifiedQualityRules).map((r) => ({ name: r.name, description: r.description })),
    },
  };
}
