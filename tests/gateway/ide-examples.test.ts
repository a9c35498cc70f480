/**
 * The example operations the GraphQL IDE opens on are valid against the running gateway's schema and answer without
 * errors on the embedded demo: a renamed field or argument breaks this test instead of a newcomer's first query.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Kind, parse, print } from 'graphql';
import type { OperationDefinitionNode } from 'graphql';
import { EXAMPLE_OPERATIONS } from '../../gateway/ide.ts';
import { startTestApp } from '../support/test-app.ts';
import type { TestApp } from '../support/test-app.ts';

const operations = parse(EXAMPLE_OPERATIONS).definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);

describe('GraphQL IDE example operations', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  }, 240_000);
  afterAll(async () => t?.close());

  it('are named and include the admin examples', () => {
    expect(operations.map((o) => o.name?.value)).toEqual(['Customers', 'WhoWonEachField', 'DealsWithCompanyAndContact', 'Conflicts', 'DataQuality', 'MappingSuggestions', 'FieldUsage']);
  });

  it.each(operations.map((o) => [o.name!.value, print(o)] as const))('%s runs without errors and answers data', async (_name, query) => {
    const res = await t.gql<Record<string, unknown>>(query);
    expect(res.errors).toBeUndefined();
    expect(Object.values(res.data ?? {}).every((v) => v !== null)).toBe(true);
  });
});
