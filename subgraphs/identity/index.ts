/**
 * The identity subgraph: owns `Customer.id` and the links from golden records to native CRM records.
 * Runs in the gateway process (LocalGraphQLDataSource) or standalone over HTTP.
 */
import fs from 'node:fs';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { GraphQLError, parse } from 'graphql';
import type { GraphQLSchema } from 'graphql';
import { and, asc, count, eq, gt } from 'drizzle-orm';
import type { Database } from '../../db/open-database.ts';
import { goldenRecords, recordLinks } from '../../db/schema.ts';
import type { Customer, Resolvers } from './resolvers-types.generated.ts';

export const identityTypeDefs = fs.readFileSync(new URL('./schema.graphql', import.meta.url), 'utf8');

const MAX_PAGE = 500;

export interface IdentitySubgraph {
  name: 'identity';
  typeDefs: string;
  schema: GraphQLSchema;
}

export function createIdentitySubgraph(db: Database): IdentitySubgraph {
  const resolvers: Resolvers = {
    Query: {
      customer: async (_parent, { id }) => {
        const [row] = await db.select({ id: goldenRecords.id }).from(goldenRecords).where(and(eq(goldenRecords.id, id), eq(goldenRecords.entityType, 'Customer')));
        return row ?? null;
      },
      customers: async (_parent, { first, after }) => {
        if (!Number.isInteger(first) || first < 0 || first > MAX_PAGE) {
          throw new GraphQLError(`first must be between 0 and ${MAX_PAGE}, got ${first}`, { extensions: { code: 'BAD_USER_INPUT', argumentName: 'first' } });
        }
        const afterId = after ? decodeCursor(after) : undefined;
        const base = and(eq(goldenRecords.entityType, 'Customer'), eq(goldenRecords.status, 'active'));
        const [{ total } = { total: 0 }] = await db.select({ total: count() }).from(goldenRecords).where(base);
        const rows = await db
          .select({ id: goldenRecords.id })
          .from(goldenRecords)
          .where(afterId ? and(base, gt(goldenRecords.id, afterId)) : base)
          .orderBy(asc(goldenRecords.id))
          .limit(first + 1);
        const page = rows.slice(0, first);
        return {
          totalCount: total,
          // Nodes carry the id only; Customer.sources and golden fields are resolved by their own resolvers.
          edges: page.map((r) => ({ cursor: encodeCursor(r.id), node: r as Customer })),
          pageInfo: { hasNextPage: rows.length > first, endCursor: page.length ? encodeCursor(page[page.length - 1]!.id) : null },
        };
      },
    },
    Customer: {
      __resolveReference: async (ref) => ({ id: ref.id }) as never,
      sources: async (customer) => {
        const links = await db
          .select({ crm: recordLinks.crm, objectType: recordLinks.objectType, recordId: recordLinks.recordId })
          .from(recordLinks)
          .where(and(eq(recordLinks.goldenId, customer.id!), eq(recordLinks.status, 'active')));
        return links;
      },
    },
  };
  const schema = buildSubgraphSchema([{ typeDefs: parse(identityTypeDefs), resolvers: resolvers as never }]);
  return { name: 'identity', typeDefs: identityTypeDefs, schema };
}

function encodeCursor(id: string): string {
  return Buffer.from(`c:${id}`, 'utf8').toString('base64url');
}

function decodeCursor(cursor: string): string {
  const raw = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!raw.startsWith('c:')) {
    throw new GraphQLError('after is not a cursor returned by this API', { extensions: { code: 'BAD_USER_INPUT', argumentName: 'after' } });
  }
  return raw.slice(2);
}
