/**
 * Salesforce errors → ConnectorError. Two shapes reach us:
 *  - a call that failed as a whole: jsforce's HttpApiError (`errorCode` = Salesforce's code, or `ERROR_HTTP_<n>`
 *    for bodies it could not read) which client.ts annotates with the HTTP `statusCode` and response `headers`,
 *    or a network TypeError from undici (`cause.code` ECONNREFUSED…);
 *  - one record of an sObject Collections answer: `{statusCode, message, fields}`.
 * Both go through the same native-code table, so a DUPLICATE_VALUE means CRM_CONFLICT wherever it shows up.
 */
import { ConnectorError } from '../contract/errors.ts';
import type { ConnectorErrorCode } from '../contract/errors.ts';
import { getHeader, parseRetryAfter } from '../runtime/index.ts';
import type { HeadersLike } from '../runtime/index.ts';

export const CRM = 'salesforce';

/** How long to hold off after a rate-limit answer that names no Retry-After (Salesforce's 403 flavour never does). */
const DEFAULT_RATE_LIMIT_BACKOFF_MS = 1_000;

const VALIDATION = [
  'MALFORMED_QUERY', 'INVALID_FIELD', 'INVALID_TYPE_FOR_OPERATION', 'INVALID_QUERY_FILTER_OPERATOR', 'INVALID_QUERY_LOCATOR',
  'NUMBER_OUTSIDE_VALID_RANGE', 'REQUIRED_FIELD_MISSING', 'STRING_TOO_LONG', 'INVALID_EMAIL_ADDRESS',
  'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST', 'FIELD_CUSTOM_VALIDATION_EXCEPTION', 'FIELD_INTEGRITY_EXCEPTION',
  'INVALID_FIELD_FOR_INSERT_UPDATE', 'MALFORMED_ID', 'INVALID_ID_FIELD', 'INVALID_CROSS_REFERENCE_KEY', 'JSON_PARSER_ERROR',
  'INVALID_TYPE_ON_FIELD_IN_RECORD', 'INVALID_FIELD_WHEN_USING_TEMPLATE', 'CANNOT_INSERT_UPDATE_ACTIVATE_ENTITY',
  'ALL_OR_NONE_OPERATION_ROLLED_BACK', 'EXCEEDED_ID_LIMIT', 'INVALID_REPLICATION_DATE', 'INVALID_BATCH_SIZE',
  'INVALID_OPERATION', 'BAD_REQUEST', 'INVALID_INPUT',
];

/** Native code → our code. Anything not listed falls back on the HTTP status, then on CRM_UNAVAILABLE. */
const NATIVE_CODES: Record<string, ConnectorErrorCode> = {
  ...Object.fromEntries(VALIDATION.map((c) => [c, 'CRM_VALIDATION' as const])),
  INVALID_SESSION_ID: 'CRM_AUTH_FAILED',
  INVALID_AUTH_HEADER: 'CRM_AUTH_FAILED',
  API_DISABLED_FOR_ORG: 'CRM_AUTH_FAILED',
  API_CURRENTLY_DISABLED: 'CRM_AUTH_FAILED',
  INSUFFICIENT_ACCESS: 'CRM_AUTH_FAILED',
  INSUFFICIENT_ACCESS_OR_READONLY: 'CRM_AUTH_FAILED',
  INSUFFICIENT_ACCESS_ON_CROSS_REFERENCE_ENTITY: 'CRM_AUTH_FAILED',
  NOT_FOUND: 'CRM_NOT_FOUND',
  ENTITY_IS_DELETED: 'CRM_NOT_FOUND',
  INVALID_TYPE: 'CRM_NOT_FOUND',
  INVALID_CROSS_REFERENCE_TYPE: 'CRM_NOT_FOUND',
  DUPLICATE_VALUE: 'CRM_CONFLICT',
  DUPLICATE_EXTERNAL_ID: 'CRM_CONFLICT',
  DUPLICATES_DETECTED: 'CRM_CONFLICT',
  MULTIPLE_CHOICES: 'CRM_CONFLICT',
  UNABLE_TO_LOCK_ROW: 'CRM_CONFLICT',
  ENTITY_IS_LOCKED: 'CRM_CONFLICT',
  SERVER_UNAVAILABLE: 'CRM_UNAVAILABLE',
  UNKNOWN_EXCEPTION: 'CRM_UNAVAILABLE',
};

/** Codes whose "conflict" is contention that clears by itself: worth a retry. */
const RETRYABLE_CONFLICTS = new Set(['UNABLE_TO_LOCK_ROW']);

/** What client.ts attaches to a failed call so the status and headers survive jsforce's error objects. */
export interface ResponseFacts {
  statusCode?: number;
  headers?: HeadersLike;
}

/** The runtime's ErrorClassifier for everything the Salesforce client throws. */
export function classifySalesforceError(crm: string, err: unknown): ConnectorError {
  if (err instanceof ConnectorError) return err;
  const e = (typeof err === 'object' && err !== null ? err : {}) as { errorCode?: unknown; name?: unknown; message?: unknown; cause?: unknown } & ResponseFacts;
  const status = typeof e.statusCode === 'number' ? e.statusCode : undefined;
  const nativeCode = typeof e.errorCode === 'string' ? e.errorCode : undefined;

  if (nativeCode === undefined && status === undefined) {
    // No answer at all: undici's TypeError('fetch failed', {cause: {code: 'ECONNREFUSED'}}), a socket reset…
    const cause = e.cause as { code?: string; message?: string } | undefined;
    const reason = cause?.code ?? cause?.message ?? (typeof e.message === 'string' ? e.message : String(err));
    return new ConnectorError('CRM_UNAVAILABLE', crm, `could not be reached (${reason.slice(0, 200)})`, { cause: err });
  }

  const message = summarise(typeof e.message === 'string' ? e.message : '');
  const said = `${nativeCode ?? `HTTP ${status}`}${message ? `: ${message}` : ''}`;
  const options = { ...(status !== undefined ? { status } : {}), details: { ...(nativeCode ? { nativeCode } : {}) }, cause: err };

  if (status === 401 || nativeCode === 'INVALID_SESSION_ID') {
    // status 401 is what makes runCall invalidate the token and replay once with a fresh one.
    return new ConnectorError('CRM_AUTH_FAILED', crm, `rejected the session (${said})`, { ...options, status: 401 });
  }
  if (status === 429 || nativeCode === 'REQUEST_LIMIT_EXCEEDED') {
    // One errorCode, two meanings: the org's 24 h quota ("TotalRequests Limit exceeded.") or a short-term limit
    // (concurrent long transactions, a 429). Only the first is CRM_BUDGET_EXHAUSTED.
    if (status !== 429 && /TotalRequests/i.test(message)) {
      return new ConnectorError('CRM_BUDGET_EXHAUSTED', crm, `daily API request limit reached (${said})`, { ...options, status: status ?? 403 });
    }
    const retryAfterMs = parseRetryAfter(getHeader(e.headers, 'retry-after')) ?? DEFAULT_RATE_LIMIT_BACKOFF_MS;
    return new ConnectorError('CRM_RATE_LIMITED', crm, `rate limited (${said})`, { ...options, retryAfterMs });
  }
  if (nativeCode?.startsWith('ERROR_HTTP_') && status !== undefined) {
    // Salesforce answers every error with a JSON envelope; an unreadable one came from a proxy or an outage page.
    return new ConnectorError('CRM_UNAVAILABLE', crm, `answered ${said}`, options);
  }
  const mapped = nativeCode ? NATIVE_CODES[nativeCode] : undefined;
  if (mapped) {
    return new ConnectorError(mapped, crm, said, { ...options, ...(nativeCode && RETRYABLE_CONFLICTS.has(nativeCode) ? { retryable: true } : {}) });
  }
  if (status !== undefined) {
    if (status >= 500) return new ConnectorError('CRM_UNAVAILABLE', crm, `server error (${said})`, options);
    if (status === 404) return new ConnectorError('CRM_NOT_FOUND', crm, said, options);
    if (status === 403) return new ConnectorError('CRM_AUTH_FAILED', crm, `refused access (${said})`, options);
    if (status >= 400) return new ConnectorError('CRM_VALIDATION', crm, said, options);
  }
  return new ConnectorError('CRM_UNAVAILABLE', crm, `unexpected answer (${said})`, options);
}

/**
 * One failed record of a collections answer → the error of its WriteResult. `byId`: the record was addressed by
 * its id (update, delete), where INVALID_CROSS_REFERENCE_KEY without a field means that id names no record.
 */
export function recordError(crm: string, errors: unknown, byId = false): ConnectorError {
  const list = Array.isArray(errors) ? (errors as Array<{ statusCode?: unknown; errorCode?: unknown; message?: unknown; fields?: unknown }>) : [];
  const first = list[0];
  const nativeCode = typeof first?.statusCode === 'string' ? first.statusCode : typeof first?.errorCode === 'string' ? first.errorCode : 'UNKNOWN_EXCEPTION';
  const message = list.map((x) => `${String(x.statusCode ?? x.errorCode ?? '')}: ${summarise(String(x.message ?? ''))}`).join('; ') || nativeCode;
  const fields = list.flatMap((x) => (Array.isArray(x.fields) ? x.fields.map(String) : []));
  const unknownRecord = byId && nativeCode === 'INVALID_CROSS_REFERENCE_KEY' && fields.length === 0;
  const code = unknownRecord ? 'CRM_NOT_FOUND' : (NATIVE_CODES[nativeCode] ?? 'CRM_VALIDATION');
  return new ConnectorError(code, crm, message, {
    details: { nativeCode, ...(fields.length ? { fields } : {}) },
    ...(RETRYABLE_CONFLICTS.has(nativeCode) ? { retryable: true } : {}),
  });
}

/**
 * Error text as it may appear in a message: one line, bounded. jsforce puts a whole HTML error page into the
 * message of ERROR_HTTP_<n> errors, and SOQL errors start with the query text over several lines.
 */
function summarise(text: string): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  if (/^<(!doctype|html|head|body|\?xml)/i.test(oneLine)) return 'an HTML page';
  return oneLine.length > 300 ? `${oneLine.slice(0, 300)}…` : oneLine;
}
