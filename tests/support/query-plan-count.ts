/** How many fetches per subgraph the query planner makes for an operation on a supergraph. */
import { Supergraph, operationFromDocument } from '@apollo/federation-internals';
import { QueryPlanner } from '@apollo/query-planner';
import type { PlanNode } from '@apollo/query-planner';
import { parse } from 'graphql';

export function countFetches(supergraphSdl: string, query: string): Record<string, number> {
  const supergraph = Supergraph.build(supergraphSdl);
  const planner = new QueryPlanner(supergraph);
  const plan = planner.buildQueryPlan(operationFromDocument(supergraph.schema, parse(query)));
  const counts: Record<string, number> = {};
  const walk = (node: PlanNode | undefined): void => {
    if (!node) return;
    switch (node.kind) {
      case 'Fetch':
        counts[node.serviceName] = (counts[node.serviceName] ?? 0) + 1;
        return;
      case 'Sequence':
      case 'Parallel':
        node.nodes.forEach(walk);
        return;
      case 'Flatten':
        walk(node.node);
        return;
      case 'Condition':
        walk(node.ifClause);
        walk(node.elseClause);
        return;
      default:
        return;
    }
  };
  walk(plan.node as PlanNode | undefined);
  return counts;
}
