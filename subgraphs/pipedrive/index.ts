/**
 * The Pipedrive subgraph: persons, organizations and deals as `PipedrivePerson @key(fields: "id")`…, built from the
 * company's field metadata (personFields, organizationFields, dealFields) by the generic native builder. Only naming
 * and wiring live here: everything Pipedrive-specific is in its connector.
 */
import type { Connector } from '../../connectors/contract/index.ts';
import type { NativeSubgraph } from '../native/build-native-subgraph.ts';
import { createCrmSubgraph } from '../native/crm-subgraph.ts';
import type { CrmSubgraphOptions } from '../native/crm-subgraph.ts';

export const PIPEDRIVE_OBJECTS = ['persons', 'organizations', 'deals'];

/** objectTypes default: persons, organizations, deals. */
export type PipedriveSubgraphOptions = CrmSubgraphOptions;

export function createPipedriveSubgraph(connector: Connector, options: PipedriveSubgraphOptions = {}): Promise<NativeSubgraph> {
  // List reads return ids for org_id / person_id: a referenced record is loaded by entity batch.
  return createCrmSubgraph('pipedrive', connector, { objectTypes: PIPEDRIVE_OBJECTS, keyField: 'id' }, options);
}
