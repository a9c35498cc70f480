/**
 * With CUSTOMER_GRAPH_API_TOKENS set, the running product refuses every mutation and every admin read without a
 * valid bearer token — golden updates, mapping saves, dead-letter replays, the mapping configuration, the dead
 * letters — with UNAUTHENTICATED (HTTP 401), and nothing is stored: no outbox row, no new mapping version. Customer
 * queries and a customer's write-back status stay open. The whole app runs (composition root, sandboxes, database).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { count } from 'drizzle-orm';
import { writebackOutbox } from '../../db/schema.ts';
import { startTestApp } from '../support/test-app.ts';
import type { TestApp } from '../support/test-app.ts';

const TOKEN = 'write-access-token';
type Body<T> = { data?: T | null; errors?: { message: string; extensions?: { code?: string } }[] };

describe('mutations and admin reads need an API token when tokens are configured', () => {
  let t: TestApp;
  const call = async <T>(query: string, variables: Record<string, unknown>, token: string | null): Promise<{ status: number; body: Body<T> }> => {
    const res = await fetch(t.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ query, variables }),
    });
    return { status: res.status, body: (await res.json()) as Body<T> };
  };
  const outboxRows = async () => Number((await t.app.database.db.select({ n: count() }).from(writebackOutbox))[0]!.n);
  let customerId = '';
  let mappingVersion = 0;

  beforeAll(async () => {
    process.env.CUSTOMER_GRAPH_API_TOKENS = TOKEN;
    t = await startTestApp();
    const list = await call<{ customers: { edges: { node: { id: string } }[] } }>('{ customers(first: 1) { edges { node { id } } } }', {}, null);
    expect(list.body.errors).toBeUndefined();
    customerId = list.body.data!.customers.edges[0]!.node.id;
    const mapping = await call<{ mappingConfiguration: { version: number } }>('{ mappingConfiguration { version } }', {}, TOKEN);
    mappingVersion = mapping.body.data!.mappingConfiguration.version;
  }, 240_000);
  afterAll(async () => {
    await t?.close();
    delete process.env.CUSTOMER_GRAPH_API_TOKENS;
  });

  it('refuses each mutation and admin read without a token or with a wrong one, and stores nothing', async () => {
    const before = await outboxRows();
    const refused: [string, string, Record<string, unknown>][] = [
      ['updateCustomer', 'mutation($id: ID!) { updateCustomer(id: $id, input: { title: "Refused" }) { enqueued } }', { id: customerId }],
      ['saveMappingConfiguration', 'mutation($d: String!) { saveMappingConfiguration(document: $d) { version } }', { d: '{}' }],
      ['replayDeadLetters', 'mutation { replayDeadLetters { replayed { __typename } } }', {}],
      ['mappingConfiguration', '{ mappingConfiguration { document } }', {}],
      ['mappingVersions', '{ mappingVersions { version } }', {}],
      ['deadLetters', '{ deadLetters { id } }', {}],
      ['writeBackOutboxDepth', '{ writeBackOutboxDepth { status } }', {}],
    ];
    for (const [name, query, variables] of refused) {
      for (const token of [null, 'not-the-token']) {
        const res = await call(query, variables, token);
        expect(res.status, `${name} with ${token}`).toBe(401);
        expect(res.body.errors?.[0]?.extensions?.code, name).toBe('UNAUTHENTICATED');
        expect(res.body.errors?.[0]?.message, name).toContain(name);
        expect(res.body.data ?? null, name).toBeNull();
      }
    }
    expect(await outboxRows()).toBe(before);
    const versions = await call<{ mappingVersions: { version: number }[] }>('{ mappingVersions { version } }', {}, TOKEN);
    expect(Math.max(...versions.body.data!.mappingVersions.map((v) => v.version))).toBe(mappingVersion);
  });

  it('runs them with the token; customer reads and write-back status stay open', async () => {
    const before = await outboxRows();
    const update = await call<{ updateCustomer: { enqueued: number } }>('mutation($id: ID!) { updateCustomer(id: $id, input: { title: "Allowed" }) { enqueued } }', { id: customerId }, TOKEN);
    expect(update.body.errors).toBeUndefined();
    expect(update.body.data!.updateCustomer.enqueued).toBeGreaterThan(0);
    expect(await outboxRows()).toBe(before + update.body.data!.updateCustomer.enqueued);

    const open = await call<{ customer: { id: string }; writeBackStatus: { pending: unknown[] } }>(
      'query($id: ID!) { customer(id: $id) { id } writeBackStatus(id: $id) { __typename } }', { id: customerId }, null);
    expect(open.status).toBe(200);
    expect(open.body.errors).toBeUndefined();
    expect(open.body.data!.customer.id).toBe(customerId);
  });
});
