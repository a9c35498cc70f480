/**
 * The Zoho CRM subgraph: Contacts, Accounts and Deals as `ZohoContact @key(fields: "id")`…, built from the org's
 * field metadata (settings/fields) by the generic native builder. Custom fields appear as the org adds them.
 * Everything Zoho-specific (data centres, the `fields` limit, the org's time offset) is in its connector.
 */
import type { Connector } from '../../connectors/contract/index.ts';
import type { NativeSubgraph } from '../native/build-native-subgraph.ts';
import { createCrmSubgraph } from '../native/crm-subgraph.ts';
import type { CrmSubgraphOptions } from '../native/crm-subgraph.ts';

export const ZOHO_SUBGRAPH_OBJECTS = ['Contacts', 'Accounts', 'Deals'];

/** objectTypes default: Contacts, Accounts, Deals. */
export type ZohoSubgraphOptions = CrmSubgraphOptions;

export function createZohoSubgraph(connector: Connector, options: ZohoSubgraphOptions = {}): Promise<NativeSubgraph> {
  // Reads return lookups as ids (Account_Name, Contact_Name): a referenced record is loaded by entity batch.
  return createCrmSubgraph('zoho', connector, { objectTypes: ZOHO_SUBGRAPH_OBJECTS, keyField: 'id' }, options);
}
