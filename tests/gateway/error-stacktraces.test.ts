/**
 * GraphQL errors carry a code, not the server's stack trace: Apollo Server adds `extensions.stacktrace` to every error
 * unless NODE_ENV is production (or test), and a gateway started on its defaults is not a debugging session.
 * CUSTOMER_GRAPH_ERROR_STACKTRACES=1 turns them on. The tests run the app as a developer's machine would
 * (NODE_ENV=development), where Apollo's own default would include them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp } from '../support/test-app.ts';
import type { TestApp } from '../support/test-app.ts';

const BAD_CURSOR = '{ customers(first: 5, after: "not-a-cursor") { totalCount } }';

describe('stack traces in GraphQL errors', () => {
  const nodeEnv = process.env.NODE_ENV;
  const apps: TestApp[] = [];
  beforeAll(() => {
    process.env.NODE_ENV = 'development';
  });
  afterAll(async () => {
    process.env.NODE_ENV = nodeEnv;
    for (const app of apps) await app.close();
  });

  it('are left out by default: the error has its code and message only', async () => {
    const t = await startTestApp({ demo: false });
    apps.push(t);
    const res = await t.gql(BAD_CURSOR);
    expect(res.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(res.errors?.[0]?.extensions).not.toHaveProperty('stacktrace');
    const invalid = await t.gql('{ customers(first: 5) { noSuchField } }');
    expect(invalid.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(invalid.errors?.[0]?.extensions).not.toHaveProperty('stacktrace');
    // A body that is not JSON, or too large, gets the same JSON shape with a code, not Express's HTML stack trace.
    const post = (body: string) => fetch(t.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    const malformed = await post('{bad');
    expect(malformed.status).toBe(400);
    const text = await malformed.text();
    expect(text).not.toMatch(/node_modules|<pre>|at parse/);
    expect((JSON.parse(text) as { errors: { extensions: { code: string } }[] }).errors[0]!.extensions.code).toBe('BAD_REQUEST');
    const huge = await post(JSON.stringify({ query: '{ __typename }', variables: { x: 'y'.repeat(2.2 * 1024 * 1024) } }));
    expect(huge.status).toBe(413);
    expect(((await huge.json()) as { errors: { extensions: { code: string } }[] }).errors[0]!.extensions.code).toBe('PAYLOAD_TOO_LARGE');
  }, 120_000);

  it('are included with CUSTOMER_GRAPH_ERROR_STACKTRACES=1, for debugging', async () => {
    const t = await startTestApp({ demo: false, config: { CUSTOMER_GRAPH_ERROR_STACKTRACES: '1' } });
    apps.push(t);
    const res = await t.gql(BAD_CURSOR);
    expect(res.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(res.errors?.[0]?.extensions?.stacktrace).toEqual(expect.arrayContaining([expect.stringContaining('GraphQLError')]));
  }, 120_000);

  it('refuses a value other than 0, 1, true or false with CONFIG_INVALID', async () => {
    await expect(startTestApp({ demo: false, config: { CUSTOMER_GRAPH_ERROR_STACKTRACES: 'yes' } })).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
  });
});
