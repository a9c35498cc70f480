/**
 * The Salesforce subgraph: Contact, Account, Opportunity and Lead as `SalesforceContact @key(fields: "Id")`…,
 * built from the org's describe by the generic native builder. Only naming and wiring live here.
 */
import type { Connector } from '../../connectors/contract/index.ts';
import { createNativeSubgraph } from '../native/build-native-subgraph.ts';
import type { NativeSubgraph, NativeSubgraphLogger } from '../native/build-native-subgraph.ts';
import { crmPrefix, nativeTypeName } from '../source-catalog.ts';

export const SALESFORCE_OBJECTS = ['Contact', 'Account', 'Opportunity', 'Lead'];

export interface SalesforceSubgraphOptions {
  /** Default: Contact, Account, Opportunity, Lead. */
  objectTypes?: string[];
  cacheTtlMs?: number;
  cacheMax?: number;
  logger?: NativeSubgraphLogger;
}

export function createSalesforceSubgraph(connector: Connector, options: SalesforceSubgraphOptions = {}): Promise<NativeSubgraph> {
  return createNativeSubgraph({
    name: 'salesforce',
    connector,
    naming: {
      typeName: (objectType) => nativeTypeName('salesforce', objectType),
      prefix: crmPrefix('salesforce'),
      keyField: 'Id',
      objectTypes: options.objectTypes ?? SALESFORCE_OBJECTS,
      // SOQL reads `Account.Name` in the same query as the contact, so a parent's name costs nothing.
      inlineParentFields: ['Name'],
    },
    cacheTtlMs: options.cacheTtlMs,
    cacheMax: options.cacheMax,
    logger: options.logger,
  });
}
