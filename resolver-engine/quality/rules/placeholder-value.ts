import type { QualityRule } from '../quality-rule.ts';

/**
 * What people type into a required CRM field when they have nothing to put there. Such a value is not data: it
 * would win survivorship over a real value elsewhere (it is newer, or from the trusted CRM). Flagged, not dropped —
 * the steward sees it in the data-quality report and can clear it at the source.
 */
const PLACEHOLDERS = new Set([
  'n/a', 'na', 'n.a.', 'none', 'null', 'nil', 'unknown', 'not known', 'tbd', 'tba', 'todo', 'test', 'testing', 'asdf',
  'qwerty', 'xxx', 'xx', 'x', '-', '--', '---', '.', '?', '??', '0', '00', '000', 'no', 'nope', 'dummy', 'placeholder',
  'no email', 'noemail', 'no phone', 'do not use', 'delete', 'unbekannt', 'keine angabe',
]);

/** '123456', '0000000', 'aaaa': one repeated character or a run of digits counting up. */
function looksTyped(text: string): boolean {
  if (text.length >= 3 && /^(.)\1+$/.test(text)) return true;
  return text.length >= 4 && '0123456789'.includes(text);
}

export const placeholderValue: QualityRule = {
  name: 'placeholder-value',
  description: "Flags filler typed into a required field ('N/A', 'unknown', 'test', 'xxx', '123456') so it is seen and cleared at the source.",
  check(value, ctx) {
    if (typeof value !== 'string') return { value, issues: [] };
    const text = value.trim().toLowerCase();
    return PLACEHOLDERS.has(text) || looksTyped(text.replace(/[\s()+-]/g, ''))
      ? { value, issues: [{ code: 'PLACEHOLDER_VALUE', message: `${ctx.field}: '${value}' looks like a placeholder, not a value` }] }
      : { value, issues: [] };
  },
};
