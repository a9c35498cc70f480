/**
 * One golden entity from its federation representation: the representation carries `sources` (identity's links)
 * and, per linked native object, the records with the native fields the mapping needs. Each record becomes
 * candidates (`collectCandidates`); a linked record that is missing or null — its CRM failed, so the gateway
 * could not build it — becomes an unavailable candidate, so the other sources decide and provenance names the
 * source that could not be read. Then `resolveRecord` once per entity; every golden field is served from that.
 */
import { collectCandidates, resolveRecord, sourceKey } from '../../resolver-engine/index.ts';
import type { MappingConfig, NativeRecordInput, ResolvedRecord, SurvivorshipFunctionRegistry } from '../../resolver-engine/index.ts';
import type { GoldenTypeModel } from './golden-model.ts';

export interface GoldenRepresentation {
  id: string;
  sources?: ({ crm: string; objectType: string; recordId: string } | null)[] | null;
  [linkField: string]: unknown;
}

export interface ResolvedEntity {
  id: string;
  resolved: ResolvedRecord;
}

export function nativeInputs(config: MappingConfig, type: GoldenTypeModel, rep: GoldenRepresentation): NativeRecordInput[] {
  const inputs: NativeRecordInput[] = [];
  const read = new Set<string>();
  for (const link of type.links) {
    const items = Array.isArray(rep[link.spec.linkField]) ? (rep[link.spec.linkField] as unknown[]) : [];
    for (const item of items) {
      if (item === null || typeof item !== 'object') continue;
      const record = item as Record<string, unknown>;
      const id = record[link.spec.keyField];
      if (id === null || id === undefined || id === '') continue;
      read.add(sourceKey({ crm: link.spec.crm, objectType: link.spec.objectType, recordId: String(id) }));
      inputs.push({ crm: link.spec.crm, objectType: link.spec.objectType, record });
    }
  }
  const objects = config.types[type.typeName]?.objects ?? [];
  for (const source of rep.sources ?? []) {
    if (!source || read.has(sourceKey(source))) continue;
    if (!objects.some((o) => o.crm === source.crm && o.objectType === source.objectType)) continue; // not an input of this type
    read.add(sourceKey(source));
    inputs.push({ crm: source.crm, objectType: source.objectType, recordId: source.recordId, unavailable: true });
  }
  return inputs;
}

export function resolveEntity(
  config: MappingConfig, type: GoldenTypeModel, rep: GoldenRepresentation, functions?: SurvivorshipFunctionRegistry,
): ResolvedEntity {
  const candidates = collectCandidates(config, type.typeName, nativeInputs(config, type, rep));
  return { id: rep.id, resolved: resolveRecord(config, type.typeName, candidates, functions ? { functions } : {}) };
}
