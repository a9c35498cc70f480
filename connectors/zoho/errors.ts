/**
 * Zoho CRM's failures as ConnectorErrors: top-level error answers (`{code, details, message, status:"error"}`) by
 * status and code, per-record results inside `data[]` of a write answer, and what fetch throws when nothing (or
 * garbage) answered. Messages quote Zoho's `message` and `code`, never request headers or URLs; ConnectorError
 * redacts them again (every registered secret) anyway.
 */
import { ConnectorError, redactString } from '../contract/index.ts';
import type { ConnectorErrorCode } from '../contract/index.ts';
import { classifyThrown, getHeader, parseRetryAfter } from '../runtime/index.ts';
import type { ErrorClassifier, HeadersLike } from '../runtime/index.ts';

export const ZOHO = 'zoho';

/** A non-2xx answer, thrown by the client and mapped by `classifyZohoError`. */
export class ZohoHttpError extends Error {
  override readonly name = 'ZohoHttpError';

  constructor(
    readonly status: number,
    readonly headers: HeadersLike,
    /** Parsed JSON, or the raw text when the answer was not JSON. */
    readonly body: unknown,
    readonly text: string,
  ) {
    super(`HTTP ${status}`);
  }
}

/** Zoho's `{code, details, message, status}` (top level, or one item of `data[]`). */
export interface ZohoError {
  code?: string;
  message?: string;
  details?: Record<string, unknown>;
}

export function zohoError(body: unknown): ZohoError {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return {};
  const record = body as Record<string, unknown>;
  const code = typeof record.code === 'string' ? record.code : typeof record.error === 'string' ? record.error : undefined;
  const message = typeof record.message === 'string' ? record.message : typeof record.error_description === 'string' ? record.error_description : undefined;
  const details = typeof record.details === 'object' && record.details !== null && !Array.isArray(record.details) ? (record.details as Record<string, unknown>) : undefined;
  return { ...(code ? { code } : {}), ...(message ? { message: redactString(message).slice(0, 300) } : {}), ...(details ? { details } : {}) };
}

/** The runtime's classifier: our HTTP errors by answer, anything thrown by fetch as unreachable. */
export const classifyZohoError: ErrorClassifier = (crm, err) => {
  if (err instanceof ZohoHttpError) return classifyAnswer(crm, err.status, err.headers, err.body, err.text);
  return classifyThrown(crm, err);
};

/** The field names a Zoho error's details point at (`api_name`, or the last step of `json_path`). */
function fieldsOf(details: Record<string, unknown> | undefined): string[] | undefined {
  const name = details?.api_name ?? details?.param_name;
  if (typeof name === 'string' && name !== '') return [name];
  const path = details?.json_path;
  const last = typeof path === 'string' ? /\.([A-Za-z0-9_]+)$/.exec(path)?.[1] : undefined;
  return last ? [last] : undefined;
}

/**
 * A whole answer as a ConnectorError. 429 TOO_MANY_REQUESTS (credits spent or too many requests in flight: Zoho
 * says which in neither header nor code) is a rate limit; the runtime blocks the account for Retry-After when one
 * is sent, else for its default pause, then retries with backoff.
 */
export function classifyAnswer(crm: string, status: number, headers: HeadersLike | undefined, body: unknown, text: string): ConnectorError {
  const native = zohoError(body);
  const html = typeof body === 'string' && /^\s*</.test(text);
  const said = native.message ? `: ${native.message}` : html ? ' (an HTML page)' : '';
  const fields = status >= 400 && status < 500 ? fieldsOf(native.details) : undefined;
  const details: Record<string, unknown> = { ...(native.code ? { nativeCode: native.code } : {}), ...(fields ? { fields } : {}) };
  const make = (code: ConnectorErrorCode, what: string, extra: { retryAfterMs?: number } = {}) =>
    new ConnectorError(code, crm, `${what} (${status}${native.code ? ` ${native.code}` : ''})${said}`, { status, details, ...extra });

  if (status === 401) return make('CRM_AUTH_FAILED', 'rejected the access token');
  if (status === 403) return make('CRM_AUTH_FAILED', 'refused access');
  if (status === 429) {
    const retryAfterMs = parseRetryAfter(getHeader(headers, 'retry-after'));
    return make('CRM_RATE_LIMITED', 'too many requests', retryAfterMs !== undefined ? { retryAfterMs } : {});
  }
  if (status === 404 || status === 410) return make('CRM_NOT_FOUND', 'not found');
  if (status === 409 || status === 412) return make('CRM_CONFLICT', 'conflict');
  if (status === 408) return make('CRM_TIMEOUT', 'request timeout');
  if (status >= 500) return make('CRM_UNAVAILABLE', 'server error');
  if (status === 400 && native.code === 'INVALID_MODULE') return make('CRM_NOT_FOUND', 'no such module');
  if (status === 400 && native.code === 'DUPLICATE_DATA') return make('CRM_CONFLICT', 'duplicate value');
  if (status >= 400) return make('CRM_VALIDATION', 'rejected the request');
  return make('CRM_UNAVAILABLE', 'answered an unexpected status');
}

/** Per-record codes (a write answer's `data[i].code`) → the contract's codes. */
const RECORD_CODES: Record<string, ConnectorErrorCode> = {
  MANDATORY_NOT_FOUND: 'CRM_VALIDATION',
  INVALID_DATA: 'CRM_VALIDATION',
  LIMIT_EXCEEDED: 'CRM_VALIDATION',
  REQUIRED_PARAM_MISSING: 'CRM_VALIDATION',
  DUPLICATE_DATA: 'CRM_CONFLICT',
  ALREADY_MODIFIED: 'CRM_CONFLICT',
  RECORD_LOCKED: 'CRM_CONFLICT',
  NO_PERMISSION: 'CRM_AUTH_FAILED',
  INVALID_MODULE: 'CRM_NOT_FOUND',
  INTERNAL_ERROR: 'CRM_UNAVAILABLE',
};

/**
 * One failed item of a write answer. `INVALID_DATA` naming only an `id` (an update of a record Zoho does not have)
 * is CRM_NOT_FOUND; naming a field, CRM_VALIDATION with the field in `details.fields` (the write-back worker shows
 * it next to the golden field); `DUPLICATE_DATA` keeps the clashing record's id.
 */
export function recordError(item: unknown, status?: number): ConnectorError {
  const native = zohoError(item);
  const nativeCode = native.code ?? 'UNKNOWN';
  const fields = fieldsOf(native.details);
  let code: ConnectorErrorCode = RECORD_CODES[nativeCode] ?? 'CRM_VALIDATION';
  if (nativeCode === 'INVALID_DATA' && !fields && native.details?.id !== undefined) code = 'CRM_NOT_FOUND';
  const duplicate = (native.details?.duplicate_record as { id?: unknown } | undefined)?.id;
  const details: Record<string, unknown> = {
    nativeCode,
    ...(fields ? { fields } : {}),
    ...(native.details?.id !== undefined ? { id: String(native.details.id) } : {}),
    ...(duplicate !== undefined ? { duplicateId: String(duplicate) } : {}),
    ...(native.details?.maximum_length !== undefined ? { maximumLength: native.details.maximum_length } : {}),
    ...(native.details?.expected_data_type !== undefined ? { expectedDataType: native.details.expected_data_type } : {}),
  };
  const about = fields ? ` (${fields.join(', ')})` : '';
  return new ConnectorError(code, ZOHO, `refused the record: ${nativeCode}${about}${native.message ? `: ${native.message}` : ''}`, {
    ...(status !== undefined ? { status } : {}),
    details,
  });
}

/** A ConnectorError for a value the connector can tell is wrong before sending it. */
export function invalidValue(name: string, expected: string): ConnectorError {
  return new ConnectorError('CRM_VALIDATION', ZOHO, `field ${name} must be ${expected}`, { details: { fields: [name] } });
}

export function unusable(what: string): ConnectorError {
  return new ConnectorError('CRM_UNAVAILABLE', ZOHO, what);
}
