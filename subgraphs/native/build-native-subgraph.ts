/**
 * Turns any `Connector` into a Federation 2 subgraph of the CRM's native records. The schema is built from the
 * CRM's metadata (`describeObjects`), so custom fields need no code; `refresh()` re-describes and, when the
 * graph-visible metadata changed, rebuilds the schema and tells listeners (the gateway recomposes and hot-swaps).
 * `schema()` always answers the current schema, which is what the gateway's data source and the HTTP server read
 * on every request.
 */
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse } from 'graphql';
import type { GraphQLSchema } from 'graphql';
import type { Connector } from '../../connectors/contract/index.ts';
import type { NativeNaming } from './naming.ts';
import { capitalise } from './naming.ts';
import type { SubgraphModel } from './object-model.ts';
import { buildSubgraphModel } from './object-model.ts';
import { RecordAccess } from './record-access.ts';
import { renderSdl } from './render-sdl.ts';
import { buildResolvers } from './resolvers.ts';

/** The part of a logger this module uses (pino's Logger fits). */
export interface NativeSubgraphLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
}

export interface NativeSubgraphOptions {
  /** Subgraph name in the supergraph: 'salesforce', 'hubspot'. */
  name: string;
  connector: Connector;
  naming: NativeNaming;
  /** How long a native record is served from memory across requests; 0 disables. Default 5,000 ms. */
  cacheTtlMs?: number;
  /** Most records cached. Default 10,000. */
  cacheMax?: number;
  logger?: NativeSubgraphLogger;
}

export interface SchemaChange {
  typeDefs: string;
  schema: GraphQLSchema;
}

export interface NativeSubgraph {
  readonly name: string;
  /** The connector's CRM id (record_links.crm). */
  readonly crm: string;
  /**
   * Drops these records from the shared record cache: change capture saw them change, so the next read (a
   * subscriber's payload first of all) must come from the CRM, not from a copy up to the cache TTL old.
   */
  forgetRecords(records: readonly { objectType: string; recordId: string }[]): void;
  typeDefs(): string;
  schema(): GraphQLSchema;
  /** Re-reads the CRM's metadata; true when the schema changed (listeners have then been told). */
  refresh(): Promise<boolean>;
  /** Called after each schema change; returns an unsubscribe function. */
  onChange(listener: (change: SchemaChange) => void | Promise<void>): () => void;
  /** Why native fields were left out of the schema (invalid or clashing names, unexposed types). */
  skippedFields(): SubgraphModel['skipped'];
  /**
   * Calls `refresh()` every `intervalMs` (failures are logged; the running schema stays). Returns a stop function.
   * CRMs do not push metadata changes, so polling describe is how a new custom field arrives on its own.
   */
  autoRefresh(intervalMs: number): () => void;
}

/** Describes the CRM once and builds the first schema; rejects with the connector's error when the CRM is unreachable. */
export async function createNativeSubgraph(options: NativeSubgraphOptions): Promise<NativeSubgraph> {
  const { name, connector, naming, logger } = options;
  const prefix = naming.prefix ?? capitalise(name);
  let current: { model: SubgraphModel; typeDefs: string; schema: GraphQLSchema };
  const listeners = new Set<(change: SchemaChange) => void | Promise<void>>();
  const access = new RecordAccess(connector, (objectType) => current.model.byObjectType.get(objectType)?.fetchFields, options,
    (objectType) => current.model.byObjectType.get(objectType)?.separateFields ?? []);

  async function build() {
    const described = await connector.describeObjects(naming.objectTypes, { lane: 'interactive' });
    const model = buildSubgraphModel(name, prefix, naming, described);
    if (model.objects.length === 0) throw new Error(`${name}: the CRM describes none of ${naming.objectTypes.join(', ')}`);
    const typeDefs = renderSdl(model);
    return { model, typeDefs };
  }

  function compile(model: SubgraphModel, typeDefs: string) {
    // An array of modules: @apollo/subgraph 2.15 no longer takes a lone module.
    const schema = buildSubgraphSchema([{ typeDefs: parse(typeDefs), resolvers: buildResolvers(model, connector, access) }]);
    return { model, typeDefs, schema };
  }

  const first = await build();
  current = compile(first.model, first.typeDefs);
  if (first.model.skipped.length) logger?.warn({ subgraph: name, skipped: first.model.skipped }, 'native fields left out of the schema');

  let inFlight: Promise<boolean> | undefined;
  async function refreshOnce(): Promise<boolean> {
    const next = await build();
    if (next.typeDefs === current.typeDefs) return false;
    current = compile(next.model, next.typeDefs);
    access.clear(); // cached records were read with the old field list
    logger?.info({ subgraph: name, types: next.model.objects.map((o) => o.typeName) }, 'native subgraph schema changed');
    for (const listener of [...listeners]) {
      try {
        await listener({ typeDefs: current.typeDefs, schema: current.schema });
      } catch (err) {
        logger?.warn({ subgraph: name, err }, 'a schema-change listener failed');
      }
    }
    return true;
  }

  // Single flight: concurrent refreshes (a timer and an admin action) share one describe.
  const refresh = () => (inFlight ??= refreshOnce().finally(() => (inFlight = undefined)));

  return {
    name,
    crm: connector.crm,
    forgetRecords(records) {
      for (const r of records) access.forget(r.objectType, r.recordId);
    },
    typeDefs: () => current.typeDefs,
    schema: () => current.schema,
    refresh,
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    skippedFields: () => current.model.skipped,
    autoRefresh(intervalMs) {
      const timer = setInterval(() => {
        refresh().catch((err: unknown) => logger?.warn({ subgraph: name, err }, 'metadata refresh failed; keeping the current schema'));
      }, intervalMs);
      timer.unref();
      return () => clearInterval(timer);
    },
  };
}
