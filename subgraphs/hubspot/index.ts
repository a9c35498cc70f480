/**
 * The HubSpot subgraph: contacts, companies and deals as `HubSpotContact @key(fields: "id")`…, built from the
 * portal's properties API by the generic native builder. Only naming and wiring live here.
 */
import type { Connector } from '../../connectors/contract/index.ts';
import { createNativeSubgraph } from '../native/build-native-subgraph.ts';
import type { NativeSubgraph, NativeSubgraphLogger } from '../native/build-native-subgraph.ts';
import { crmPrefix, nativeTypeName } from '../source-catalog.ts';

export const HUBSPOT_OBJECTS = ['contacts', 'companies', 'deals'];

export interface HubSpotSubgraphOptions {
  /** Default: contacts, companies, deals. */
  objectTypes?: string[];
  cacheTtlMs?: number;
  cacheMax?: number;
  logger?: NativeSubgraphLogger;
}

export function createHubSpotSubgraph(connector: Connector, options: HubSpotSubgraphOptions = {}): Promise<NativeSubgraph> {
  return createNativeSubgraph({
    name: 'hubspot',
    connector,
    naming: {
      typeName: (objectType) => nativeTypeName('hubspot', objectType),
      prefix: crmPrefix('hubspot'),
      keyField: 'id',
      objectTypes: options.objectTypes ?? HUBSPOT_OBJECTS,
      // HubSpot batch reads cannot follow a reference: a referenced record is loaded by entity batch.
    },
    cacheTtlMs: options.cacheTtlMs,
    cacheMax: options.cacheMax,
    logger: options.logger,
  });
}
