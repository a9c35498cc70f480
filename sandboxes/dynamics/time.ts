/** Dataverse's timestamp formats: records in ISO-8601 UTC without milliseconds, delta tokens in `MM/dd/yyyy HH:mm:ss`. */

/** `2024-05-01T12:00:00Z` (pinned: no milliseconds; connectors compare these strings). */
export function toDataverseTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Parses any ISO-8601 timestamp (or `YYYY-MM-DD`) to whole-second milliseconds; undefined when unparseable. */
export function parseTime(value: unknown): number | undefined {
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}/.test(value)) return undefined;
  const ms = Date.parse(value.length === 10 ? `${value}T00:00:00Z` : value);
  return Number.isNaN(ms) ? undefined : Math.floor(ms / 1000) * 1000;
}

/** The date half of a delta token, `08/22/2017 08:10:44` (UTC), as Dataverse writes it after the version. */
export function deltaTokenDate(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d.getUTCMonth() + 1)}/${p(d.getUTCDate())}/${d.getUTCFullYear()} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}`;
}

/** Now, cut to the second, so a stored time renders back exactly as it was compared. */
export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000) * 1000;
}
