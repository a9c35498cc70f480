/**
 * Golden relations at query time (Customer.company, Deal.contact): the references of an entity's linked records are
 * turned into golden ids through identity's links — one batched lookup for every entity of a fetch — and decided by
 * the relation's rule (resolver-engine resolveRelations). Resolved on demand, once per entity, so a query that asks
 * for no relation, no provenance and no conflicts never reads a link, and a failed lookup fails only the fields that
 * need it. The lookup is injected at the composition root: golden never imports the database.
 */
import DataLoader from 'dataloader';
import { relationTargets, resolveRelations, sourceKey } from '../../resolver-engine/index.ts';
import type { MappingConfig, ResolvedRecord, SourceRef, SurvivorshipFunctionRegistry } from '../../resolver-engine/index.ts';
import type { GoldenTypeModel } from './golden-model.ts';
import type { ResolvedEntity } from './resolve-entity.ts';

/** Golden ids of native records, by `sourceKey` (crm|objectType|recordId); records not linked are left out. */
export type GoldenIdsOfRecords = (records: readonly SourceRef[]) => Promise<ReadonlyMap<string, string>>;

const EMPTY: ResolvedRecord = { values: {}, provenance: [], conflicts: [] };

export interface RelationResolver {
  of(entity: ResolvedEntity): Promise<ResolvedRecord>;
}

export function createRelationResolver(
  config: MappingConfig, type: GoldenTypeModel, lookup: GoldenIdsOfRecords | undefined, functions: SurvivorshipFunctionRegistry | undefined,
): RelationResolver {
  // No cache across calls: links change with every sync; batching only gathers the entities of one tick.
  const loader = lookup
    ? new DataLoader<string, string | null>(async (keys) => {
      const refs = keys.map((k) => JSON.parse(k) as SourceRef);
      const found = await lookup(refs);
      return refs.map((r) => found.get(sourceKey(r)) ?? null);
    }, { cache: false, maxBatchSize: 1000 })
    : null;
  const memo = new WeakMap<ResolvedEntity, Promise<ResolvedRecord>>();
  const resolve = async (entity: ResolvedEntity): Promise<ResolvedRecord> => {
    const targets = relationTargets(config, type.typeName, entity.inputs);
    const ids = new Map<string, string>();
    if (loader && targets.length > 0) {
      const found = await loader.loadMany(targets.map((t) => JSON.stringify({ crm: t.crm, objectType: t.objectType, recordId: t.recordId })));
      found.forEach((id, i) => {
        if (id instanceof Error) throw id;
        if (id) ids.set(sourceKey(targets[i]!), id);
      });
    }
    return resolveRelations(config, type.typeName, entity.inputs, (t) => ids.get(sourceKey(t)), functions ? { functions } : {});
  };
  return {
    of(entity) {
      if (type.relations.length === 0) return Promise.resolve(EMPTY);
      let pending = memo.get(entity);
      if (!pending) memo.set(entity, (pending = resolve(entity)));
      return pending;
    },
  };
}
