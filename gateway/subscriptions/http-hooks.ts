/**
 * What the HTTP endpoint does about subscriptions, which Apollo Gateway cannot execute:
 * - introspection (an operation that selects only `__schema`, `__type`, `__typename`) is answered from the schema
 *   graphql-ws serves — the API schema plus `Subscription` — so the IDE's docs, autocompletion and validation know
 *   `customerChanged`, and a client generating types from introspection sees it;
 * - a subscription sent over HTTP is refused with 400 `BAD_REQUEST` saying where subscriptions run, instead of the
 *   query planner's 500 ("The schema has no subscription root type defined").
 */
import { GraphQLError, Kind } from 'graphql';
import type { FragmentDefinitionNode, GraphQLSchema, OperationDefinitionNode, SelectionSetNode } from 'graphql';
import type { GraphQLRequestListener } from '@apollo/server';
import { graphqlRuntime } from './graphql-runtime.ts';

/** Whether every root field the operation selects (through fragments) is an introspection field. */
export function isIntrospectionOnly(operation: OperationDefinitionNode, fragments: ReadonlyMap<string, FragmentDefinitionNode>): boolean {
  if (operation.operation !== 'query') return false;
  const seen = new Set<string>();
  const only = (set: SelectionSetNode | undefined): boolean => (set?.selections ?? []).every((sel) => {
    if (sel.kind === Kind.FIELD) return sel.name.value.startsWith('__');
    if (sel.kind === Kind.INLINE_FRAGMENT) return only(sel.selectionSet);
    if (seen.has(sel.name.value)) return true;
    seen.add(sel.name.value);
    return only(fragments.get(sel.name.value)?.selectionSet);
  });
  return only(operation.selectionSet);
}

/** Per-request hooks of the subscription layer's Apollo plugin; `schema()` is the current subscription schema. */
export function subscriptionHttpHooks(schema: () => GraphQLSchema | undefined, path: string): GraphQLRequestListener<Record<string, unknown>> {
  return {
    async didResolveOperation({ operation }) {
      if (operation?.operation !== 'subscription') return;
      throw new GraphQLError(
        `Subscriptions run over WebSocket, not HTTP: connect a graphql-ws client (subprotocol graphql-transport-ws) to ws://<this host>${path} and send the subscription there. Queries and mutations work on either.`,
        { extensions: { code: 'BAD_REQUEST', http: { status: 400 } } },
      );
    },
    async responseForOperation({ operation, document, request, response }) {
      const current = schema();
      if (!current) return null;
      const fragments = new Map(document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => [d.name.value, d]));
      if (!isIntrospectionOnly(operation, fragments)) return null;
      const result = await graphqlRuntime.execute({
        schema: current,
        document,
        operationName: request.operationName ?? null,
        variableValues: request.variables ?? null,
      });
      const singleResult = { ...result, errors: result.errors?.map((e) => e.toJSON()) };
      if (!singleResult.errors) delete singleResult.errors;
      return { http: response.http, body: { kind: 'single', singleResult } };
    },
  };
}
