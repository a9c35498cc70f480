/**
 * Golden relations in the snapshot: sync stores each record's relation winners (Customer.company's golden id) beside
 * its field values, decided by the same resolver-engine code the query path uses, so `customerChanged` fires when a
 * person's company changes and a subscriber asking for `company` hears of it. One link lookup per batch of records.
 * Types are linked targets first (Company before Customer, Customer before Deal), so a backfill's snapshots already
 * see the companies they point to.
 */
import type { Tx } from '../db/link-store.ts';
import { goldenIdsOfRecords } from '../db/relation-store.ts';
import { relationTargets, resolveRelations, sourceKey } from '../resolver-engine/index.ts';
import { hasRelations } from './link-refs.ts';
import type { MappingConfig, NativeRecordInput, SurvivorshipFunctionRegistry } from '../resolver-engine/index.ts';

/** The relation values of each golden record of one type (empty when the type has no relation). */
export async function relationValues(
  tx: Tx, config: MappingConfig, goldenType: string, inputsById: ReadonlyMap<string, readonly NativeRecordInput[]>, functions?: SurvivorshipFunctionRegistry,
): Promise<Map<string, Record<string, unknown>>> {
  const out = new Map<string, Record<string, unknown>>();
  if (!hasRelations(config, goldenType)) return out;
  const targets = [...inputsById.values()].flatMap((inputs) => relationTargets(config, goldenType, inputs));
  const ids = targets.length > 0 ? await goldenIdsOfRecords(tx, targets) : new Map<string, string>();
  for (const [id, inputs] of inputsById) {
    out.set(id, resolveRelations(config, goldenType, inputs, (t) => ids.get(sourceKey(t)), functions ? { functions } : {}).values);
  }
  return out;
}

/** The order to link types in: the targets of a type's relations before it; otherwise (and in a cycle) as given. */
export function linkOrder(config: MappingConfig, types: readonly string[]): string[] {
  const out: string[] = [];
  const visiting = new Set<string>();
  const visit = (type: string) => {
    if (out.includes(type) || visiting.has(type) || !types.includes(type)) return;
    visiting.add(type);
    for (const relation of Object.values(config.types[type]?.relations ?? {})) visit(relation.target);
    visiting.delete(type);
    out.push(type);
  };
  types.forEach(visit);
  return out;
}
