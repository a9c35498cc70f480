/**
 * The list-aware operation cost (gateway/list-cost.ts) on a small schema shaped like the served one: a golden
 * connection, a list returned directly, a native list and an unpaged nested list. The end-to-end refusal over HTTP
 * is in tests/gateway/operation-limits.test.ts.
 */
import { buildSchema, parse, validate } from 'graphql';
import type { FragmentDefinitionNode, OperationDefinitionNode } from 'graphql';
import { describe, expect, it } from 'vitest';
import { listCostRule, operationCost } from '../../gateway/list-cost.ts';

const schema = buildSchema(`
  type Query {
    customers(first: Int = 20, after: String): CustomerConnection!
    reviewQueue(first: Int = 20): [Review!]!
    salesforceContacts(first: Int = 50): SalesforceContactConnection
    customer(id: ID!): Customer
  }
  type CustomerConnection { totalCount: Int! edges: [CustomerEdge!]! pageInfo: PageInfo! }
  type CustomerEdge { cursor: String! node: Customer! }
  type PageInfo { hasNextPage: Boolean! endCursor: String }
  type Customer { id: ID! email: String sources: [SourceRef!]! }
  type SourceRef { crm: String! recordId: String! }
  type Review { id: ID! left: Customer }
  type SalesforceContactConnection { edges: [SalesforceContactEdge!]! }
  type SalesforceContactEdge { node: SalesforceContact! }
  type SalesforceContact { Id: ID! Email: String }
`);

function cost(text: string): number {
  const doc = parse(text);
  const fragments = new Map(doc.definitions.filter((d): d is FragmentDefinitionNode => d.kind === 'FragmentDefinition').map((d) => [d.name.value, d]));
  const operation = doc.definitions.find((d): d is OperationDefinitionNode => d.kind === 'OperationDefinition')!;
  return operationCost(schema, operation, (name) => fragments.get(name));
}

describe('list-aware operation cost', () => {
  it('multiplies a connection\'s edges by `first` and counts totalCount and pageInfo once', () => {
    const page = (first: number) => cost(`{ customers(first: ${first}) { totalCount pageInfo { hasNextPage } edges { node { id email } } } }`);
    // customers 1 + totalCount 1 + pageInfo 2 + edges (1 + first × (node 1 + id 1 + email 1)).
    expect(page(1)).toBe(8);
    expect(page(500)).toBe(1 + 1 + 2 + 1 + 500 * 3);
    expect(page(500) - page(250)).toBe(250 * 3);
  });

  it('uses the schema default without `first`, the largest page for a variable, and caps a literal at the largest page', () => {
    const node = '{ edges { node { id } } }';
    expect(cost(`{ customers ${node} }`)).toBe(2 + 20 * 2);
    expect(cost(`query($n: Int) { customers(first: $n) ${node} }`)).toBe(2 + 500 * 2);
    expect(cost(`{ customers(first: 100000) ${node} }`)).toBe(2 + 500 * 2);
    // Native lists answer up to 1,000; their default here is 50.
    expect(cost('query($n: Int) { salesforceContacts(first: $n) { edges { node { Id Email } } } }')).toBe(2 + 1000 * 3);
    expect(cost('{ salesforceContacts { edges { node { Id } } } }')).toBe(2 + 50 * 2);
  });

  it('multiplies a list returned directly as a whole, and counts lists without `first` once', () => {
    // reviewQueue 1 + 30 × (id 1 + left (1 + email 1 + sources (1 + crm 1))) = 1 + 30 × 5.
    expect(cost('{ reviewQueue(first: 30) { id left { email sources { crm } } } }')).toBe(1 + 30 * 5);
    expect(cost('{ customer(id: "c1") { sources { crm recordId } } }')).toBe(1 + 1 + 2);
  });

  it('counts fragments and inline fragments where they are spread, with the size of the list around them', () => {
    const plain = cost('{ customers(first: 10) { edges { node { id email } } } }');
    expect(cost('{ customers(first: 10) { edges { node { ...C } } } } fragment C on Customer { id email }')).toBe(plain);
    expect(cost('{ customers(first: 10) { ...E } } fragment E on CustomerConnection { edges { node { id email } } }')).toBe(plain);
    expect(cost('{ customers(first: 10) { edges { node { ... on Customer { id email } } } } }')).toBe(plain);
  });

  it('costs a document of doubling fragment spreads in linear time, and introspection as nothing', () => {
    // 2^23 spreads: seconds of work without the per-fragment memo, a millisecond with it.
    const levels = 24;
    const fragments = Array.from({ length: levels }, (_, i) => `fragment F${i} on Customer { ${i + 1 < levels ? `...F${i + 1} ...F${i + 1}` : 'id'} }`).join(' ');
    const started = performance.now();
    expect(cost(`{ customer(id: "c1") { ...F0 } } ${fragments}`)).toBe(1 + 2 ** (levels - 1));
    expect(performance.now() - started).toBeLessThan(1000);
    expect(cost('{ __schema { types { name fields { name } } } }')).toBe(0);
  });

  it('refuses, as a validation rule, an operation over the limit with its cost and the limit, and passes one within it', () => {
    const rule = listCostRule(1_000);
    expect(validate(schema, parse('{ customers(first: 400) { edges { node { id } } } }'), [rule])).toEqual([]);
    const errors = validate(schema, parse('query($n: Int!) { customers(first: $n) { edges { node { id } } } }'), [rule]);
    expect(errors.map((e) => e.message)).toEqual([expect.stringMatching(/^Query cost 1,002 is over the cost limit of 1,000\. .*Ask for smaller pages/)]);
    expect(errors[0]?.extensions).toMatchObject({ cost: 1002, maxCost: 1000 });
  });
});
