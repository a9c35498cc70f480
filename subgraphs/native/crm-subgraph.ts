/**
 * A CRM's native subgraph with the naming every CRM shares (source-catalog.ts: `SalesforceContact`, `HubSpotContact`,
 * `PipedrivePerson`…): a CRM folder under subgraphs/ says only which objects it serves, its key field and what its
 * reads can inline, and calls this.
 */
import type { Connector } from '../../connectors/contract/index.ts';
import { crmPrefix, nativeTypeName } from '../source-catalog.ts';
import { createNativeSubgraph } from './build-native-subgraph.ts';
import type { NativeSubgraph, NativeSubgraphLogger } from './build-native-subgraph.ts';

export interface CrmSubgraphOptions {
  /** Default: the CRM's own list. */
  objectTypes?: string[];
  cacheTtlMs?: number;
  cacheMax?: number;
  logger?: NativeSubgraphLogger;
}

export interface CrmSubgraphShape {
  objectTypes: readonly string[];
  /** The native id field, which is the entity key ('Id', 'id'). */
  keyField: string;
  /** Fields of a referenced record the CRM reads in the same call (Salesforce SOQL `Account.Name`). */
  inlineParentFields?: string[];
}

export function createCrmSubgraph(crm: string, connector: Connector, shape: CrmSubgraphShape, options: CrmSubgraphOptions = {}): Promise<NativeSubgraph> {
  return createNativeSubgraph({
    name: crm,
    connector,
    naming: {
      typeName: (objectType) => nativeTypeName(crm, objectType),
      prefix: crmPrefix(crm),
      keyField: shape.keyField,
      objectTypes: options.objectTypes ?? [...shape.objectTypes],
      ...(shape.inlineParentFields ? { inlineParentFields: shape.inlineParentFields } : {}),
    },
    cacheTtlMs: options.cacheTtlMs,
    cacheMax: options.cacheMax,
    logger: options.logger,
  });
}
