/**
 * The Pipedrive subgraph: persons, organizations and deals as `PipedrivePerson @key(fields: "id")`…, built from the
 * company's field metadata (personFields, organizationFields, dealFields) by the generic native builder. Only naming
 * and wiring live here: everything Pipedrive-specific is in its connector.
 */
import type { Connector } from '../../connectors/contract/index.ts';
import { createNativeSubgraph } from '../native/build-native-subgraph.ts';
import type { NativeSubgraph, NativeSubgraphLogger } from '../native/build-native-subgraph.ts';
import { crmPrefix, nativeTypeName } from '../source-catalog.ts';

export const PIPEDRIVE_OBJECTS = ['persons', 'organizations', 'deals'];

export interface PipedriveSubgraphOptions {
  /** Default: persons, organizations, deals. */
  objectTypes?: string[];
  cacheTtlMs?: number;
  cacheMax?: number;
  logger?: NativeSubgraphLogger;
}

export function createPipedriveSubgraph(connector: Connector, options: PipedriveSubgraphOptions = {}): Promise<NativeSubgraph> {
  return createNativeSubgraph({
    name: 'pipedrive',
    connector,
    naming: {
      typeName: (objectType) => nativeTypeName('pipedrive', objectType),
      prefix: crmPrefix('pipedrive'),
      keyField: 'id',
      objectTypes: options.objectTypes ?? PIPEDRIVE_OBJECTS,
      // Pipedrive list reads return ids for org_id / person_id: a referenced record is loaded by entity batch.
    },
    cacheTtlMs: options.cacheTtlMs,
    cacheMax: options.cacheMax,
    logger: options.logger,
  });
}
