/**
 * The native subgraphs in the supergraph: they compose with identity (whose link fields point at the native
 * types), and run in-process behind the real gateway, where the gateway's own context carries the per-request
 * loaders and a refreshed CRM schema is hot-swapped by `reload()`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApolloServer } from '@apollo/server';
import type { Connector } from '../../../connectors/contract/index.ts';
import { createGateway } from '../../../gateway/gateway.ts';
import { composeSupergraph } from '../../../gateway/supergraph.ts';
import type { SubgraphSource } from '../../../gateway/subgraph-source.ts';
import { createLogger } from '../../../lib/logger.ts';
import { DEFAULT_MAPPING_CONFIG } from '../../../resolver-engine/defaults/default-mapping-config.ts';
import { createGoldenSubgraph } from '../../../subgraphs/golden/index.ts';
import { renderIdentitySdl } from '../../../subgraphs/identity/index.ts';
import type { NativeSubgraph } from '../../../subgraphs/native/build-native-subgraph.ts';
import { hubspotHarness } from '../hubspot/harness.ts';
import { salesforceHarness } from '../salesforce/harness.ts';
import type { RunningCrm } from './harness.ts';
import { upstreamCalls } from './harness.ts';


const local = (sg: NativeSubgraph): SubgraphSource => ({ name: sg.name, kind: 'local', typeDefs: () => sg.typeDefs(), schema: () => sg.schema() });

describe('native subgraphs in the supergraph', () => {
  let salesforce: RunningCrm;
  let hubspot: RunningCrm;
  let sfConnector: Connector;
  let hsConnector: Connector;

  beforeAll(async () => {
    [salesforce, hubspot] = await Promise.all([salesforceHarness.start(), hubspotHarness.start()]);
    sfConnector = salesforceHarness.connect(salesforce);
    hsConnector = hubspotHarness.connect(hubspot);
  });
  afterAll(async () => {
    await salesforce?.close();
    await hubspot?.close();
  });

  it('composes with identity and golden on the default mapping: every native field golden requires is served', async () => {
    const [sf, hs] = await Promise.all([salesforceHarness.createSubgraph(sfConnector), hubspotHarness.createSubgraph(hsConnector)]);
    const identityTypeDefs = renderIdentitySdl(DEFAULT_MAPPING_CONFIG);
    expect(identityTypeDefs).toContain('salesforceContacts: [SalesforceContact!]!');
    const golden = createGoldenSubgraph({ getConfig: () => DEFAULT_MAPPING_CONFIG, nativeTypeDefs: () => [sf.typeDefs(), hs.typeDefs()] });
    expect(golden.problems()).toEqual([]);
    const supergraph = composeSupergraph([
      { name: 'identity', kind: 'remote', url: 'http://identity.invalid/graphql', typeDefs: () => identityTypeDefs },
      golden,
      local(sf),
      local(hs),
    ]);
    expect(supergraph).toMatch(/type SalesforceContact\s+@join__type\(graph: [A-Z]+, key: "Id"[^)]*\)/);
    expect(supergraph).toMatch(/@join__type\(graph: SALESFORCE, key: "Id"\)/);
    expect(supergraph).toMatch(/@join__type\(graph: HUBSPOT, key: "id"\)/);
    expect(supergraph).toContain('MailingPostalCode: String');
    expect(supergraph).toContain('salesforceContacts(first: Int = 50, after: String): SalesforceContactConnection');
    expect(supergraph).toContain('hubSpotCompanies(first: Int = 50, after: String): HubSpotCompanyConnection');
  });

  it('runs in-process behind the gateway: 100 contacts with their accounts cost two upstream calls, and a new CRM field is hot-swapped in', async () => {
    const sf = await salesforceHarness.createSubgraph(sfConnector);
    const gw = createGateway(() => [local(sf)], createLogger('test'));
    const server = new ApolloServer({ gateway: gw.gateway });
    await server.start();
    try {
      const run = async (query: string) => {
        const res = await server.executeOperation({ query });
        if (res.body.kind !== 'single') throw new Error('incremental answer');
        return res.body.singleResult;
      };
      const { result, calls } = await upstreamCalls(salesforce, () =>
        run('{ salesforceContacts(first: 100) { edges { node { Id Email Account { Name Industry } } } } }'));
      expect(result.errors).toBeUndefined();
      const edges = (result.data as { salesforceContacts: { edges: { node: { Account: { Industry: unknown } | null } }[] } }).salesforceContacts.edges;
      expect(edges).toHaveLength(100);
      expect(edges.some((e) => e.node.Account?.Industry)).toBe(true);
      // One page of contacts, one batched read of every account of the page.
      expect(calls).toBe(2);

      const field = await salesforceHarness.createCustomField(salesforce);
      expect(gw.supergraphSdl()).not.toContain(`${field}: String`);
      sf.onChange(() => gw.reload());
      expect(await sf.refresh()).toBe(true);
      expect(gw.supergraphSdl()).toContain(`${field}: String`);
      const swapped = await run(`{ salesforceContacts(first: 1) { edges { node { Id ${field} } } } }`);
      expect(swapped.errors).toBeUndefined();
    } finally {
      await server.stop();
    }
  });
});
