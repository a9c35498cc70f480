/**
 * Pipedrive's two timestamp formats (reference §0.4): v2 speaks RFC 3339 at second precision
 * (`2024-05-01T12:00:00Z`), v1 `YYYY-MM-DD HH:MM:SS` in UTC. Records keep milliseconds since the epoch,
 * always truncated to a whole second, so many records share one second as on the real service.
 */

/** Now, truncated to the second. */
export const nowSeconds = (): number => Math.floor(Date.now() / 1000) * 1000;

export const toRfc3339 = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

export const toV1 = (ms: number): string => new Date(ms).toISOString().slice(0, 19).replace('T', ' ');

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
const V1 = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;

/** An RFC 3339 instant (any fraction, any offset) in ms, or undefined when it is not one. */
export function parseRfc3339(text: string): number | undefined {
  if (!RFC3339.test(text)) return undefined;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : ms;
}

/** A v1 `YYYY-MM-DD HH:MM:SS` (UTC) in ms, or undefined. */
export function parseV1(text: string): number | undefined {
  if (!V1.test(text)) return undefined;
  const ms = Date.parse(`${text.replace(' ', 'T')}Z`);
  return Number.isNaN(ms) ? undefined : ms;
}

/** Seeds may use either format; the result is truncated to the second like every stored time. */
export function parseAnyTimestamp(text: string): number | undefined {
  const ms = parseRfc3339(text) ?? parseV1(text);
  return ms === undefined ? undefined : Math.floor(ms / 1000) * 1000;
}

/** `YYYY-MM-DD` that names a real calendar day. */
export function isDate(text: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
  const d = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().startsWith(text);
}
