/**
 * Dataverse's failures as ConnectorErrors: error answers by status and the `{"error":{"code","message"}}` envelope
 * (hex codes such as 0x80060888), the Entra ID token endpoint's `{"error":"invalid_client",…}` shape, and what fetch
 * throws when nothing (or garbage) answered. The same mapping serves whole answers and the parts of a `$batch`
 * answer, so a write failing inside a batch reads exactly like the same write sent alone.
 *
 * Messages quote Dataverse's own `message` text, never request headers or URLs; ConnectorError redacts them again
 * (bearer tokens, `client_secret=…`, every registered secret) anyway.
 */
import { ConnectorError, redactString } from '../contract/index.ts';
import type { ConnectorErrorCode } from '../contract/index.ts';
import { classifyThrown, getHeader, parseRetryAfter } from '../runtime/index.ts';
import type { ErrorClassifier, HeadersLike } from '../runtime/index.ts';

/** Dataverse's native codes that decide a ConnectorError code the HTTP status alone would get wrong. */
export const DATAVERSE_CODES = {
  /** Service protection: number of requests, execution time, concurrent requests (all 429). */
  requestLimit: '0x80072322',
  timeLimit: '0x80072321',
  concurrencyLimit: '0x80072326',
  /** `contact With Id = … Does Not Exist` (404). */
  doesNotExist: '0x80040217',
  /** `If-None-Match: *` on an existing row (412): a duplicate. */
  alreadyExists: '0x80040237',
  /** `If-Match: W/"…"` on a changed row (412). */
  concurrencyMismatch: '0x80060882',
  /** Change tracking: the delta token is older than the org keeps (400). */
  versionStampExpired: '0x80044352',
  /** Unknown property in a body, $select or $filter (400). */
  unknownProperty: '0x80060888',
  /** A value an alternate key already holds (Dataverse answers 412; a 400 with it is a conflict too). */
  duplicateKey: '0x80060892',
} as const;

/** A non-2xx answer, thrown by the client and mapped by `classifyDynamicsError`. */
export class DynamicsHttpError extends Error {
  override readonly name = 'DynamicsHttpError';

  constructor(
    readonly status: number,
    readonly headers: HeadersLike,
    /** Parsed JSON, or the raw text when the answer was not JSON. */
    readonly body: unknown,
    readonly text: string,
  ) {
    super(`HTTP ${status}`);
  }

  /** The native `error.code` (e.g. `0x80044352`), when the body carries one. */
  get nativeCode(): string | undefined {
    return nativeError(this.body).code;
  }
}

/** The runtime's classifier: our HTTP errors by answer, anything thrown by fetch as unreachable. */
export const classifyDynamicsError: ErrorClassifier = (crm, err) => {
  if (err instanceof DynamicsHttpError) return classifyAnswer(crm, err.status, err.headers, err.body, err.text);
  return classifyThrown(crm, err);
};

interface NativeError {
  code?: string;
  message?: string;
}

/** `{"error":{"code","message"}}` (the Web API) or `{"error":"invalid_client","error_description"}` (Entra ID). */
export function nativeError(body: unknown): NativeError {
  if (typeof body !== 'object' || body === null) return {};
  const record = body as Record<string, unknown>;
  const inner = typeof record.error === 'object' && record.error !== null ? (record.error as Record<string, unknown>) : record;
  const code = [inner.code, typeof record.error === 'string' ? record.error : undefined].find((c) => typeof c === 'string' && c !== '') as string | undefined;
  const message = [inner.message, record.error_description].find((m) => typeof m === 'string' && m !== '') as string | undefined;
  return { ...(code ? { code } : {}), ...(message ? { message: redactString(message).slice(0, 300) } : {}) };
}

/**
 * The field a validation error names: "Could not find a property named 'x' on type …", "A required field 'x' …",
 * "The attribute 'x' … is read-only", "The length of the 'firstname' attribute …", "'lastname' is required". Kept in
 * `details.fields`, which the write-back worker shows next to the golden field.
 */
export function fieldNamed(message: string | undefined): string[] | undefined {
  if (!message) return undefined;
  const patterns = [
    /property named '([A-Za-z0-9_@.]+)'/i,
    /(?:field|column|attribute|property) '([A-Za-z0-9_]+)'/i,
    /'([A-Za-z0-9_]+)' (?:attribute|field|column)/i,
    /'([a-z][a-z0-9_]+)' (?:is|are) required/i,
  ];
  for (const pattern of patterns) {
    const match = pattern.exec(message);
    if (match?.[1]) return [match[1].replace(/@odata\.bind$/, '')];
  }
  return undefined;
}

/**
 * One answer (whole or a `$batch` part) as a ConnectorError. 429 carries Retry-After as `retryAfterMs`, which
 * the runtime turns into a block of the whole account's budget; 412 is a conflict; everything 5xx, HTML or not
 * JSON is the CRM being unavailable.
 */
export function classifyAnswer(crm: string, status: number, headers: HeadersLike | undefined, body: unknown, text: string): ConnectorError {
  const native = nativeError(body);
  const html = typeof body === 'string' && /^\s*</.test(text);
  const said = native.message ? `: ${native.message}` : html ? ' (an HTML page)' : '';
  const fields = status >= 400 && status < 500 ? fieldNamed(native.message) : undefined;
  const details: Record<string, unknown> = { ...(native.code ? { nativeCode: native.code } : {}), ...(fields ? { fields } : {}) };
  const make = (code: ConnectorErrorCode, what: string, extra: { retryAfterMs?: number; retryable?: boolean } = {}) =>
    new ConnectorError(code, crm, `${what} (${status}${native.code ? ` ${native.code}` : ''})${said}`, { status, details, ...extra });

  if (status === 401) return make('CRM_AUTH_FAILED', 'rejected the access token');
  if (status === 403) return make('CRM_AUTH_FAILED', 'refused access');
  if (status === 429) {
    const retryAfterMs = parseRetryAfter(getHeader(headers, 'retry-after'));
    return make('CRM_RATE_LIMITED', 'service protection limit reached', retryAfterMs !== undefined ? { retryAfterMs } : {});
  }
  if (status === 404 || status === 410) return make('CRM_NOT_FOUND', 'not found');
  if (status === 409 || status === 412) return make('CRM_CONFLICT', 'conflict');
  if (status === 408) return make('CRM_TIMEOUT', 'request timeout');
  if (status >= 500) return make('CRM_UNAVAILABLE', 'server error');
  if (status === 400 && native.code === DATAVERSE_CODES.doesNotExist) return make('CRM_NOT_FOUND', 'not found');
  if (status === 400 && native.code === DATAVERSE_CODES.duplicateKey) return make('CRM_CONFLICT', 'duplicate key');
  if (status >= 400) return make('CRM_VALIDATION', 'rejected the request');
  return make('CRM_UNAVAILABLE', 'answered an unexpected status');
}
