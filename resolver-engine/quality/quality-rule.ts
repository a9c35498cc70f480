/**
 * The contract of a data-quality rule: normalise a value and flag what is wrong with it — never drop it.
 * A flagged value still takes part in survivorship, so bad data stays visible (in provenance) and fixable
 * at its source instead of silently disappearing. One rule per file under rules/.
 */
import type { Issue } from '../model.ts';

export interface QualityContext {
  field: string;
  /** ISO 3166 alpha-2 region for phone numbers typed without a country code. */
  defaultRegion: string;
}

export interface QualityResult {
  value: unknown;
  issues: Issue[];
}

export interface QualityRule {
  name: string;
  description: string;
  /** Called with non-empty values only. */
  check(value: unknown, ctx: QualityContext): QualityResult;
}
