/**
 * How this process serves a mapping configuration (the `MappingServing` the mapping runtime is attached to): the
 * dry-run composition a save or an adopted version must pass, the check that its CRM objects and fields exist, and
 * the rebuild of what is generated from it. Built at the composition root once the subgraphs and the gateway exist.
 */
import type { Connector } from '../connectors/contract/index.ts';
import type { ConnectorStore } from '../db/connector-store.ts';
import type { FieldUsageStore } from '../db/field-usage-store.ts';
import type { CustomerGraphGateway } from '../gateway/gateway.ts';
import type { FieldUsageRecorder } from '../gateway/field-usage.ts';
import { apiSchemaOf, schemaChanges, withUsage } from '../gateway/schema-evolution.ts';
import type { SubgraphSource } from '../gateway/subgraph-source.ts';
import type { Logger } from '../lib/logger.ts';
import type { MappingConfig } from '../resolver-engine/index.ts';
import { createGoldenSubgraph } from '../subgraphs/golden/index.ts';
import type { GoldenSubgraph } from '../subgraphs/golden/index.ts';
import { createIdentitySubgraph } from '../subgraphs/identity/index.ts';
import type { IdentitySubgraph } from '../subgraphs/identity/index.ts';
import type { NativeSubgraph } from '../subgraphs/native/build-native-subgraph.ts';
import type { WriteBackSubgraph } from '../subgraphs/writeback/index.ts';
import type { Database } from '../db/open-database.ts';
import { checkMappedNativeFields } from './mapping-field-check.ts';
import { checkMappedNativeObjects } from './mapping-object-check.ts';
import type { MappingServing } from './mapping-runtime.ts';

export interface MappingServingParts {
  db: Database;
  getConfig: () => MappingConfig;
  logger: Logger;
  /** Every subgraph of the running graph, identity and golden first (a dry run swaps those two for the candidate's). */
  sources: SubgraphSource[];
  natives: NativeSubgraph[];
  identity: IdentitySubgraph;
  golden: GoldenSubgraph;
  writeback: WriteBackSubgraph;
  gateway: CustomerGraphGateway;
  connectors: Map<string, Connector>;
  connectorIds: Map<string, string>;
  connectorStore: ConnectorStore;
  fieldUsage: FieldUsageRecorder;
  usageStore: FieldUsageStore;
  usageWindowDays: number;
}

export function mappingServing(p: MappingServingParts): MappingServing {
  const nativeTypeDefs = () => p.natives.map((n) => n.typeDefs());
  return {
    dryRun: async (candidate, { compare }) => {
      const dryIdentity = createIdentitySubgraph({ db: p.db, getConfig: () => candidate });
      const dryGolden = createGoldenSubgraph({ getConfig: () => candidate, nativeTypeDefs });
      const after = apiSchemaOf([dryIdentity, dryGolden, ...p.sources.slice(2)]);
      if (!compare) return { breaking: [], dangerous: [] };
      return withUsage(schemaChanges(apiSchemaOf(p.sources), after), p.fieldUsage, p.usageStore, p.usageWindowDays);
    },
    // A save naming CRM objects or fields the CRMs lack is refused; unreadable or disabled CRMs are not checked (logged).
    checkNativeFields: async (candidate) => {
      const connectorStatus = async (crm: string) => {
        const id = p.connectorIds.get(crm);
        return (id ? await p.connectorStore.get(id) : (await p.connectorStore.list()).find((r) => r.crm === crm))?.status;
      };
      await checkMappedNativeObjects(candidate, {
        current: p.getConfig, logger: p.logger, connectorStatus,
        listObjects: async (crm) => {
          const connector = p.connectors.get(crm);
          return connector?.listObjects ? connector.listObjects({ lane: 'interactive' }) : undefined;
        },
      });
      await checkMappedNativeFields(candidate, {
        natives: () => p.natives, currentProblems: () => p.golden.problems(), logger: p.logger, connectorStatus,
        problemsOf: (c) => createGoldenSubgraph({ getConfig: () => c, nativeTypeDefs }).problems(),
      });
    },
    serve: async () => {
      p.identity.rebuild();
      p.golden.rebuild();
      p.writeback.rebuild();
      await p.gateway.reload();
    },
  };
}
