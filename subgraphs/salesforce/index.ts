/**
 * The Salesforce subgraph: Contact, Account, Opportunity and Lead as `SalesforceContact @key(fields: "Id")`…,
 * built from the org's describe by the generic native builder. Only naming and wiring live here.
 */
import type { Connector } from '../../connectors/contract/index.ts';
import type { NativeSubgraph } from '../native/build-native-subgraph.ts';
import { createCrmSubgraph } from '../native/crm-subgraph.ts';
import type { CrmSubgraphOptions } from '../native/crm-subgraph.ts';

export const SALESFORCE_OBJECTS = ['Contact', 'Account', 'Opportunity', 'Lead'];

/** objectTypes default: Contact, Account, Opportunity, Lead. */
export type SalesforceSubgraphOptions = CrmSubgraphOptions;

export function createSalesforceSubgraph(connector: Connector, options: SalesforceSubgraphOptions = {}): Promise<NativeSubgraph> {
  // SOQL reads `Account.Name` in the same query as the contact, so a parent's name costs nothing.
  return createCrmSubgraph('salesforce', connector, { objectTypes: SALESFORCE_OBJECTS, keyField: 'Id', inlineParentFields: ['Name'] }, options);
}
