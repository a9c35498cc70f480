/**
 * Runs subscription operations with graphql-js `subscribe` on the subscription schema. `customerChanged` registers
 * the subscriber's interest with the hub; each payload is then shaped to the client's exact selection by
 * graphql-js, reading the gateway's pre-resolved `customer` data by response key (the resolution query kept the
 * client's aliases). Errors the gateway reported for `customer` are re-pathed under the subscription field and
 * added to that event's result, so a failing CRM shows up exactly as it would in a query.
 */
import { GraphQLError, responsePathAsArray } from 'graphql';
import type { ExecutionArgs, ExecutionResult, FormattedExecutionResult, GraphQLFieldResolver, GraphQLFormattedError } from 'graphql';
import type { CustomerChangeHub, CustomerChangePayload } from './change-hub.ts';
import { readCustomerInterest } from './customer-interest.ts';
import { graphqlRuntime } from './graphql-runtime.ts';
import type { CustomerChangedArgs } from './customer-interest.ts';

/** Per operation (graphql-ws builds one per subscribe message): errors waiting to join the current event's result. */
export interface SubscriptionContext {
  gatewayErrors: GraphQLError[];
}

export function newSubscriptionContext(): SubscriptionContext {
  return { gatewayErrors: [] };
}

/** A formatted (JSON) error from the gateway as a GraphQLError at `path`, for graphql-ws to serialise. */
export function toGraphQLError(error: GraphQLFormattedError, path?: readonly (string | number)[]): GraphQLError {
  return new GraphQLError(error.message, { path: path ?? error.path, extensions: error.extensions });
}

/** A gateway answer (formatted) as an ExecutionResult graphql-ws can send. */
export function toExecutionResult(result: FormattedExecutionResult): ExecutionResult {
  return {
    ...(result.data !== undefined ? { data: result.data } : {}),
    ...(result.errors ? { errors: result.errors.map((e) => toGraphQLError(e)) } : {}),
    ...(result.extensions ? { extensions: result.extensions } : {}),
  };
}

const subscribeFieldResolver = (hub: CustomerChangeHub): GraphQLFieldResolver<unknown, SubscriptionContext> => (_root, args, _ctx, info) => {
  if (info.parentType.name === 'Subscription' && info.fieldName === 'customerChanged') {
    return hub.subscribe(readCustomerInterest(args as CustomerChangedArgs, info));
  }
  throw new GraphQLError(`Subscription field ${info.fieldName} is not served by this gateway`);
};

const fieldResolver: GraphQLFieldResolver<unknown, SubscriptionContext> = (source, _args, ctx, info) => {
  const parent = info.parentType.name;
  // The root value of each event's execution is the hub's payload itself.
  if (parent === 'Subscription') return source;
  if (parent === 'CustomerChange') {
    const payload = source as CustomerChangePayload;
    if (info.fieldName !== 'customer') return (payload as unknown as Record<string, unknown>)[info.fieldName];
    const result = payload.customer;
    if (!result) return null;
    const here = responsePathAsArray(info.path);
    const key = String(info.path.key);
    for (const error of result.errors ?? []) {
      // The resolution query has one `customer` field per response key; keep the errors of this one.
      const errorPath = (error as GraphQLFormattedError).path;
      if (errorPath && errorPath[0] !== key) continue;
      ctx.gatewayErrors.push(toGraphQLError(error as GraphQLFormattedError, errorPath ? [...here, ...errorPath.slice(1)] : here));
    }
    return (result.data as Record<string, unknown> | null | undefined)?.[key] ?? null;
  }
  // Inside `customer`: gateway data, keyed by the client's response keys (aliases).
  return source && typeof source === 'object' ? (source as Record<string, unknown>)[String(info.path.key)] : null;
};

/** The graphql-ws `subscribe` implementation: graphql-js subscribe, plus the gateway's errors per event. */
export function subscribeWith(hub: CustomerChangeHub) {
  const resolveSubscribe = subscribeFieldResolver(hub);
  return async (args: ExecutionArgs): Promise<AsyncGenerator<ExecutionResult> | ExecutionResult> => {
    const ctx = (args.contextValue as SubscriptionContext | undefined) ?? newSubscriptionContext();
    const result = await graphqlRuntime.subscribe({ ...args, contextValue: ctx, fieldResolver, subscribeFieldResolver: resolveSubscribe });
    if (!(Symbol.asyncIterator in result)) return result;
    return withGatewayErrors(result, ctx);
  };
}

/**
 * Adds the gateway's errors to each event's result. A plain iterator rather than an async generator: a generator
 * waiting for the next event would queue `return()` until that event came, leaking the hub subscription of a
 * client that completes during a quiet period.
 */
function withGatewayErrors(results: AsyncGenerator<ExecutionResult>, ctx: SubscriptionContext): AsyncGenerator<ExecutionResult> {
  const iterator: AsyncGenerator<ExecutionResult> = {
    async next() {
      const step = await results.next();
      if (step.done) return step;
      const extra = ctx.gatewayErrors.splice(0);
      return { done: false, value: extra.length ? { ...step.value, errors: [...(step.value.errors ?? []), ...extra] } : step.value };
    },
    return: (value) => results.return(value),
    throw: (err) => results.throw(err),
    [Symbol.asyncIterator]: () => iterator,
  };
  return iterator;
}
