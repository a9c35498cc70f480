import type { QualityRule } from '../quality-rule.ts';

/** Leading/trailing whitespace and runs of spaces come from copy-paste and break exact comparisons. */
export const trimWhitespace: QualityRule = {
  name: 'trim-whitespace',
  description: 'Trims surrounding whitespace and collapses runs of spaces and tabs.',
  check(value, ctx) {
    if (typeof value !== 'string') return { value, issues: [] };
    // Newlines are kept: multi-line street addresses are legitimate.
    const cleaned = value.trim().replace(/[ \t\u00a0]+/g, ' ').replace(/ ?\n ?/g, '\n');
    return cleaned === value
      ? { value, issues: [] }
      : { value: cleaned, issues: [{ code: 'WHITESPACE_TRIMMED', message: `${ctx.field}: surrounding or repeated whitespace removed` }] };
  },
};
