/**
 * A whole customer graph for end-to-end tests: the Salesforce and HubSpot sandboxes, the real connectors, the real
 * native subgraphs (no cache, so a CRM write shows at once), identity and golden on a test database, the email
 * linker, and the gateway (Apollo Gateway behind Apollo Server) — wired the way cli/app.ts is meant to wire them.
 */
import { ApolloServer } from '@apollo/server';
import type { Connector } from '../../../../connectors/contract/index.ts';
import { createHubSpotConnector } from '../../../../connectors/hubspot/index.ts';
import { RateBudgetRegistry } from '../../../../connectors/runtime/index.ts';
import { createSalesforceConnector } from '../../../../connectors/salesforce/index.ts';
import { createGateway } from '../../../../gateway/gateway.ts';
import type { CustomerGraphGateway } from '../../../../gateway/gateway.ts';
import type { SubgraphSource } from '../../../../gateway/subgraph-source.ts';
import { createLogger } from '../../../../lib/logger.ts';
import type { MappingConfig, SourceRef, SurvivorshipFunctionRegistry } from '../../../../resolver-engine/index.ts';
import { goldenIdsOfRecords } from '../../../../db/relation-store.ts';
import type { DemoSeed } from '../../../../sandboxes/demo/index.ts';
import { startHubSpotSandbox } from '../../../../sandboxes/hubspot/index.ts';
import type { RunningHubSpotSandbox } from '../../../../sandboxes/hubspot/index.ts';
import { DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, startSalesforceSandbox } from '../../../../sandboxes/salesforce/index.ts';
import type { SalesforceSandbox } from '../../../../sandboxes/salesforce/index.ts';
import { createGoldenSubgraph } from '../../../../subgraphs/golden/index.ts';
import type { GoldenSubgraph } from '../../../../subgraphs/golden/index.ts';
import { createHubSpotSubgraph } from '../../../../subgraphs/hubspot/index.ts';
import { createIdentitySubgraph } from '../../../../subgraphs/identity/index.ts';
import type { IdentitySubgraph } from '../../../../subgraphs/identity/index.ts';
import type { NativeSubgraph } from '../../../../subgraphs/native/build-native-subgraph.ts';
import { createSalesforceSubgraph } from '../../../../subgraphs/salesforce/index.ts';
import { runEmailLinker } from '../../../../sync/email-linker.ts';
import type { LinkerProgress, LinkerReport } from '../../../../sync/email-linker.ts';
import { openTestDatabase } from '../../../support/test-database.ts';
import type { TestDatabase } from '../../../support/test-database.ts';

const HUBSPOT_TOKEN = 'pat-na1-3c0d2e9f-world-4e8b-9a61-5b1e0c4a7d2f';

export interface World {
  db: TestDatabase;
  salesforce: SalesforceSandbox;
  hubspot: RunningHubSpotSandbox;
  connectors: Map<string, Connector>;
  natives: NativeSubgraph[];
  identity: IdentitySubgraph;
  golden: GoldenSubgraph;
  gateway: CustomerGraphGateway;
  config(): MappingConfig;
  /** Replaces the configuration, rebuilds identity and golden, and hot-swaps the supergraph. */
  setConfig(config: MappingConfig): Promise<void>;
  link(onProgress?: (p: LinkerProgress) => void): Promise<LinkerReport>;
  query<T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>): Promise<{ data: T; errors?: { message: string; extensions?: Record<string, unknown> }[] }>;
  /** PUT /_sandbox/faults on one CRM's sandbox (empty list clears). */
  faults(crm: 'salesforce' | 'hubspot', rules: unknown[]): Promise<void>;
  close(): Promise<void>;
}

/** Standard HubSpot contact properties the default mapping reads, for sandboxes that do not predefine them. */
async function addMarketingProperties(hubspot: RunningHubSpotSandbox): Promise<void> {
  const properties = [
    { name: 'hs_email_optout', label: 'Unsubscribed from all email', type: 'bool', fieldType: 'booleancheckbox', options: [{ label: 'True', value: 'true' }, { label: 'False', value: 'false' }] },
    { name: 'hs_analytics_source', label: 'Original Source', type: 'enumeration', fieldType: 'select',
      options: ['ORGANIC_SEARCH', 'PAID_SEARCH', 'DIRECT_TRAFFIC', 'REFERRALS', 'OFFLINE'].map((v) => ({ label: v, value: v })) },
  ];
  for (const p of properties) {
    const res = await fetch(`${hubspot.url}/crm/v3/properties/contacts`, {
      method: 'POST',
      headers: { authorization: `Bearer ${HUBSPOT_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ ...p, groupName: 'contactinformation' }),
    });
    if (res.status !== 201 && res.status !== 409) throw new Error(`creating HubSpot property ${p.name}: ${res.status} ${await res.text()}`);
  }
}

export interface WorldOptions {
  functions?: SurvivorshipFunctionRegistry;
  /** Records the sandboxes start with (e.g. `generateDemoSeed()`); empty CRMs by default. */
  seed?: Pick<DemoSeed, 'salesforce' | 'hubspot'>;
  /** Sees every golden-id lookup of the relations (they go to the test database, as cli/app.ts wires them). */
  onLookup?: (records: readonly SourceRef[]) => void;
}

export async function startWorld(initial: MappingConfig, options: WorldOptions = {}): Promise<World> {
  let config = initial;
  const db = await openTestDatabase();
  const salesforce = await startSalesforceSandbox({ port: 0, ...(options.seed ? { demoSeed: options.seed.salesforce } : {}) });
  const hubspot = await startHubSpotSandbox({ port: 0, accessToken: HUBSPOT_TOKEN, ...(options.seed ? { demoSeed: options.seed.hubspot } : {}) });
  await addMarketingProperties(hubspot);
  // One quick retry: a loaded test machine can hand a request a keep-alive socket the sandbox just closed.
  const retry = { maxAttempts: 2, baseDelayMs: 5, maxDelayMs: 10 };
  const sfConnector = createSalesforceConnector({
    connectorId: `world-sf-${salesforce.url}`, loginUrl: salesforce.url, registry: new RateBudgetRegistry(), retry,
    auth: { kind: 'client-credentials', clientId: DEFAULT_CLIENT_ID, clientSecret: DEFAULT_CLIENT_SECRET },
  });
  const hsConnector = createHubSpotConnector({
    connectorId: `world-hs-${hubspot.url}`, baseUrl: hubspot.url, registry: new RateBudgetRegistry(), retry,
    auth: { kind: 'static', accessToken: HUBSPOT_TOKEN },
  });
  const connectors = new Map<string, Connector>([['salesforce', sfConnector], ['hubspot', hsConnector]]);
  const natives = [await createSalesforceSubgraph(sfConnector, { cacheTtlMs: 0 }), await createHubSpotSubgraph(hsConnector, { cacheTtlMs: 0 })];
  const identity = createIdentitySubgraph({ db: db.db, getConfig: () => config });
  const golden = createGoldenSubgraph({
    getConfig: () => config, nativeTypeDefs: () => natives.map((n) => n.typeDefs()), ...(options.functions ? { functions: options.functions } : {}),
    goldenIdsOfRecords: (records) => {
      options.onLookup?.(records);
      return goldenIdsOfRecords(db.db, records);
    },
  });
  const local = (sg: NativeSubgraph): SubgraphSource => ({ name: sg.name, kind: 'local', typeDefs: () => sg.typeDefs(), schema: () => sg.schema() });
  const gateway = createGateway(() => [identity, ...natives.map(local), golden], createLogger('test'));
  const server = new ApolloServer({ gateway: gateway.gateway });
  await server.start();
  // Composition can take seconds under load; a read now (retried if its socket went stale) leaves fresh sockets
  // for the writes tests make next, which are not retried.
  await Promise.all([...connectors.values()].map((c) => c.describeObjects(undefined, { lane: 'interactive' })));

  return {
    db, salesforce, hubspot, connectors, natives, identity, golden, gateway,
    config: () => config,
    async setConfig(next) {
      config = next;
      identity.rebuild();
      golden.rebuild();
      await gateway.reload();
    },
    link: (onProgress) => runEmailLinker({ db: db.db, config, connectors, ...(onProgress ? { onProgress } : {}), ...(options.functions ? { functions: options.functions } : {}) }),
    async query(query, variables) {
      const res = await server.executeOperation({ query, ...(variables ? { variables } : {}) });
      if (res.body.kind !== 'single') throw new Error('incremental answer');
      return res.body.singleResult as never;
    },
    async faults(crm, rules) {
      const sandbox = crm === 'salesforce' ? salesforce : hubspot;
      const res = await fetch(`${sandbox.url}/_sandbox/faults`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(rules) });
      if (!res.ok) throw new Error(`faults: ${res.status}`);
    },
    async close() {
      await server.stop();
      await Promise.allSettled([salesforce.close(), hubspot.close(), db.close()]);
    },
  };
}
