/**
 * One golden entity from its federation representation: the representation carries `sources` (identity's links)
 * and, per linked native object, the records with the native fields the mapping needs. Each record becomes
 * candidates (`collectCandidates`); a linked record that is missing or null — its CRM failed, so the gateway
 * could not build it — becomes an unavailable candidate, so the other sources decide and provenance names the
 * source that could not be read. Then `resolveRecord` once per entity; every golden field is served from that.
 */
import { collectCandidates, fieldTimesFromClock, resolveRecord, sourceKey } from '../../resolver-engine/index.ts';
import type { FieldClock, MappingConfig, NativeRecordInput, ResolvedRecord, SurvivorshipFunctionRegistry } from '../../resolver-engine/index.ts';
import type { GoldenTypeModel } from './golden-model.ts';

export interface GoldenRepresentation {
  id: string;
  sources?: ({ crm: string; objectType: string; recordId: string } | null)[] | null;
  /** Identity's field clocks of the linked records, JSON by "crm|objectType|recordId" (see field-clock.ts). */
  sourceFieldClocks?: string | null;
  [linkField: string]: unknown;
}

export interface ResolvedEntity {
  id: string;
  resolved: ResolvedRecord;
  /** The linked records as read, kept for the relations (resolved on demand: they need identity's links). */
  inputs: NativeRecordInput[];
}

export function nativeInputs(config: MappingConfig, type: GoldenTypeModel, rep: GoldenRepresentation): NativeRecordInput[] {
  const inputs: NativeRecordInput[] = [];
  const read = new Set<string>();
  const clocks = parseClocks(rep.sourceFieldClocks);
  for (const link of type.links) {
    const items = Array.isArray(rep[link.spec.linkField]) ? (rep[link.spec.linkField] as unknown[]) : [];
    for (const item of items) {
      if (item === null || typeof item !== 'object') continue;
      const record = withNativeNames(item as Record<string, unknown>, link.aliases);
      const id = record[link.spec.keyField];
      if (id === null || id === undefined || id === '') continue;
      read.add(sourceKey({ crm: link.spec.crm, objectType: link.spec.objectType, recordId: String(id) }));
      // Field-level times where the live value is still the one change capture clocked.
      const fieldModifiedAt = fieldTimesFromClock(clocks[`${link.spec.crm}|${link.spec.objectType}|${String(id)}`], record);
      inputs.push({ crm: link.spec.crm, objectType: link.spec.objectType, record, ...(fieldModifiedAt ? { fieldModifiedAt } : {}) });
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

/** The record with each aliased path also under its native name, which the mapping (and so resolver-engine) uses. */
function withNativeNames(record: Record<string, unknown>, aliases: readonly [string, string][]): Record<string, unknown> {
  if (aliases.length === 0) return record;
  const out: Record<string, unknown> = { ...record };
  for (const [native, served] of aliases) {
    const nativeSegments = native.split('.');
    const servedSegments = served.split('.');
    let from: unknown = record;
    let to: Record<string, unknown> = out;
    for (let i = 0; i < servedSegments.length; i++) {
      from = from && typeof from === 'object' ? (from as Record<string, unknown>)[servedSegments[i]!] : undefined;
      if (i === servedSegments.length - 1) to[nativeSegments[i]!] = from;
      else {
        const next = to[nativeSegments[i]!];
        const copy: Record<string, unknown> = next && typeof next === 'object' ? { ...(next as Record<string, unknown>) } : {};
        if (from && typeof from === 'object') Object.assign(copy, from as Record<string, unknown>);
        to[nativeSegments[i]!] = copy;
        to = copy;
      }
    }
  }
  return out;
}

/** A malformed value (it comes from our own identity subgraph) means no clocks: record-level times, as before. */
function parseClocks(json: string | null | undefined): Record<string, FieldClock> {
  if (!json) return {};
  try {
    const parsed: unknown = JSON.parse(json);
    return parsed && typeof parsed === 'object' ? (parsed as Record<string, FieldClock>) : {};
  } catch {
    return {};
  }
}

export function resolveEntity(
  config: MappingConfig, type: GoldenTypeModel, rep: GoldenRepresentation, functions?: SurvivorshipFunctionRegistry,
): ResolvedEntity {
  const inputs = nativeInputs(config, type, rep);
  const candidates = collectCandidates(config, type.typeName, inputs);
  return { id: rep.id, resolved: resolveRecord(config, type.typeName, candidates, functions ? { functions } : {}), inputs };
}
