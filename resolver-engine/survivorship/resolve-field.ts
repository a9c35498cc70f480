/**
 * Decides one golden field: drops unavailable sources (reporting them), drops empty values unless the field
 * keeps them, detects disagreement, and lets the field's strategy pick the winner.
 */
import type { Candidate, Conflict, Provenance, SourceRef } from '../model.ts';
import type { MappingConfig } from '../mapping/schema.ts';
import { compareKey, defaultCompareAs } from './compare-key.ts';
import { effectiveRule } from './effective-rule.ts';
import { isEmptyValue } from './emptiness.ts';
import type { SurvivorshipFunctionRegistry } from './function-registry.ts';
import { defaultSurvivorshipFunctions } from './function-registry.ts';
import { sortBy } from './ordering.ts';
import { getStrategy } from './specified-strategies.ts';

export interface ResolveOptions {
  functions?: SurvivorshipFunctionRegistry;
}

export interface FieldResolution {
  value: unknown;
  provenance: Provenance;
  conflict: Conflict | null;
}

function lookupField(config: MappingConfig, typeName: string, fieldName: string) {
  const type = config.types[typeName];
  if (!type) throw new Error(`unknown golden type '${typeName}'`);
  const field = type.fields[fieldName];
  if (!field) throw new Error(`unknown golden field '${typeName}.${fieldName}'`);
  return { type, field };
}

function findConflict(fieldName: string, candidates: readonly Candidate[], key: (v: unknown) => string): Conflict | null {
  const groups = new Map<string, { value: unknown; sources: SourceRef[] }>();
  for (const candidate of candidates) {
    if (isEmptyValue(candidate.value)) continue;
    const k = key(candidate.value);
    const group = groups.get(k);
    if (group) group.sources.push(candidate.source);
    else groups.set(k, { value: candidate.value, sources: [candidate.source] });
  }
  return groups.size > 1 ? { field: fieldName, values: [...groups.values()] } : null;
}

export function resolveField(
  config: MappingConfig,
  typeName: string,
  fieldName: string,
  candidates: readonly Candidate[],
  options: ResolveOptions = {},
): FieldResolution {
  const { type, field } = lookupField(config, typeName, fieldName);
  const effective = effectiveRule(config, type, field);
  const strategy = getStrategy(effective.rule.strategy);
  if (!strategy) throw new Error(`unknown survivorship strategy '${effective.rule.strategy}' (field ${typeName}.${fieldName})`);
  const compareAs = field.compareAs ?? defaultCompareAs(field.type);
  const key = (value: unknown) => compareKey(value, compareAs);

  // Input order is whatever order the CRMs answered in; sorting first keeps every decision deterministic.
  const ordered = sortBy(candidates);
  const unavailable = ordered.filter((c) => c.status === 'unavailable');
  const available = ordered.filter((c) => c.status !== 'unavailable');
  const eligible = field.keepEmpty ? available : available.filter((c) => !isEmptyValue(c.value));
  const conflict = findConflict(fieldName, available, key);

  const base = { field: fieldName, rule: effective.label, candidates: ordered, unavailableSources: unavailable.map((c) => c.source) };
  const unavailableNote = unavailable.length > 0 ? `; ${unavailable.length} source(s) unavailable` : '';
  if (eligible.length === 0) {
    const why = available.length === 0 ? 'no available source' : 'every source is empty';
    return { value: null, conflict, provenance: { ...base, value: null, source: null, modifiedAt: null, detail: why + unavailableNote } };
  }
  const decision = strategy.decide(eligible, {
    field: fieldName,
    rule: effective.rule,
    sourcePriority: effective.sourcePriority,
    clockSkewToleranceMs: effective.clockSkewToleranceMs,
    compareKey: key,
    functions: options.functions ?? defaultSurvivorshipFunctions,
  });
  // An empty winner (keepEmpty) reads as null to GraphQL: '' for a Date or Int would not serialise.
  const value = isEmptyValue(decision.value) ? null : decision.value;
  return {
    value,
    conflict,
    provenance: {
      ...base,
      value,
      source: decision.winner?.source ?? null,
      modifiedAt: decision.winner?.modifiedAt ?? null,
      detail: decision.detail + unavailableNote,
    },
  };
}
