/**
 * The HubSpot subgraph: contacts, companies and deals as `HubSpotContact @key(fields: "id")`…, built from the
 * portal's properties API by the generic native builder. Only naming and wiring live here.
 */
import type { Connector } from '../../connectors/contract/index.ts';
import type { NativeSubgraph } from '../native/build-native-subgraph.ts';
import { createCrmSubgraph } from '../native/crm-subgraph.ts';
import type { CrmSubgraphOptions } from '../native/crm-subgraph.ts';

export const HUBSPOT_OBJECTS = ['contacts', 'companies', 'deals'];

/** objectTypes default: contacts, companies, deals. */
export type HubSpotSubgraphOptions = CrmSubgraphOptions;

export function createHubSpotSubgraph(connector: Connector, options: HubSpotSubgraphOptions = {}): Promise<NativeSubgraph> {
  // HubSpot batch reads cannot follow a reference: a referenced record is loaded by entity batch.
  return createCrmSubgraph('hubspot', connector, { objectTypes: HUBSPOT_OBJECTS, keyField: 'id' }, options);
}
