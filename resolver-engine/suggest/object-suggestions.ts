/**
 * Suggestions for one native object feeding one golden type, as the visual mapper shows them: per golden field, the
 * native fields it reads from that object now, the best candidates, and — for a field not mapped from the object
 * yet — one proposal, chosen one-to-one among the native fields no mapping of that object uses. A proposal carries
 * the exact mapping entry to add to the field's `mappings`, so accepting it is adding that entry and saving.
 */
import type { FieldMapping, MappingConfig } from '../mapping/schema.ts';
import type { GoldenScalar } from '../model.ts';
import { bestAssignment, goldenFieldsOf, suggestMappings } from './suggest-mappings.ts';
import { typeFit } from './native-types.ts';
import type { MappingSuggestion, NativeFieldDescription, SuggestOptions } from './suggest-mappings.ts';

export interface FieldCandidate extends MappingSuggestion {
  /** The entry to add to the golden field's `mappings` (converter options pre-filled, e.g. a picklist's values). */
  mapping: FieldMapping;
}

export interface GoldenFieldSuggestions {
  field: string;
  type: GoldenScalar;
  /** Native fields this golden field reads from the object now; empty when it is not mapped from it. */
  mappedFrom: string[];
  /** Best candidates first. */
  candidates: FieldCandidate[];
  /** For a field not mapped from the object: the one-to-one pick among unused native fields; else null. */
  proposed: FieldCandidate | null;
}

export interface ObjectSuggestions {
  fields: GoldenFieldSuggestions[];
  /** Native fields no mapping of the object reads and no proposal uses (custom fields worth a look), by name. */
  unusedNativeFields: string[];
}

function mappingOf(s: MappingSuggestion, crm: string, objectType: string, native: NativeFieldDescription | undefined): FieldMapping {
  // Unmapped values pass through: an admin can refine the value map later, nothing is dropped meanwhile.
  const options = s.converter === 'picklist'
    ? { values: Object.fromEntries((native?.picklistValues ?? []).map((v) => [v, v])), unmapped: 'passthrough' }
    : {};
  return { crm, objectType, from: [s.nativeField], converter: { name: s.converter, options }, writable: native?.updateable !== false };
}

/**
 * A native field nothing reads, added as a new golden field: the golden type and converter its own type fits (a
 * checkbox becomes a Boolean through the boolean converter, a number a Float, a date a Date; a picklist keeps its
 * values), so the new field does not answer "false" or "2026-02-02T06:49:10.070+0000" as text. Unknown types: String.
 */
export function newGoldenFieldOf(crm: string, objectType: string, native: NativeFieldDescription): { type: GoldenScalar; mapping: FieldMapping } {
  const fit = typeFit(native.type, native.fieldType);
  const converter = fit && fit.converter !== 'domain' ? fit.converter : 'identity';
  const type = fit?.scalars[0] ?? 'String';
  return { type, mapping: mappingOf({ goldenField: '', nativeField: native.name, score: 1, converter, reasons: [] }, crm, objectType, native) };
}

/**
 * Below this a candidate is listed but never proposed: a bare likeness of names ('createdate' ~ 'department', 0.52)
 * is worth showing, not pre-filling. A synonym (0.9), a containment (0.7) or a close spelling (≥ 0.82 similar) is.
 */
export const PROPOSAL_MIN_SCORE = 0.65;

export function suggestForObject(
  config: MappingConfig, typeName: string, crm: string, objectType: string,
  nativeFields: readonly NativeFieldDescription[], options: SuggestOptions & { proposalMinScore?: number } = {},
): ObjectSuggestions {
  const type = config.types[typeName];
  if (!type) throw new Error(`unknown golden type '${typeName}'`);
  const golden = goldenFieldsOf(config, typeName);
  const byName = new Map(nativeFields.map((f) => [f.name, f]));
  const mappedFrom = new Map(golden.map((g) => [g.name, type.fields[g.name]!.mappings
    .filter((m) => m.crm === crm && m.objectType === objectType).flatMap((m) => m.from)]));
  const used = new Set([...mappedFrom.values()].flat().map((path) => path.split('.')[0]!));

  const all = suggestMappings(nativeFields, golden, options);
  const minProposal = options.proposalMinScore ?? PROPOSAL_MIN_SCORE;
  const open = all.filter((s) => s.score >= minProposal && (mappedFrom.get(s.goldenField) ?? []).length === 0 && !used.has(s.nativeField));
  const proposals = new Map(bestAssignment(open).map((s) => [s.goldenField, s]));
  const candidate = (s: MappingSuggestion): FieldCandidate => ({ ...s, mapping: mappingOf(s, crm, objectType, byName.get(s.nativeField)) });

  const fields = golden.map((g) => {
    const proposal = proposals.get(g.name);
    return {
      field: g.name,
      type: g.type,
      mappedFrom: mappedFrom.get(g.name) ?? [],
      candidates: all.filter((s) => s.goldenField === g.name).map(candidate),
      proposed: proposal ? candidate(proposal) : null,
    };
  });
  const proposedNative = new Set([...proposals.values()].map((s) => s.nativeField));
  const unusedNativeFields = nativeFields.map((f) => f.name).filter((n) => !used.has(n) && !proposedNative.has(n));
  return { fields, unusedNativeFields };
}
