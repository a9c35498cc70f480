/**
 * The subscription layer next to Apollo Gateway (which executes no subscriptions): graphql-ws on the gateway's HTTP
 * server and path, authenticated in `connection_init`, validating against the gateway's API schema extended with
 * `Subscription`, fed by Postgres LISTEN on `customer_changed`, and resolving `customer` payloads through the
 * gateway itself. Queries and mutations sent over the socket are executed through the gateway too, so a client
 * can use one graphql-ws connection for everything.
 */
import type http from 'node:http';
import { print } from 'graphql';
import type { FormattedExecutionResult, GraphQLSchema } from 'graphql';
import { WebSocketServer } from 'ws';
import { useServer } from 'graphql-ws/use/ws';
import type { ApolloServerPlugin } from '@apollo/server';
import { listenCustomerChanged } from '../../db/change-events.ts';
import { resolveGoldenIds } from '../../db/golden-store.ts';
import type { DatabaseHandle } from '../../db/open-database.ts';
import type { Logger } from '../../lib/logger.ts';
import { CustomerChangeHub } from './change-hub.ts';
import type { ChangeHubStats } from './change-hub.ts';
import { createConnectionAuthoriser } from './connection-auth.ts';
import { createDocumentCache } from './document-cache.ts';
import type { DocumentLimits } from './document-cache.ts';
import { CUSTOMER_ID_VARIABLE } from './customer-interest.ts';
import { newSubscriptionContext, subscribeWith, toExecutionResult } from './subscription-execution.ts';
import { buildSubscriptionSchema } from './subscription-schema.ts';
import { subscriptionHttpHooks } from './http-hooks.ts';

/** Executes one GraphQL request through the gateway (Apollo Server `executeOperation`). */
export type GatewayExecutor = (request: {
  query: string;
  variables?: Record<string, unknown> | undefined;
  operationName?: string | undefined;
}) => Promise<FormattedExecutionResult>;

export interface SubscriptionLayerOptions {
  httpServer: http.Server;
  /** Same path as the HTTP endpoint: `/graphql`. */
  path: string;
  /**
   * Where change events come from (LISTEN); the app's database handle. With `db`, merged-away ids are followed and
   * `after` replays the change log (customer_change_log).
   */
  events: Pick<DatabaseHandle, 'listen'> & Partial<Pick<DatabaseHandle, 'db'>>;
  execute: GatewayExecutor;
  /** Accepted tokens (CUSTOMER_GRAPH_API_TOKENS); unset: open, with a warning. */
  apiTokens?: readonly string[] | undefined;
  logger: Logger;
  /** graphql-ws ping interval, ms (default 12 s). */
  keepAliveMs?: number;
  /** Pending events one subscriber may lag behind before its oldest are dropped (default 256). */
  queueCapacity?: number;
  /**
   * Runs for each change event before it is fanned out, in event order (the composition root drops the
   * customer's records from the CRM subgraphs' caches, so payloads carry the new values). A failure is logged
   * and the event still goes out.
   */
  beforeEvent?: ((customerId: string) => Promise<void>) | undefined;
  /** The operation limits of the HTTP endpoint (gateway/operation-limits.ts), applied when a subscription starts. */
  limits?: DocumentLimits | undefined;
}

export interface SubscriptionStats extends ChangeHubStats {
  /** Open WebSocket connections. */
  connections: number;
}

export interface SubscriptionLayer {
  /** Rebuilds the schema subscriptions are validated against from the gateway's API schema. */
  updateSchema(apiSchema: GraphQLSchema): void;
  /** LISTENs for change events and accepts WebSocket connections. */
  start(): Promise<void>;
  stats(): SubscriptionStats;
  /** Apollo Server plugin: schema on load and hot swap, and shutdown with the server. */
  apolloPlugin(): ApolloServerPlugin;
  close(): Promise<void>;
}

export function createSubscriptionLayer(options: SubscriptionLayerOptions): SubscriptionLayer {
  const { logger } = options;
  const hub = new CustomerChangeHub(
    (resolution, customerId) => options.execute({ query: resolution.query, variables: { ...resolution.variables, [CUSTOMER_ID_VARIABLE]: customerId } }),
    logger,
    options.queueCapacity,
  );
  const authorise = createConnectionAuthoriser(options.apiTokens, logger);
  const db = options.events.db;
  let schema: GraphQLSchema | undefined;
  let wsServer: WebSocketServer | undefined;
  let disposeWs: (() => Promise<void>) | undefined;
  let unlisten: (() => Promise<void>) | undefined;
  let closing: Promise<void> | undefined;
  let malformedWarned = false;
  const httpHooks = subscriptionHttpHooks(() => schema, options.path);

  const layer: SubscriptionLayer = {
    updateSchema(apiSchema) {
      try {
        schema = buildSubscriptionSchema(apiSchema);
      } catch (err) {
        // Keep serving with the previous schema rather than refuse every subscription.
        logger.error({ err }, 'subscription schema not rebuilt; the previous one stays');
      }
    },

    async start() {
      // One chain keeps events in order while each waits for its beforeEvent.
      let chain: Promise<void> = Promise.resolve();
      const before = options.beforeEvent;
      unlisten = await listenCustomerChanged(
        options.events,
        (event) => {
          if (!before) return hub.publish(event);
          chain = chain
            .then(() => before(event.customerId))
            .catch((err: unknown) => logger.warn({ err, customerId: event.customerId }, 'preparing a change event failed; delivering it anyway'))
            .then(() => hub.publish(event));
        },
        (payload) => {
          if (malformedWarned) return;
          malformedWarned = true;
          logger.warn({ payload: payload.slice(0, 200) }, 'ignoring malformed customer_changed payloads');
        },
      );
      wsServer = new WebSocketServer({ server: options.httpServer, path: options.path });
      const documents = createDocumentCache(undefined, options.limits);
      const server = useServer<Record<string, unknown>>(
        {
          parse: (source) => documents.parse(typeof source === 'string' ? source : source.body),
          validate: (s, document) => documents.validate(s, document),
          schema: () => {
            if (!schema) throw new Error('the gateway schema is not loaded yet');
            return schema;
          },
          onConnect: (ctx) => authorise(ctx.connectionParams),
          context: () => newSubscriptionContext() as unknown as Record<string, unknown>,
          subscribe: subscribeWith(hub, db ? (ids) => resolveGoldenIds(db, 'Customer', ids) : undefined, db, logger),
          execute: async (args) => toExecutionResult(await options.execute({
            query: print(args.document),
            variables: (args.variableValues ?? undefined) as Record<string, unknown> | undefined,
            operationName: args.operationName ?? undefined,
          })),
        },
        wsServer,
        options.keepAliveMs,
      );
      disposeWs = async () => void (await server.dispose());
    },

    stats: () => ({ ...hub.stats(), connections: wsServer?.clients.size ?? 0 }),

    apolloPlugin: () => ({
      async serverWillStart() {
        return {
          schemaDidLoadOrUpdate: ({ apiSchema }) => layer.updateSchema(apiSchema),
          drainServer: () => layer.close(),
        };
      },
      requestDidStart: async () => httpHooks,
    }),

    close() {
      closing ??= (async () => {
        hub.closeAll();
        await disposeWs?.().catch((err) => logger.warn({ err }, 'closing subscription sockets failed'));
        for (const client of wsServer?.clients ?? []) client.terminate();
        await new Promise<void>((resolve) => (wsServer ? wsServer.close(() => resolve()) : resolve()));
        await unlisten?.().catch((err) => logger.warn({ err }, 'UNLISTEN customer_changed failed'));
      })();
      return closing;
    },
  };
  return layer;
}
