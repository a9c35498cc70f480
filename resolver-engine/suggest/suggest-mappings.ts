/**
 * Mapping suggestions for the visual mapper: which native field should fill which golden field, by name
 * (exact, synonym, similarity — of the API name and the label), constrained by type compatibility, each
 * with a score in [0, 1] and the reasons a user can read before accepting it.
 */
import type { GoldenScalar } from '../model.ts';
import type { MappingConfig } from '../mapping/schema.ts';
import { jaroWinkler } from '../text/similarity.ts';
import { canonicalName } from './canonical-name.ts';
import { typeFit } from './native-types.ts';
import { SYNONYM_GROUPS, synonymGroupsOf } from './synonyms.ts';

export interface NativeFieldDescription {
  name: string;
  label?: string;
  /** The CRM's type: Salesforce describe `type`, HubSpot property `type`, Dataverse attribute type. */
  type: string;
  /** HubSpot `fieldType` (phonenumber, booleancheckbox…), which refines `type`. */
  fieldType?: string;
  /** Whether the CRM accepts writes to it (a mapping from a read-only field is not writable). Default true. */
  updateable?: boolean;
  /** A picklist's active values, to pre-fill the picklist converter's value map. */
  picklistValues?: readonly string[];
}

export interface GoldenFieldDescription {
  name: string;
  type: GoldenScalar;
}

export interface MappingSuggestion {
  goldenField: string;
  nativeField: string;
  score: number;
  /** The converter the suggestion would use. */
  converter: string;
  reasons: string[];
}

export interface SuggestOptions {
  /** Suggestions scoring below this are left out (default 0.5). */
  minScore?: number;
  /** At most this many suggestions per golden field (default 3). */
  perField?: number;
}

interface NameMatch { score: number; reason: string }

function compareNames(golden: string, native: string, what: string): NameMatch {
  const g = canonicalName(golden);
  const n = canonicalName(native);
  if (g === n) return { score: 1, reason: `${what} '${native}' is '${golden}'` };
  const shared = synonymGroupsOf(g).find((group) => synonymGroupsOf(n).includes(group));
  if (shared !== undefined) return { score: 0.9, reason: `${what} '${native}' is a synonym of '${golden}' (${SYNONYM_GROUPS[shared]!.slice(0, 4).join(' ~ ')})` };
  const similarity = jaroWinkler(g, n);
  // Containment catches 'annualrevenue' vs 'revenue' where similarity alone is weak.
  const contains = g.length >= 4 && n.length >= 4 && (g.includes(n) || n.includes(g));
  const score = Math.max(similarity * 0.8, contains ? 0.7 : 0);
  return { score, reason: contains ? `${what} '${native}' contains or is contained in '${golden}'` : `${what} '${native}' resembles '${golden}' (similarity ${similarity.toFixed(2)})` };
}

function suggestOne(golden: GoldenFieldDescription, native: NativeFieldDescription): MappingSuggestion {
  const byName = compareNames(golden.name, native.name, 'name');
  const byLabel = native.label ? compareNames(golden.name, native.label, 'label') : { score: 0, reason: '' };
  const best = byLabel.score > byName.score ? byLabel : byName;
  const reasons = [best.reason];
  const fit = typeFit(native.type, native.fieldType);
  let score = best.score;
  let converter = 'identity';
  if (!fit) {
    score *= 0.6;
    reasons.push(`unknown native type '${native.type}'`);
  } else if (fit.scalars.includes(golden.type)) {
    converter = fit.converter === 'domain' && canonicalName(golden.name) !== 'domain' ? 'identity' : fit.converter;
    reasons.push(`type ${native.fieldType ?? native.type} fills ${golden.type} (converter ${converter})`);
  } else {
    score *= 0.3;
    reasons.push(`type ${native.fieldType ?? native.type} cannot fill ${golden.type}`);
  }
  return { goldenField: golden.name, nativeField: native.name, score: Math.round(score * 1000) / 1000, converter, reasons };
}

const bare = (name: string) => name.toLowerCase().replace(/[^a-z0-9]/g, '');
const spelledAlike = (golden: string, native: string): number => (bare(golden) === bare(native) ? 1 : 0);

export function suggestMappings(
  nativeFields: readonly NativeFieldDescription[],
  goldenFields: readonly GoldenFieldDescription[],
  options: SuggestOptions = {},
): MappingSuggestion[] {
  const minScore = options.minScore ?? 0.5;
  const perField = options.perField ?? 3;
  const suggestions: MappingSuggestion[] = [];
  for (const golden of goldenFields) {
    const ranked = nativeFields
      .map((native) => suggestOne(golden, native))
      .filter((s) => s.score >= minScore)
      // Ties: the native field spelled like the golden one first (Phone before OtherPhone for phone), then by name.
      .sort((a, b) => b.score - a.score || spelledAlike(golden.name, b.nativeField) - spelledAlike(golden.name, a.nativeField) || (a.nativeField < b.nativeField ? -1 : 1));
    suggestions.push(...ranked.slice(0, perField));
  }
  return suggestions;
}

/**
 * One native field per golden field and vice versa, best scores first: what the mapper pre-fills.
 * Greedy rather than optimal, which is enough when good matches stand well above the rest.
 */
export function bestAssignment(suggestions: readonly MappingSuggestion[]): MappingSuggestion[] {
  const usedGolden = new Set<string>();
  const usedNative = new Set<string>();
  const chosen: MappingSuggestion[] = [];
  for (const s of [...suggestions].sort((a, b) => b.score - a.score || (a.goldenField < b.goldenField ? -1 : 1))) {
    if (usedGolden.has(s.goldenField) || usedNative.has(s.nativeField)) continue;
    usedGolden.add(s.goldenField);
    usedNative.add(s.nativeField);
    chosen.push(s);
  }
  return chosen;
}

/** The golden fields of one type of a configuration, as suggestMappings takes them. */
export function goldenFieldsOf(config: MappingConfig, typeName: string): GoldenFieldDescription[] {
  const type = config.types[typeName];
  if (!type) throw new Error(`unknown golden type '${typeName}'`);
  return Object.entries(type.fields).map(([name, field]) => ({ name, type: field.type }));
}
