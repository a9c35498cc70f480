/**
 * Keeps secrets out of error messages, error details and logs. Two layers, because neither alone is enough:
 *  - shapes: bearer headers, `access_token=…` / `api_token=…` form/query fields, `x-api-token:` headers, JSON
 *    secret keys, Salesforce session ids, HubSpot private-app tokens, and object keys that name a secret;
 *  - values: every secret the runtime handles (access/refresh tokens, client secrets) is registered here, and
 *    any string containing one has it replaced, whatever shape a client library wrapped it in.
 */

export const REDACTED = '[REDACTED]';

const MAX_REGISTERED = 5_000;
const MIN_SECRET_LENGTH = 6;
const registered = new Set<string>();

/** Remembers a secret value so `redact` strips it from any string. Short values are ignored (too many false hits). */
export function registerSecret(value: string | null | undefined): void {
  if (!value || value.length < MIN_SECRET_LENGTH || registered.has(value)) return;
  registered.add(value);
  // Tokens rotate; forget the oldest so the set stays bounded for long-running processes.
  if (registered.size > MAX_REGISTERED) registered.delete(registered.values().next().value as string);
}

/** Object keys whose values are secrets whatever they contain. */
const SECRET_KEY =
  /^(?:.*(?:password|passwd|secret|token|authori[sz]ation|cookie|api[-_]?key|apikey|assertion|signature|credential|private[-_]?key|session[-_]?id)|code|sid)$/i;

const STRING_PATTERNS: Array<[RegExp, string]> = [
  [/\b(Bearer|Basic|OAuth)\s+[A-Za-z0-9._~+/!=-]+/gi, `$1 ${REDACTED}`],
  [
    /\b(access_token|refresh_token|id_token|client_secret|password|assertion|code|token|api_token|api_key|apikey|hapikey|sessionId|sid)=([^&\s"',;]+)/gi,
    `$1=${REDACTED}`,
  ],
  [
    /("(?:access_?token|refresh_?token|id_?token|client_?secret|clientSecret|accessToken|refreshToken|password|assertion|token|api_?key|apiKey|authorization)"\s*:\s*")(?:[^"\\]|\\.)*"/gi,
    `$1${REDACTED}"`,
  ],
  // API-token headers as text (Pipedrive `x-api-token: …`, `X-API-Key: …`).
  [/\b(x-api-(?:token|key)["']?\s*[:=]\s*["']?)[^\s"',;]+/gi, `$1${REDACTED}`],
  // Salesforce session ids: org id + '!' + session part.
  [/\b00D[A-Za-z0-9]{12,15}![A-Za-z0-9._-]+/g, REDACTED],
  // HubSpot private-app tokens.
  [/\bpat-[a-z]{2,3}\d?-[0-9a-f-]{20,}/gi, REDACTED],
];

/** Strips known secrets and secret-looking fragments from a string. */
export function redactString(text: string): string {
  let out = text;
  for (const secret of registered) {
    if (out.includes(secret)) out = out.split(secret).join(REDACTED);
  }
  for (const [pattern, replacement] of STRING_PATTERNS) out = out.replace(pattern, replacement);
  return out;
}

const MAX_DEPTH = 8;

/**
 * Returns a redacted deep copy: strings are scrubbed, secret-named keys replaced, errors reduced to
 * name/message/code, binary data summarised. Safe on cycles and deep objects.
 */
export function redact<T>(value: T): T {
  return redactValue(value, 0, new WeakSet()) as T;
}

function redactValue(value: unknown, depth: number, seen: WeakSet<object>): unknown {
  if (typeof value === 'string') return redactString(value);
  if (value === null || typeof value !== 'object') return value;
  if (seen.has(value)) return '[Circular]';
  if (depth >= MAX_DEPTH) return '[Truncated]';
  seen.add(value);
  if (value instanceof Error) {
    const code = (value as { code?: unknown }).code;
    return { name: value.name, message: redactString(value.message), ...(code !== undefined ? { code } : {}) };
  }
  if (value instanceof Uint8Array) return `[binary ${value.byteLength} bytes]`;
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map((v) => redactValue(v, depth + 1, seen));
  if (value instanceof Map) {
    return Object.fromEntries([...value].map(([k, v]) => [String(k), redactEntry(String(k), v, depth, seen)]));
  }
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) out[key] = redactEntry(key, v, depth, seen);
  return out;
}

function redactEntry(key: string, value: unknown, depth: number, seen: WeakSet<object>): unknown {
  if (SECRET_KEY.test(key) && value !== null && value !== undefined && typeof value !== 'boolean') return REDACTED;
  return redactValue(value, depth + 1, seen);
}
