/**
 * Renders the golden subgraph SDL from its model: each golden type keyed by `id`, identity's `sources` and link
 * fields `@external`, every golden field with one `@requires`, relations, `provenance` and `conflicts` with one that adds
 * the relations' reference fields, the shared
 * provenance types, and the native stubs with their `@external` fields. Deterministic text, so two renderings
 * can be compared to decide whether the supergraph must be recomposed.
 */
import type { GoldenScalar } from '../../resolver-engine/index.ts';
import type { GoldenModel, GoldenTypeModel } from './golden-model.ts';

export const GOLDEN_LINK = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key", "@shareable", "@external", "@requires"])';

/** Golden scalars on the wire: Date (YYYY-MM-DD) and DateTime (ISO-8601 UTC) travel as String. */
export const GRAPHQL_SCALAR: Record<GoldenScalar, string> = { String: 'String', Int: 'Int', Float: 'Float', Boolean: 'Boolean', Date: 'String', DateTime: 'String' };

const SHARED_TYPES = `"A pointer to one native record in one CRM."
type SourceRef @shareable {
  crm: String!
  objectType: String!
  recordId: String!
}

"Whether a source could be read when the value was decided."
enum CandidateStatus {
  OK
  "The source's CRM could not be read (down, timed out, or the record is gone): it could not take part."
  UNAVAILABLE
}

"""
How one golden value was decided. Values are rendered as strings whatever the field's type (numbers and booleans
as their JSON text, dates as ISO-8601), so one type serves every field; null means no value.
"""
type FieldProvenance {
  field: String!
  value: String
  "The rule that decided: last-write-wins, source-priority, most-complete, most-frequent or custom:<function>."
  rule: String!
  "The source whose value won; null when no source had a value or a function computed it."
  source: SourceRef
  "When the winning value was last modified in its CRM (ISO-8601)."
  modifiedAt: String
  "A short explanation, e.g. 'newest of 2'."
  detail: String!
  "Every candidate considered, winners and losers alike, unavailable sources included."
  candidates: [ProvenanceCandidate!]!
  "Sources that could not be read for this field: the value may be stale."
  unavailableSources: [SourceRef!]!
}

type ProvenanceCandidate {
  value: String
  source: SourceRef!
  modifiedAt: String
  status: CandidateStatus!
  "Conversion and data-quality problems noticed while reading the value."
  issues: [String!]!
}

"A field whose sources disagree (after normalisation: case, spaces, phone formatting)."
type FieldConflict {
  field: String!
  values: [ConflictValue!]!
}

type ConflictValue {
  value: String
  sources: [SourceRef!]!
}`;

export function renderGoldenSdl(model: GoldenModel, descriptions: Record<string, string | undefined> = {}): string {
  const parts = [GOLDEN_LINK, ...model.types.map((t) => renderType(t, descriptions[t.typeName])), SHARED_TYPES];
  for (const [typeName, stub] of [...model.stubs.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const lines = [`  ${stub.keyField}: ID!`, ...[...stub.fields.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([f, type]) => `  ${f}: ${type} @external`)];
    parts.push(`type ${typeName} @key(fields: "${stub.keyField}", resolvable: false) {\n${lines.join('\n')}\n}`);
  }
  return `${parts.join('\n\n')}\n`;
}

function renderType(t: GoldenTypeModel, description: string | undefined): string {
  const requires = `@requires(fields: ${JSON.stringify(t.requires)})`;
  const fieldRequires = `@requires(fields: ${JSON.stringify(t.fieldRequires)})`;
  const lines = [
    '  id: ID!',
    '  sources: [SourceRef!]! @external',
    '  sourceFieldClocks: String @external',
    ...t.links.map((l) => `  ${l.spec.linkField}: [${l.spec.typeName}!]! @external`),
  ];
  for (const [name, field] of t.fields) {
    const from = field.mappings.map((m) => `${m.crm} ${m.objectType}.${m.from.join('+')}`).join(', ') || 'no source';
    const text = `${field.description ? `${field.description} ` : ''}Merged from ${from} (rule: ${t.rules.get(name)}).`;
    const deprecated = field.deprecated ? ` @deprecated(reason: ${JSON.stringify(field.deprecated)})` : '';
    lines.push(`  ${JSON.stringify(text)}\n  ${name}: ${GRAPHQL_SCALAR[field.type]}${deprecated} ${fieldRequires}`);
  }
  for (const [name, relation] of t.relations) {
    const from = relation.mappings.map((m) => `${m.crm} ${m.objectType}.${m.from} → ${m.targetObjectType}`).join(', ') || 'no source';
    const text = `${relation.description ? `${relation.description} ` : ''}The golden ${relation.target} of ${from} (rule: ${t.rules.get(name)}); null when none is linked.`;
    lines.push(`  ${JSON.stringify(text)}\n  ${name}: ${relation.target} ${requires}`);
  }
  lines.push(`  "How each golden field was decided; all fields when \`fields\` is absent."\n  provenance(fields: [String!]): [FieldProvenance!]! ${requires}`);
  lines.push(`  "Fields whose sources disagree."\n  conflicts: [FieldConflict!]! ${requires}`);
  const desc = description ? `${JSON.stringify(description)}\n` : '';
  return `${desc}type ${t.typeName} @key(fields: "id") {\n${lines.join('\n')}\n}`;
}
