/**
 * The example operations the GraphQL IDE opens on are valid against the running gateway's schema and answer without
 * errors on the embedded demo: a renamed field or argument breaks this test instead of a newcomer's first query.
 * The HTTP endpoint's introspection includes `Subscription` (the IDE validates and completes `customerChanged` from
 * it), and a subscription sent over HTTP is told where subscriptions run.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Kind, buildClientSchema, getIntrospectionQuery, parse, print, validate } from 'graphql';
import type { IntrospectionQuery, OperationDefinitionNode } from 'graphql';
import { EXAMPLE_OPERATIONS } from '../../gateway/ide.ts';
import { startTestApp } from '../support/test-app.ts';
import type { TestApp } from '../support/test-app.ts';

const operations = parse(EXAMPLE_OPERATIONS).definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
const queries = operations.filter((o) => o.operation === 'query');

describe('GraphQL IDE example operations', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  }, 240_000);
  afterAll(async () => t?.close());

  it('are named and include the admin and subscription examples', () => {
    expect(operations.map((o) => o.name?.value)).toEqual(['Customers', 'WhoWonEachField', 'DealsWithCompanyAndContact', 'Conflicts', 'DataQuality', 'MappingSuggestions', 'FieldUsage', 'PhoneChanges']);
    expect(operations.find((o) => o.name?.value === 'PhoneChanges')?.operation).toBe('subscription');
  });

  it.each(queries.map((o) => [o.name!.value, print(o)] as const))('%s runs without errors and answers data', async (_name, query) => {
    const res = await t.gql<Record<string, unknown>>(query);
    expect(res.errors).toBeUndefined();
    expect(Object.values(res.data ?? {}).every((v) => v !== null)).toBe(true);
  });

  it('introspection over HTTP includes Subscription, and every example validates against it', async () => {
    const res = await t.gql<IntrospectionQuery>(getIntrospectionQuery());
    expect(res.errors).toBeUndefined();
    const schema = buildClientSchema(res.data!);
    expect(Object.keys(schema.getSubscriptionType()?.getFields() ?? {})).toEqual(['customerChanged']);
    // The same types as queries see: Customer is the gateway's, not a copy.
    expect(Object.keys(schema.getQueryType()!.getFields())).toContain('customers');
    expect(validate(schema, parse(EXAMPLE_OPERATIONS)).map((e) => e.message)).toEqual([]);
    // Introspection through a fragment is still introspection; a query mixing in data fields is not diverted.
    const viaFragment = await t.gql<{ __type: { name: string } }>('query { ...T } fragment T on Query { __type(name: "Subscription") { name } }');
    expect(viaFragment.data?.__type?.name).toBe('Subscription');
    const mixed = await t.gql<{ __type: unknown; customers: { totalCount: number } }>('{ __type(name: "Subscription") { name } customers(first: 1) { totalCount } }');
    expect(mixed.errors).toBeUndefined();
    expect(mixed.data?.customers.totalCount).toBeGreaterThan(0);
  });

  it('the bare address lists where the IDE and the admin UI are; the favicon asks for nothing', async () => {
    const base = t.url.replace(/\/graphql$/, '');
    const home = await fetch(`${base}/`, { headers: { accept: 'text/html' } });
    expect(home.status).toBe(200);
    const html = await home.text();
    for (const href of ['/graphql', '/admin/', '/healthz', '/metrics']) expect(html).toContain(`href="${href}"`);
    const icon = await fetch(`${base}/favicon.ico`);
    expect(icon.status).toBe(204);
  });

  it('a subscription sent over HTTP gets 400 BAD_REQUEST saying to use graphql-ws, not a 500', async () => {
    const subscription = print(operations.find((o) => o.name?.value === 'PhoneChanges')!);
    const res = await fetch(t.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: subscription }),
    });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { errors: { message: string; extensions: { code: string } }[] };
    expect(body.errors.map((e) => e.extensions.code)).toEqual(['BAD_REQUEST']);
    expect(body.errors[0]!.message).toContain('graphql-ws');
  });
});
