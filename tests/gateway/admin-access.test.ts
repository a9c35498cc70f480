/**
 * Admin operations over HTTP need one of CUSTOMER_GRAPH_API_TOKENS (when set): the plugin refuses the admin
 * subgraph's root fields — selected directly, through fragments or in mutations — without a valid bearer token,
 * with `extensions.code` UNAUTHENTICATED and HTTP 401, and leaves every other operation alone.
 */
import { describe, expect, it } from 'vitest';
import { ApolloServer, HeaderMap } from '@apollo/server';
import { adminAccessPlugin, bearerToken, rootFieldsOf } from '../../gateway/admin-access.ts';
import { createLogger } from '../../lib/logger.ts';

const ADMIN_SDL = 'type Query { reviewQueue(first: Int): [String!]! }\ntype Mutation { rejectMatch(id: ID!): Boolean! }';
const typeDefs = `type Query { reviewQueue(first: Int): [String!]! customers: Int! deadLetters: Int! }\ntype Mutation { rejectMatch(id: ID!): Boolean! updateCustomer: Boolean! }`;
const resolvers = { Query: { reviewQueue: () => ['pair'], customers: () => 3, deadLetters: () => 0 }, Mutation: { rejectMatch: () => true, updateCustomer: () => true } };

async function serverWith(apiTokens: string[] | undefined, extra: { guardMutations?: boolean } = {}) {
  const warnings: string[] = [];
  const logger = createLogger('test', 'silent');
  logger.warn = ((msg: string) => { warnings.push(msg); }) as typeof logger.warn;
  const server = new ApolloServer({ typeDefs, resolvers, plugins: [adminAccessPlugin({ apiTokens, protectedTypeDefs: [ADMIN_SDL], protectedFields: ['Query.deadLetters'], ...extra }, logger)] });
  await server.start();
  const run = async (query: string, authorization?: string) => {
    const headers = new HeaderMap([['content-type', 'application/json'], ...(authorization ? [['authorization', authorization] as [string, string]] : [])]);
    const res = await server.executeOperation({ query, http: { method: 'POST', headers, search: '', body: {} } });
    if (res.body.kind !== 'single') throw new Error('expected a single result');
    return { status: res.http.status, ...res.body.singleResult };
  };
  return { server, run, warnings };
}

describe('admin access over HTTP', () => {
  it('collects Query and Mutation fields of the protected SDL', () => {
    expect([...rootFieldsOf([ADMIN_SDL])].sort()).toEqual(['Mutation.rejectMatch', 'Query.reviewQueue']);
    expect(bearerToken('Bearer  abc ')).toBe('abc');
    expect(bearerToken('abc')).toBe('abc');
    expect(bearerToken(undefined)).toBeUndefined();
  });

  it('refuses admin fields without a token or with a wrong one, accepts any listed token, leaves other fields open', async () => {
    const { server, run } = await serverWith(['old', 'new']);
    try {
      for (const [query, auth] of [
        ['{ reviewQueue }', undefined],
        ['{ reviewQueue }', 'Bearer nope'],
        ['{ customers reviewQueue }', 'Bearer nope'],
        ['query { ...F } fragment F on Query { ... on Query { reviewQueue } }', 'Bearer nope'],
        ['mutation { rejectMatch(id: "1") }', undefined],
      ] as const) {
        const res = await run(query, auth);
        expect(res.errors?.[0]?.extensions?.code, query).toBe('UNAUTHENTICATED');
        expect(res.status).toBe(401);
        expect(res.data ?? null).toBeNull();
      }
      expect((await run('{ reviewQueue }')).errors?.[0]?.message).toContain('needs an API token');
      expect((await run('{ reviewQueue }', 'Bearer old')).data).toEqual({ reviewQueue: ['pair'] });
      expect((await run('mutation { rejectMatch(id: "1") }', 'new')).data).toEqual({ rejectMatch: true });
      expect((await run('{ customers }')).data).toEqual({ customers: 3 });
    } finally {
      await server.stop();
    }
  });

  it('refuses every mutation and the named protected fields too, unless mutations are left open on purpose', async () => {
    const guarded = await serverWith(['t']);
    const open = await serverWith(['t'], { guardMutations: false });
    try {
      for (const q of ['mutation { updateCustomer }', '{ deadLetters }']) {
        const res = await guarded.run(q);
        expect(res.errors?.[0]?.extensions?.code, q).toBe('UNAUTHENTICATED');
        expect(res.status).toBe(401);
      }
      expect((await guarded.run('mutation { updateCustomer }', 'Bearer t')).data).toEqual({ updateCustomer: true });
      expect((await open.run('mutation { updateCustomer }')).data).toEqual({ updateCustomer: true });
      expect((await open.run('mutation { rejectMatch(id: "1") }')).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    } finally {
      await guarded.server.stop();
      await open.server.stop();
    }
  });

  it('without configured tokens admin fields are open, with one warning', async () => {
    const { server, run, warnings } = await serverWith(undefined);
    try {
      expect((await run('{ reviewQueue }')).data).toEqual({ reviewQueue: ['pair'] });
      await run('{ reviewQueue }');
      expect(warnings.filter((w) => w.includes('CUSTOMER_GRAPH_API_TOKENS'))).toHaveLength(1);
    } finally {
      await server.stop();
    }
  });
});
