/** null, undefined, '' and whitespace-only strings carry no information and, by default, never win. */
export function isEmptyValue(value: unknown): boolean {
  if (value === null || value === undefined) return true;
  if (typeof value === 'number') return Number.isNaN(value);
  return typeof value === 'string' && value.trim() === '';
}
