/**
 * The Dynamics 365 subgraph: contacts, accounts and opportunities as `DynamicsContact @key(fields: "id")`…, built
 * from the org's attribute metadata (EntityDefinitions) by the generic native builder. Dataverse names each table's
 * key after the table (contactid, accountid, opportunityid); the graph keys every type on `id`, as for the other
 * CRMs, so one key field serves all three. Everything Dynamics-specific is in its connector.
 */
import type { Connector } from '../../connectors/contract/index.ts';
import type { NativeSubgraph } from '../native/build-native-subgraph.ts';
import { createCrmSubgraph } from '../native/crm-subgraph.ts';
import type { CrmSubgraphOptions } from '../native/crm-subgraph.ts';

export const DYNAMICS_SUBGRAPH_OBJECTS = ['contacts', 'accounts', 'opportunities'];

/** objectTypes default: contacts, accounts, opportunities. */
export type DynamicsSubgraphOptions = CrmSubgraphOptions;

export function createDynamicsSubgraph(connector: Connector, options: DynamicsSubgraphOptions = {}): Promise<NativeSubgraph> {
  // Reads return lookups as ids (parentcustomerid, parentaccountid): a referenced record is loaded by entity batch.
  return createCrmSubgraph('dynamics', connector, { objectTypes: DYNAMICS_SUBGRAPH_OBJECTS, keyField: 'id' }, options);
}
