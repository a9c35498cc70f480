/**
 * Zoho renders every record time in the org's zone offset, ISO-8601 without milliseconds
 * (`2024-05-01T17:30:00+05:30`), and keeps times at one-second resolution, so ties are common.
 */

/** Minutes east of UTC for an offset like `+05:30` / `-04:00`; throws on anything else. */
export function offsetMinutes(offset: string): number {
  const m = /^([+-])(\d{2}):(\d{2})$/.exec(offset);
  if (!m) throw new Error(`timeZoneOffset must look like +05:30, got "${offset}"`);
  const minutes = Number(m[2]) * 60 + Number(m[3]);
  return m[1] === '-' ? -minutes : minutes;
}

/** `ms` (epoch) rendered in the offset, whole seconds. */
export function formatTime(ms: number, offset: string): string {
  const shifted = new Date(Math.floor(ms / 1000) * 1000 + offsetMinutes(offset) * 60_000);
  return `${shifted.toISOString().slice(0, 19)}${offset}`;
}

/** Now, truncated to the second (Zoho's resolution). */
export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000) * 1000;
}

/** An ISO-8601 timestamp with any offset (or an HTTP date) → epoch ms truncated to the second; undefined if unparsable. */
export function parseTime(value: unknown): number | undefined {
  if (typeof value !== 'string' || !/\d{4}/.test(value)) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : Math.floor(ms / 1000) * 1000;
}

/** `YYYY-MM-DD` that names a real day. */
export function isDate(value: unknown): value is string {
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const d = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === value;
}
