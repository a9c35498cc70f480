/**
 * The gateway's HTTP surface: `/graphql` (Apollo Server), `/healthz` (200 once ready, 503 before), `/metrics`
 * (Prometheus, once ready; behind the API tokens when they are set) and whatever
 * routes later parts mount (webhooks, the admin UI). It listens before it is ready so orchestrators can watch
 * readiness instead of guessing. Subscriptions (graphql-ws) share the port and the `/graphql` path.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { ApolloServer } from '@apollo/server';
import { expressMiddleware } from '@as-integrations/express5';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import type { DatabaseHandle } from '../db/open-database.ts';
import type { Logger } from '../lib/logger.ts';
import type { CustomerGraphGateway } from './gateway.ts';
import { graphqlIde } from './ide.ts';
import { adminAccessPlugin, apiTokenCheck, bearerToken } from './admin-access.ts';
import type { AdminAccessSetup } from './admin-access.ts';
import type { GatewayMetrics } from './metrics.ts';
import type { FieldUsageRecorder } from './field-usage.ts';
import { operationLimits } from './operation-limits.ts';
import type { OperationLimits } from './operation-limits.ts';
import { createSubscriptionLayer } from './subscriptions/index.ts';
import type { SubscriptionLayer } from './subscriptions/index.ts';

/** What the subscription layer needs from the composition root. */
export interface SubscriptionSetup {
  /** The database handle whose LISTEN brings change events (and whose records resolve merged-away ids). */
  events: Pick<DatabaseHandle, 'listen' | 'db'>;
  /** CUSTOMER_GRAPH_API_TOKENS; unset: subscriptions are open (a warning is logged). */
  apiTokens?: readonly string[] | undefined;
  /** Before each change event is fanned out (see SubscriptionLayerOptions.beforeEvent). */
  beforeEvent?: ((customerId: string) => Promise<void>) | undefined;
}

/** The app's metrics, served at `GET /metrics`. */
export interface MetricsSetup {
  metrics: GatewayMetrics;
  /** CUSTOMER_GRAPH_API_TOKENS; set: a scrape needs `authorization: Bearer <token>` with one of them. */
  apiTokens?: readonly string[] | undefined;
  /** Counts which fields clients ask for (field-usage.ts). */
  fieldUsage?: FieldUsageRecorder | undefined;
}

export interface GatewayServer {
  app: express.Express;
  httpServer: http.Server;
  url: string;
  port: number;
  /** The graphql-ws layer, once `ready` was given a SubscriptionSetup. */
  subscriptions: SubscriptionLayer | undefined;
  /**
   * Starts Apollo Server on the gateway and mounts `/graphql`; `/healthz` turns 200 afterwards. With
   * `subscriptions`, graphql-ws serves the same path. With `adminAccess`, admin root fields need an API token.
   * With `metrics`, GraphQL traffic is counted and `/metrics` answers.
   */
  ready(gateway: CustomerGraphGateway, subscriptions?: SubscriptionSetup, adminAccess?: AdminAccessSetup, metrics?: MetricsSetup): Promise<void>;
  close(): Promise<void>;
}

export async function listenGateway(opts: {
  port: number; host: string; logger: Logger; limits?: OperationLimits;
  /** Stack traces in GraphQL errors (`extensions.stacktrace`); off unless asked for: they show clients our internals. */
  errorStacktraces?: boolean;
}): Promise<GatewayServer> {
  const app = express();
  const httpServer = http.createServer(app);
  // Idle keep-alive sockets outlive clients' and load balancers' idle timeouts, so a client never reuses a socket the
  // server is closing (that race surfaces as ECONNRESET under load).
  httpServer.keepAliveTimeout = 65_000;
  httpServer.headersTimeout = 66_000;
  let isReady = false;
  let apollo: ApolloServer | undefined;
  // Browsers ask for it on every page (IDE, admin UI); an answer with no content keeps their consoles free of 404s.
  app.get('/favicon.ico', (_req, res) => void res.status(204).end());
  app.get('/healthz', (_req, res) => {
    res.status(isReady ? 200 : 503).json({ status: isReady ? 'ok' : 'starting' });
  });
  // Until `ready` mounts the real handler (a start can link CRMs for minutes), a scraper learns why there is nothing.
  let metricsMounted = false;
  app.get('/metrics', (_req, res, next) => {
    if (metricsMounted) return next();
    res.status(503).type('text/plain').send('starting: metrics are served once the gateway is ready\n');
  });

  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(opts.port, opts.host, () => resolve());
  });
  const port = (httpServer.address() as AddressInfo).port;
  const shownHost = opts.host === '0.0.0.0' || opts.host === '::' ? 'localhost' : opts.host;

  const server: GatewayServer = {
    app,
    httpServer,
    port,
    url: `http://${shownHost}:${port}`,
    subscriptions: undefined,
    async ready(gw, subscriptionSetup, adminAccess, metricsSetup) {
      const limits = operationLimits(opts.limits);
      const subscriptions = subscriptionSetup
        ? createSubscriptionLayer({
          httpServer,
          path: '/graphql',
          limits,
          events: subscriptionSetup.events,
          apiTokens: subscriptionSetup.apiTokens,
          beforeEvent: subscriptionSetup.beforeEvent,
          logger: opts.logger,
          // Subscription payloads run through the gateway exactly like queries (plans, golden fields, provenance).
          execute: async (request) => {
            const response = await apollo!.executeOperation(request);
            if (response.body.kind !== 'single') throw new Error('incremental delivery is not supported for subscription payloads');
            return response.body.singleResult;
          },
        })
        : undefined;
      apollo = new ApolloServer({
        gateway: gw.gateway,
        // The process shuts down itself (cli/shutdown-signal.ts → app.close(), which stops Apollo too). Apollo's own
        // handler would stop only Apollo and then re-raise the signal, killing the process before the database,
        // workers and its data-folder lock are closed.
        stopOnTerminationSignals: false,
        introspection: true,
        // Apollo includes them unless NODE_ENV is production; a gateway run on its defaults is not a debugging session.
        includeStacktraceInErrorResponses: opts.errorStacktraces ?? false,
        validationRules: limits.validationRules,
        parseOptions: limits.parseOptions,
        allowBatchedHttpRequests: false,
        plugins: [
          ApolloServerPluginDrainHttpServer({ httpServer }),
          ApolloServerPluginLandingPageDisabled(),
          ...(subscriptions ? [subscriptions.apolloPlugin()] : []),
          ...(adminAccess ? [adminAccessPlugin(adminAccess, opts.logger)] : []),
          // After admin access: its refusals are counted as errors too.
          ...(metricsSetup ? [metricsSetup.metrics.apolloPlugin()] : []),
          ...(metricsSetup?.fieldUsage ? [metricsSetup.fieldUsage.apolloPlugin()] : []),
        ],
      });
      await apollo.start();
      if (subscriptions) {
        await subscriptions.start();
        server.subscriptions = subscriptions;
      }
      if (metricsSetup) {
        mountMetrics(app, metricsSetup, opts.logger);
        metricsMounted = true;
      }
      app.use('/graphql', graphqlIde('/graphql'), express.json({ limit: '2mb' }), expressMiddleware(apollo), bodyErrors);
      isReady = true;
      opts.logger.info({ url: `http://${shownHost}:${port}/graphql` }, 'gateway ready');
    },
    async close() {
      isReady = false;
      if (apollo) await apollo.stop();
      else await new Promise<void>((resolve) => httpServer.close(() => resolve()));
    },
  };
  return server;
}

/**
 * A body express.json cannot read answers as GraphQL does, in JSON with a code, not with Express's HTML page and
 * its stack trace (our file paths): malformed JSON 400 BAD_REQUEST, over 2 MB 413 PAYLOAD_TOO_LARGE.
 */
function bodyErrors(err: unknown, _req: express.Request, res: express.Response, next: express.NextFunction): void {
  const type = (err as { type?: unknown } | null)?.type;
  if (type === 'entity.parse.failed') {
    res.status(400).json({ errors: [{ message: `The request body is not valid JSON (${(err as Error).message}). Send {"query": "…", "variables": {…}} with content-type application/json.`, extensions: { code: 'BAD_REQUEST' } }] });
    return;
  }
  if (type === 'entity.too.large') {
    res.status(413).json({ errors: [{ message: 'The request body is larger than 2 MB. Send smaller variables, or page through large inputs.', extensions: { code: 'PAYLOAD_TOO_LARGE' } }] });
    return;
  }
  next(err);
}

/** `GET /metrics` in the Prometheus text format; 401 without one of the API tokens when they are configured. */
function mountMetrics(app: express.Express, setup: MetricsSetup, logger: Logger): void {
  const tokens = setup.apiTokens ?? [];
  const valid = apiTokenCheck(tokens);
  const { registry } = setup.metrics;
  app.get('/metrics', async (req, res) => {
    if (tokens.length > 0) {
      const token = bearerToken(req.headers.authorization);
      if (!token || !valid(token)) {
        res.status(401).set('www-authenticate', 'Bearer').type('text/plain')
          .send(token ? 'The token sent is not one of CUSTOMER_GRAPH_API_TOKENS\n' : "/metrics needs an API token: send 'authorization: Bearer <token>' with one of CUSTOMER_GRAPH_API_TOKENS\n");
        return;
      }
    }
    try {
      const text = await registry.metrics();
      res.status(200).set('content-type', registry.contentType).send(text);
    } catch (err) {
      logger.error({ err }, 'metrics: collecting failed');
      res.status(500).type('text/plain').send('collecting metrics failed\n');
    }
  });
}
