/** Composes subgraph SDLs and plans operations with Apollo's own query planner, to assert on fetches. */
import { composeServices } from '@apollo/composition';
import { Supergraph, operationFromDocument } from '@apollo/federation-internals';
import { QueryPlanner } from '@apollo/query-planner';
import type { PlanNode, QueryPlan, SubscriptionNode } from '@apollo/query-planner';
import { parse } from 'graphql';

export function compose(subgraphs: { name: string; typeDefs: string }[]): { supergraphSdl?: string; errors: string[] } {
  const result = composeServices(subgraphs.map((s) => ({ name: s.name, url: `local://${s.name}`, typeDefs: parse(s.typeDefs) })));
  return { supergraphSdl: result.supergraphSdl, errors: (result.errors ?? []).map((e) => e.message) };
}

export function plan(supergraphSdl: string, operation: string): QueryPlan {
  const supergraph = Supergraph.build(supergraphSdl);
  return new QueryPlanner(supergraph).buildQueryPlan(operationFromDocument(supergraph.schema, parse(operation)));
}

/** Service names of every fetch in the plan, in plan order. */
export function fetches(queryPlan: QueryPlan): string[] {
  const out: string[] = [];
  const walk = (node: PlanNode | SubscriptionNode | undefined): void => {
    if (!node) return;
    switch (node.kind) {
      case 'Fetch': out.push(node.serviceName); break;
      case 'Flatten': walk(node.node); break;
      case 'Sequence': case 'Parallel': node.nodes.forEach(walk); break;
      case 'Condition': walk(node.ifClause); walk(node.elseClause); break;
      case 'Defer': walk(node.primary.node); node.deferred.forEach((d) => walk(d.node)); break;
      case 'Subscription': walk(node.primary); walk(node.rest); break;
      default: break;
    }
  };
  walk(queryPlan.node);
  return out;
}
