/** Salesforce's wire formats for dates and datetimes. Sync engines compare these strings, so be exact. */

/** `2024-05-01T12:00:00.000+0000` */
export function formatDateTime(ms: number): string {
  return new Date(ms).toISOString().replace('Z', '+0000');
}

/**
 * Parses every datetime shape a client sends (ISO with `Z`, `+hh:mm`, `+hhmm`, optional millis).
 * Returns epoch ms, or undefined when the text is not a datetime.
 */
export function parseDateTime(text: string): number | undefined {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})(\.\d{1,3})?(Z|[+-]\d{2}:?\d{2})?$/.exec(text);
  if (!m) return undefined;
  let zone = m[4] ?? 'Z';
  if (/^[+-]\d{4}$/.test(zone)) zone = `${zone.slice(0, 3)}:${zone.slice(3)}`;
  const ms = Date.parse(`${m[1]}T${m[2]}${(m[3] ?? '.000').padEnd(4, '0')}${zone}`);
  return Number.isNaN(ms) ? undefined : ms;
}

/** `YYYY-MM-DD`, validated as a real calendar date. */
export function isDate(text: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
  const d = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().startsWith(text);
}

/** Start of the UTC day containing `ms`. */
export function startOfUtcDay(ms: number): number {
  const d = new Date(ms);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
}

export const DAY_MS = 86_400_000;
