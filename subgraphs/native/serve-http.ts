/**
 * Serves any subgraph standalone over HTTP: `POST /graphql` (Apollo Server 5 on express 5) and `/healthz`.
 * Used by `customer-graph subgraph <name> --port …`, and by Apollo Router / Hive Gateway deployments.
 *
 * The schema can change while serving (a CRM custom field after `refresh()`), but Apollo Server fixes its
 * schema at start unless it is driven by a gateway. So a tiny gateway adapter feeds it: before each request the
 * current `subgraph.schema()` is compared with the one served and, if it changed, handed to Apollo Server
 * (executor `null` means plain execution against that schema). The swap happens before Apollo Server reads the
 * schema for the request, so the first request after a refresh already sees it.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import type { GatewayInterface, GatewaySchemaLoadOrUpdateCallback } from '@apollo/server-gateway-interface';
import { expressMiddleware } from '@as-integrations/express5';
import type { GraphQLSchema } from 'graphql';

export interface ServableSubgraph {
  readonly name: string;
  schema(): GraphQLSchema;
  typeDefs?(): string;
}

export interface ServeOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** Default 127.0.0.1; '0.0.0.0' to serve other hosts. */
  host?: string;
  /** Apollo Server's logger (pino fits); default Apollo's console logger. */
  logger?: { debug(m: string): void; info(m: string): void; warn(m: string): void; error(m: string): void };
}

export interface ServedSubgraph {
  /** The GraphQL endpoint, e.g. http://127.0.0.1:4201/graphql: what a remote SubgraphSource points at. */
  url: string;
  port: number;
  close(): Promise<void>;
}

/** Hands Apollo Server whatever schema the subgraph has now. */
class CurrentSchemaGateway implements GatewayInterface {
  private callbacks = new Set<GatewaySchemaLoadOrUpdateCallback>();
  private served: GraphQLSchema | undefined;

  constructor(private readonly subgraph: ServableSubgraph) {}

  /** Pushes the current schema to Apollo Server when it differs from the one being served. */
  sync(): void {
    const schema = this.subgraph.schema();
    if (schema === this.served) return;
    this.served = schema;
    const context = { apiSchema: schema, coreSupergraphSdl: this.subgraph.typeDefs?.() ?? '' };
    for (const cb of this.callbacks) cb(context);
  }

  onSchemaLoadOrUpdate(callback: GatewaySchemaLoadOrUpdateCallback) {
    this.callbacks.add(callback);
    return () => {
      this.callbacks.delete(callback);
    };
  }

  async load() {
    this.served = undefined;
    this.sync();
    return { executor: null };
  }

  async stop() {}
}

export async function serveSubgraphHttp(subgraph: ServableSubgraph, options: ServeOptions = {}): Promise<ServedSubgraph> {
  const host = options.host ?? '127.0.0.1';
  const app = express();
  const httpServer = http.createServer(app);
  const gateway = new CurrentSchemaGateway(subgraph);
  const apollo = new ApolloServer<Record<string, unknown>>({
    gateway,
    introspection: true,
    // The gateway in front decides what its clients see; a subgraph's own stack traces are not for them.
    includeStacktraceInErrorResponses: false,
    // The subgraph command shuts down itself (cli/shutdown-signal.ts); Apollo's handler would re-raise the signal.
    stopOnTerminationSignals: false,
    ...(options.logger ? { logger: options.logger } : {}),
    plugins: [ApolloServerPluginDrainHttpServer({ httpServer }), ApolloServerPluginLandingPageDisabled()],
  });
  await apollo.start();

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok', subgraph: subgraph.name });
  });
  app.use(
    '/graphql',
    express.json({ limit: '5mb' }),
    (_req, _res, next) => {
      gateway.sync();
      next();
    },
    // A fresh context object per request: the subgraph keys its per-request DataLoaders on it.
    expressMiddleware(apollo, { context: async () => ({}) }),
  );

  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(options.port ?? 0, host, () => resolve());
  });
  const port = (httpServer.address() as AddressInfo).port;
  const shownHost = host === '0.0.0.0' || host === '::' ? 'localhost' : host;
  return {
    url: `http://${shownHost}:${port}/graphql`,
    port,
    close: () => apollo.stop(),
  };
}
