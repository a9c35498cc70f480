/**
 * The vocabulary every part of the resolver engine speaks: a candidate value offered by one native record,
 * and the provenance that explains which candidate became the golden value and why.
 * Plain data only, so the same shapes can be stored (db), served (golden subgraph) and compared (tests).
 */

/** The GraphQL scalar a golden field is exposed as. Date is `YYYY-MM-DD`, DateTime an ISO-8601 UTC string. */
export const GOLDEN_SCALARS = ['String', 'Int', 'Float', 'Boolean', 'Date', 'DateTime'] as const;
export type GoldenScalar = (typeof GOLDEN_SCALARS)[number];

/** Which native record a value came from. `crm` is a connector id such as 'salesforce' or 'hubspot'. */
export interface SourceRef {
  crm: string;
  objectType: string;
  recordId: string;
}

/** A problem noticed while reading a value; values are flagged, never dropped silently. */
export interface Issue {
  code: string;
  message: string;
  /** The native value as read, when the candidate cannot carry it (a conversion failed: its value is null). */
  native?: unknown;
}

/**
 * One source's offer for one golden field.
 * `status: 'unavailable'` marks a source that could not be read (CRM down): it never wins, but provenance
 * reports it so callers can see that the golden value may be stale.
 */
export interface Candidate {
  value: unknown;
  source: SourceRef;
  /** Field-level modification time when the CRM offers one, else the record's modification time. */
  modifiedAt: Date | null;
  status?: 'ok' | 'unavailable';
  /** Conversion problems (e.g. an unparseable date): the value is then null and the raw value is in the message. */
  issues?: Issue[];
}

/** How one golden value was decided. `source` is null when no candidate supplied the value (or a function computed it). */
export interface Provenance {
  field: string;
  value: unknown;
  /** Strategy name, e.g. 'last-write-wins', or 'custom:anyTrue' for a registered function. */
  rule: string;
  source: SourceRef | null;
  modifiedAt: Date | null;
  /** Every candidate considered, winners and losers alike, including unavailable sources. */
  candidates: Candidate[];
  /** A short human explanation, e.g. 'newest of 2 (tie within 1000 ms broken by source priority)'. */
  detail: string;
  /** Sources that could not be read for this field. */
  unavailableSources: SourceRef[];
}

/** A field whose non-empty, normalised source values disagree. */
export interface Conflict {
  field: string;
  values: Array<{ value: unknown; sources: SourceRef[] }>;
}

export interface ResolvedRecord {
  values: Record<string, unknown>;
  provenance: Provenance[];
  conflicts: Conflict[];
}

export function sourceKey(source: SourceRef): string {
  return `${source.crm}/${source.objectType}/${source.recordId}`;
}
