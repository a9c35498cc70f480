/**
 * Golden values in provenance and conflicts travel as strings (FieldProvenance.value is `String`): one field type
 * serves every golden scalar, and the text is unambiguous — strings as they are, numbers and booleans as their
 * JSON text, instants as ISO-8601, anything structured as JSON.
 */
import type { Candidate, Conflict, Provenance, SourceRef } from '../../resolver-engine/index.ts';

export function renderValue(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return value;
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

const instant = (d: Date | null | undefined): string | null => (d ? d.toISOString() : null);
const ref = (s: SourceRef): SourceRef => ({ crm: s.crm, objectType: s.objectType, recordId: s.recordId });

export function renderCandidate(c: Candidate) {
  return {
    value: renderValue(c.value),
    source: ref(c.source),
    modifiedAt: instant(c.modifiedAt),
    status: c.status === 'unavailable' ? 'UNAVAILABLE' : 'OK',
    issues: (c.issues ?? []).map((i) => `${i.code}: ${i.message}`),
  };
}

export function renderProvenance(p: Provenance) {
  return {
    field: p.field,
    value: renderValue(p.value),
    rule: p.rule,
    source: p.source ? ref(p.source) : null,
    modifiedAt: instant(p.modifiedAt),
    detail: p.detail,
    candidates: p.candidates.map(renderCandidate),
    unavailableSources: p.unavailableSources.map(ref),
  };
}

export function renderConflict(c: Conflict) {
  return { field: c.field, values: c.values.map((v) => ({ value: renderValue(v.value), sources: v.sources.map(ref) })) };
}
