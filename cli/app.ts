/**
 * The composition root: the one place where the database, the subgraphs, the connectors and the gateway are
 * wired together. Every other layer receives what it needs; nothing else decides which CRM is plugged in.
 */
import { openDatabase } from '../db/open-database.ts';
import type { DatabaseHandle } from '../db/open-database.ts';
import type { CredentialCipher } from '../db/credential-cipher.ts';
import { createGateway } from '../gateway/gateway.ts';
import type { CustomerGraphGateway } from '../gateway/gateway.ts';
import { listenGateway } from '../gateway/http-server.ts';
import type { GatewayServer } from '../gateway/http-server.ts';
import type { SubgraphSource } from '../gateway/subgraph-source.ts';
import type { AppConfig } from '../lib/config.ts';
import type { Logger } from '../lib/logger.ts';
import { resolveCipher } from './secret-key.ts';
// subscriptions (graphql-ws on /graphql): LISTEN source and connection tokens
import { parseApiTokens } from '../gateway/subscriptions/index.ts';
import { createIdentitySubgraph } from '../subgraphs/identity/index.ts';

export interface RunningApp {
  server: GatewayServer;
  database: DatabaseHandle;
  gateway: CustomerGraphGateway;
  cipher: CredentialCipher;
  close(): Promise<void>;
}

export async function startApp(config: AppConfig, logger: Logger, cipher: CredentialCipher = resolveCipher(config, logger)): Promise<RunningApp> {
  const server = await listenGateway({ port: config.port, host: config.host, logger });
  let database: DatabaseHandle | undefined;
  try {
    database = await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir });
    logger.info({ driver: database.driver }, 'database ready, migrations applied');
    const identity = createIdentitySubgraph(database.db);
    const sources: SubgraphSource[] = [{ name: identity.name, kind: 'local', typeDefs: () => identity.typeDefs, schema: () => identity.schema }];
    const gateway = createGateway(() => sources, logger);
    // subscriptions: change events arrive through this database's LISTEN; tokens checked in connection_init
    await server.ready(gateway, { events: database, apiTokens: parseApiTokens(process.env.CUSTOMER_GRAPH_API_TOKENS) });
    const db = database;
    return {
      server,
      database: db,
      gateway,
      cipher,
      async close() {
        await server.close();
        await db.close();
      },
    };
  } catch (err) {
    await server.close().catch(() => {});
    await database?.close().catch(() => {});
    throw err;
  }
}
