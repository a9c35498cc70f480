/**
 * Relations between golden records (Customer.company → Company, Deal.contact → Customer), decided at query time like
 * fields. Each linked native record offers its reference (Salesforce Contact.AccountId, HubSpot
 * contacts.associatedcompanyid, Pipedrive persons.org_id); the caller turns the referenced native records into golden
 * ids through identity's links (`relationTargets` says which to look up), and the relation's rule picks one. Two CRMs
 * pointing to two native records of the same golden company agree: candidates are golden ids, not native ids. So
 * rules, provenance and conflicts work for a relation exactly as for a field.
 */
import type { Candidate, Issue, ResolvedRecord, SourceRef } from '../model.ts';
import type { ResolveOptions } from '../survivorship/resolve-field.ts';
import { resolveRecord } from '../survivorship/resolve-record.ts';
import type { NativeRecordInput } from './map-to-golden.ts';
import { goldenType, nativeObject, recordModifiedAt } from './map-to-golden.ts';
import { parseInstant } from './converters/parse-instant.ts';
import { readNativePath } from './native-path.ts';
import type { GoldenFieldConfig, GoldenRelationConfig, MappingConfig } from './schema.ts';

/** Golden id of the golden record a native record is linked to; undefined or null when it is not linked (yet). */
export type GoldenIdLookup = (target: SourceRef) => string | null | undefined;

const key = (ref: SourceRef): string => `${ref.crm}/${ref.objectType}/${ref.recordId}`;

function referenceOf(record: Readonly<Record<string, unknown>>, from: string): string | null {
  const raw = readNativePath(record, from);
  if (raw === null || typeof raw === 'object') return null;
  const text = String(raw).trim();
  return text === '' || text === '0' ? null : text; // Pipedrive and HubSpot write 0 for "no organization"
}

/** The native records the relations of one golden record point to, each once. */
export function relationTargets(config: MappingConfig, typeName: string, inputs: readonly NativeRecordInput[]): SourceRef[] {
  const relations = Object.values(goldenType(config, typeName).relations);
  const out = new Map<string, SourceRef>();
  for (const input of inputs) {
    if ('unavailable' in input) continue;
    for (const relation of relations) {
      for (const m of relation.mappings) {
        if (m.crm !== input.crm || m.objectType !== input.objectType) continue;
        const recordId = referenceOf(input.record, m.from);
        if (recordId) out.set(key({ crm: m.crm, objectType: m.targetObjectType, recordId }), { crm: m.crm, objectType: m.targetObjectType, recordId });
      }
    }
  }
  return [...out.values()];
}

/**
 * The references one native record holds, as `relation=crm/targetObjectType/recordId` keys: stored with its link so
 * the inverse lists (Company.customers) find the records pointing to a golden record's own native records.
 */
export function relationReferenceKeys(config: MappingConfig, typeName: string, crm: string, objectType: string, record: Readonly<Record<string, unknown>>): string[] {
  const keys: string[] = [];
  for (const [name, relation] of Object.entries(goldenType(config, typeName).relations)) {
    const mapping = relation.mappings.find((m) => m.crm === crm && m.objectType === objectType);
    const recordId = mapping ? referenceOf(record, mapping.from) : null;
    if (mapping && recordId) keys.push(relationReferenceKey(name, { crm, objectType: mapping.targetObjectType, recordId }));
  }
  return keys.sort();
}

/**
 * The keys under which records would have stored a reference to this native record, for every relation (of any
 * golden type) that can point to its CRM object: to find the golden records waiting for it to be linked.
 */
export function referenceKeysTo(config: MappingConfig, target: SourceRef): string[] {
  const keys = new Set<string>();
  for (const type of Object.values(config.types)) {
    for (const [name, relation] of Object.entries(type.relations ?? {})) {
      if (relation.mappings.some((m) => m.crm === target.crm && m.targetObjectType === target.objectType)) keys.add(relationReferenceKey(name, target));
    }
  }
  return [...keys].sort();
}

/** The key a reference of `relation` to this native record is stored under. */
export function relationReferenceKey(relation: string, target: SourceRef): string {
  return `${relation}=${key(target)}`;
}

/** A relation seen as a field of golden ids, so resolveRecord decides it with the same strategies (and effectiveRule names its rule). */
export function relationAsField(relation: GoldenRelationConfig): GoldenFieldConfig {
  return {
    type: 'String', keepEmpty: false, compareAs: 'exact', quality: [], convergence: 'off', mappings: [],
    ...(relation.rule ? { rule: relation.rule } : {}), ...(relation.description ? { description: relation.description } : {}),
  };
}

/** The relations of one golden record: values are golden ids (or null), with provenance and conflicts per relation. */
export function resolveRelations(
  config: MappingConfig, typeName: string, inputs: readonly NativeRecordInput[], goldenIdOf: GoldenIdLookup, options: ResolveOptions = {},
): ResolvedRecord {
  const type = goldenType(config, typeName);
  const names = Object.keys(type.relations);
  if (names.length === 0) return { values: {}, provenance: [], conflicts: [] };
  const candidates: Record<string, Candidate[]> = {};
  for (const input of inputs) {
    for (const [name, relation] of Object.entries(type.relations)) {
      const mapping = relation.mappings.find((m) => m.crm === input.crm && m.objectType === input.objectType);
      if (!mapping) continue;
      if ('unavailable' in input) {
        (candidates[name] ??= []).push({ value: null, source: { crm: input.crm, objectType: input.objectType, recordId: input.recordId }, modifiedAt: null, status: 'unavailable' });
        continue;
      }
      const object = nativeObject(type, input.crm, input.objectType);
      const id = object ? readNativePath(input.record, object.idField) : null;
      if (!object || id === null || id === '') continue;
      const source: SourceRef = { crm: input.crm, objectType: input.objectType, recordId: String(id) };
      const modifiedAt = parseInstant(input.fieldModifiedAt?.[mapping.from] ?? null) ?? recordModifiedAt(object, input.record);
      const recordId = referenceOf(input.record, mapping.from);
      const goldenId = recordId ? (goldenIdOf({ crm: input.crm, objectType: mapping.targetObjectType, recordId }) ?? null) : null;
      // A reference to a record identity has not linked yet (not synced, or deleted) offers nothing, visibly.
      const issues: Issue[] = recordId && !goldenId
        ? [{ code: 'TARGET_NOT_LINKED', message: `${mapping.from} ${recordId}: that ${mapping.targetObjectType} record is not linked to a golden ${relation.target} (not synced yet, or deleted)`, native: recordId }]
        : [];
      (candidates[name] ??= []).push({ value: goldenId, source, modifiedAt, status: 'ok', ...(issues.length > 0 ? { issues } : {}) });
    }
  }
  const view: MappingConfig = { ...config, types: { ...config.types, [typeName]: { ...type, fields: Object.fromEntries(Object.entries(type.relations).map(([n, r]) => [n, relationAsField(r)])) } } };
  return resolveRecord(view, typeName, candidates, { ...options, fields: names });
}
