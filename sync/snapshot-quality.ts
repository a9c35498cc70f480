/**
 * Bad input is kept and flagged, never dropped: a value that fails a data-quality rule (a malformed email, an
 * unknown country…) or a conversion still takes part in survivorship (resolver-engine keeps it with its issues), and
 * the stored golden snapshot records those issues under `__quality` — one entry per flagged candidate, with the
 * golden field, the issue code and message, the source record, the value as read and whether it won. The key starts
 * with `__`, which GraphQL reserves, so it can never collide with a golden field name; it is not a golden field and
 * is never reported as a changed field. The live provenance (`provenance { candidates { issues } }`) shows the same.
 */
import type { ResolvedRecord, SourceRef } from '../resolver-engine/index.ts';

export const QUALITY_KEY = '__quality';

export interface StoredQualityIssue {
  field: string;
  code: string;
  message: string;
  source: SourceRef;
  value: unknown;
  /** The flagged value is the golden value (it won survivorship). */
  winner: boolean;
}

const same = (a: SourceRef | null, b: SourceRef) => a !== null && a.crm === b.crm && a.objectType === b.objectType && a.recordId === b.recordId;

/** The values to store for a resolved record: the golden values plus, when any candidate was flagged, its issues. */
export function snapshotOf(resolved: ResolvedRecord): Record<string, unknown> {
  const issues: StoredQualityIssue[] = [];
  for (const p of resolved.provenance) {
    for (const c of p.candidates) {
      for (const issue of c.issues ?? []) {
        issues.push({ field: p.field, code: issue.code, message: issue.message, source: c.source, value: c.value ?? issue.native ?? null, winner: same(p.source, c.source) });
      }
    }
  }
  return issues.length > 0 ? { ...resolved.values, [QUALITY_KEY]: issues } : resolved.values;
}

/** The quality issues stored with a snapshot (empty when it has none). */
export function qualityIssuesOf(snapshot: Readonly<Record<string, unknown>> | null): StoredQualityIssue[] {
  const issues = snapshot?.[QUALITY_KEY];
  return Array.isArray(issues) ? (issues as StoredQualityIssue[]) : [];
}
