/**
 * Runs subscription operations with graphql-js `subscribe` on the subscription schema. `customerChanged` registers
 * the subscriber's interest with the hub; each payload is then shaped to the client's exact selection by
 * graphql-js, reading the gateway's pre-resolved `customer` data by response key (the resolution query kept the
 * client's aliases). Errors the gateway reported for `customer` are re-pathed under the subscription field and
 * added to that event's result, so a failing CRM shows up exactly as it would in a query.
 */
import { GraphQLError, print, responsePathAsArray } from 'graphql';
import type { ExecutionArgs, ExecutionResult, FormattedExecutionResult, GraphQLFieldResolver, GraphQLFormattedError } from 'graphql';
import type { CustomerChangeHub, CustomerChangePayload } from './change-hub.ts';
import { readCustomerInterest, stableJson } from './customer-interest.ts';
import { graphqlRuntime } from './graphql-runtime.ts';
import type { CustomerChangedArgs, CustomerInterest } from './customer-interest.ts';
import { catchUpStream, replayStart } from './change-replay.ts';
import type { ChangeLogReader } from '../../db/change-log.ts';
import type { Logger } from '../../lib/logger.ts';

/** Per execution of one event: the gateway's errors for `customer`, to join that event's result. */
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

/** The live customer behind each id (a merged-away id → the survivor; unknown → null). */
export type LiveCustomerIds = (ids: readonly string[]) => Promise<Map<string, string | null>>;

const subscribeFieldResolver = (
  hub: CustomerChangeHub, liveIds: LiveCustomerIds | undefined, changeLog: ChangeLogReader | undefined, logger: Pick<Logger, 'info'> | undefined,
): GraphQLFieldResolver<unknown, SubscriptionContext> =>
  async (_root, args, _ctx, info) => {
    if (info.parentType.name !== 'Subscription' || info.fieldName !== 'customerChanged') {
      throw new GraphQLError(`Subscription field ${info.fieldName} is not served by this gateway`);
    }
    const { after, ...interestArgs } = args as CustomerChangedArgs & { after?: string | null };
    const afterSeq = replayStart(after);
    if (afterSeq !== null && !changeLog) throw new GraphQLError('`after` needs the change log, which this gateway has no database for', { extensions: { code: 'BAD_USER_INPUT' } });
    let interest: CustomerInterest = readCustomerInterest(interestArgs, info);
    if (interest.ids && liveIds) {
      // A merged-away id keeps working, as in queries: its events are published under the surviving customer.
      const live = await liveIds([...interest.ids]);
      const ids = new Set(interest.ids);
      for (const id of live.values()) if (id) ids.add(id);
      interest = { ...interest, ids };
    }
    // With the change log, every stream is lossless: a cursor replays, and a subscriber too slow for its live queue
    // catches up from the log (change-replay.ts). Without a database, a slow subscriber loses its oldest events.
    return changeLog ? catchUpStream(hub, changeLog, interest, afterSeq, logger) : hub.subscribe(interest);
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

/**
 * The graphql-ws `subscribe` implementation: graphql-js creates the source stream (registering with the hub),
 * then each payload is shaped with graphql-js `execute`. Subscribers with the same operation (document, operation
 * name and variables) receive the same payload object from the hub, so the shaped result is computed once per
 * event and shared: 1,000 identical subscribers cost one resolution and one execution, not 1,000.
 */
export function subscribeWith(hub: CustomerChangeHub, liveIds?: LiveCustomerIds, changeLog?: ChangeLogReader, logger?: Pick<Logger, 'info'>) {
  const resolveSubscribe = subscribeFieldResolver(hub, liveIds, changeLog, logger);
  const shaped = new WeakMap<object, Map<string, ExecutionResult>>();
  return async (args: ExecutionArgs): Promise<AsyncIterableIterator<ExecutionResult> | ExecutionResult> => {
    const stream = await graphqlRuntime.createSourceEventStream({ ...args, contextValue: newSubscriptionContext(), fieldResolver, subscribeFieldResolver: resolveSubscribe });
    if (!(Symbol.asyncIterator in stream)) return stream;
    const operationKey = `${args.operationName ?? ''}\n${print(args.document)}\n${stableJson(args.variableValues ?? {})}`;
    const shape = (payload: CustomerChangePayload): ExecutionResult => {
      let byOperation = shaped.get(payload);
      if (!byOperation) shaped.set(payload, (byOperation = new Map()));
      let result = byOperation.get(operationKey);
      if (!result) {
        const ctx = newSubscriptionContext();
        // Synchronous: every resolver here reads data already resolved, so execute never returns a promise.
        const executed = graphqlRuntime.execute({ ...args, rootValue: payload, contextValue: ctx, fieldResolver }) as ExecutionResult;
        result = ctx.gatewayErrors.length ? { ...executed, errors: [...(executed.errors ?? []), ...ctx.gatewayErrors] } : executed;
        byOperation.set(operationKey, result);
      }
      return result;
    };
    return mapEvents((stream as AsyncIterable<CustomerChangePayload>)[Symbol.asyncIterator](), shape);
  };
}

/**
 * Maps the hub's stream to results. A plain iterator rather than an async generator: a generator waiting for the
 * next event would queue `return()` until that event came, leaking the hub subscription of a client that
 * completes during a quiet period.
 */
function mapEvents(events: AsyncIterator<CustomerChangePayload>, shape: (p: CustomerChangePayload) => ExecutionResult): AsyncIterableIterator<ExecutionResult> {
  const iterator: AsyncIterableIterator<ExecutionResult> = {
    async next() {
      const step = await events.next();
      return step.done ? { done: true, value: undefined } : { done: false, value: shape(step.value) };
    },
    return: async () => {
      await events.return?.();
      return { done: true, value: undefined };
    },
    [Symbol.asyncIterator]: () => iterator,
  };
  return iterator;
}
