/**
 * The gateway's HTTP surface: `/graphql` (Apollo Server), `/healthz` (200 once ready, 503 before) and whatever
 * routes later parts mount (webhooks, the admin UI). It listens before it is ready so orchestrators can watch
 * readiness instead of guessing.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { ApolloServer } from '@apollo/server';
import { expressMiddleware } from '@as-integrations/express5';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import type { Logger } from '../lib/logger.ts';
import type { CustomerGraphGateway } from './gateway.ts';
import { graphqlIde } from './ide.ts';

export interface GatewayServer {
  app: express.Express;
  httpServer: http.Server;
  url: string;
  port: number;
  /** Starts Apollo Server on the gateway and mounts `/graphql`; `/healthz` turns 200 afterwards. */
  ready(gateway: CustomerGraphGateway): Promise<void>;
  close(): Promise<void>;
}

export async function listenGateway(opts: { port: number; host: string; logger: Logger }): Promise<GatewayServer> {
  const app = express();
  const httpServer = http.createServer(app);
  let isReady = false;
  let apollo: ApolloServer | undefined;
  app.get('/healthz', (_req, res) => {
    res.status(isReady ? 200 : 503).json({ status: isReady ? 'ok' : 'starting' });
  });

  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(opts.port, opts.host, () => resolve());
  });
  const port = (httpServer.address() as AddressInfo).port;
  const shownHost = opts.host === '0.0.0.0' || opts.host === '::' ? 'localhost' : opts.host;

  return {
    app,
    httpServer,
    port,
    url: `http://${shownHost}:${port}`,
    async ready(gw) {
      apollo = new ApolloServer({
        gateway: gw.gateway,
        introspection: true,
        plugins: [ApolloServerPluginDrainHttpServer({ httpServer }), ApolloServerPluginLandingPageDisabled()],
      });
      await apollo.start();
      app.use('/graphql', graphqlIde('/graphql'), express.json({ limit: '2mb' }), expressMiddleware(apollo));
      isReady = true;
      opts.logger.info({ url: `http://${shownHost}:${port}/graphql` }, 'gateway ready');
    },
    async close() {
      isReady = false;
      if (apollo) await apollo.stop();
      else await new Promise<void>((resolve) => httpServer.close(() => resolve()));
    },
  };
}
