/**
 * HubSpot's failures as ConnectorErrors. The client throws `ApiException {code, body, headers}` for any status it
 * does not expect, a SyntaxError for truncated JSON, its own Error for a content type it cannot parse, and
 * fetch's TypeError when nothing answered. Never copy the ApiException message: it embeds the whole body and
 * headers; the error's fields are enough.
 */
import { ConnectorError } from '../contract/index.ts';
import type { ConnectorErrorCode } from '../contract/index.ts';
import { classifyThrown, getHeader, parseRetryAfter } from '../runtime/index.ts';
import type { ErrorClassifier } from '../runtime/index.ts';

/** The shape of every codegen module's ApiException (there is one class per API module, so match by shape). */
export interface HubSpotApiException {
  code: number;
  body: unknown;
  headers?: Record<string, string>;
}

export function isApiException(err: unknown): err is HubSpotApiException {
  return err instanceof Error && typeof (err as { code?: unknown }).code === 'number' && 'body' in err;
}

/** HubSpot's error envelope (`{status, message, category, errors[], context}`) or a 429's `{errorType, policyName}`. */
interface HubSpotErrorBody {
  message?: unknown;
  category?: unknown;
  subCategory?: unknown;
  policyName?: unknown;
  errorType?: unknown;
  errors?: Array<{ message?: unknown; code?: unknown; context?: Record<string, unknown> }>;
  context?: Record<string, unknown>;
}

export const classifyHubSpotError: ErrorClassifier = (crm, err) => {
  if (isApiException(err)) return classifyApiException(crm, err);
  // The client library throws these when an answer is not JSON (an HTML error page, a missing content type).
  if (!(err instanceof ConnectorError) && /media ?type|content-type|Cannot parse content/i.test(err instanceof Error ? err.message : String(err))) {
    return new ConnectorError('CRM_UNAVAILABLE', crm, 'answered a body that is not JSON', { cause: err });
  }
  return classifyThrown(crm, err);
};

function classifyApiException(crm: string, err: HubSpotApiException): ConnectorError {
  const status = err.code;
  const body: HubSpotErrorBody = typeof err.body === 'object' && err.body !== null ? (err.body as HubSpotErrorBody) : {};
  const text = typeof err.body === 'string' ? err.body : '';
  const nativeCode = str(body.category) ?? str(body.policyName) ?? str(body.errorType);
  const said = str(body.message) ? `: ${str(body.message)!.slice(0, 300)}` : /^\s*</.test(text) ? ' (an HTML page)' : '';
  const details: Record<string, unknown> = {
    ...(nativeCode ? { nativeCode } : {}),
    ...(Array.isArray(body.errors) && body.errors.length ? { errors: body.errors.slice(0, 20).map((e) => ({ code: e?.code, message: e?.message, context: e?.context })) } : {}),
    ...(body.context ? { context: body.context } : {}),
  };
  const make = (code: ConnectorErrorCode, what: string, extra: { retryAfterMs?: number } = {}) =>
    new ConnectorError(code, crm, `${what} (${status})${said}`, { status, details, ...extra });

  if (status === 401) return make('CRM_AUTH_FAILED', 'rejected the access token');
  if (status === 403) return make('CRM_AUTH_FAILED', 'refused access');
  if (status === 429) {
    // A DAILY 429 is the portal's quota, not a burst: nothing will pass before the next day.
    if (body.policyName === 'DAILY') return make('CRM_BUDGET_EXHAUSTED', 'daily API limit reached');
    const retryAfterMs = parseRetryAfter(getHeader(err.headers, 'retry-after'))
      ?? (body.policyName === 'SECONDLY' ? 1_000 : undefined);
    return make('CRM_RATE_LIMITED', 'rate limited', retryAfterMs !== undefined ? { retryAfterMs } : {});
  }
  if (status === 404) return make('CRM_NOT_FOUND', 'not found');
  if (status === 409) return make('CRM_CONFLICT', 'conflict');
  if (status >= 500) return make('CRM_UNAVAILABLE', 'server error');
  if (status >= 400) return make('CRM_VALIDATION', 'rejected the request');
  // A success status the client did not expect (e.g. 200 where it demands 201): the answer cannot be trusted.
  return make('CRM_UNAVAILABLE', 'answered an unexpected status');
}

/** One per-record error of a 207 batch answer (`{status, category, message, context, errors}`). */
export interface HubSpotRecordError {
  category?: string;
  message?: string;
  context?: Record<string, string[] | undefined>;
  errors?: Array<{ message?: string; code?: string; context?: Record<string, unknown> }>;
}

const CATEGORY_CODES: Record<string, ConnectorErrorCode> = {
  VALIDATION_ERROR: 'CRM_VALIDATION',
  OBJECT_NOT_FOUND: 'CRM_NOT_FOUND',
  CONFLICT: 'CRM_CONFLICT',
  OBJECT_ALREADY_EXISTS: 'CRM_CONFLICT',
  RATE_LIMITS: 'CRM_RATE_LIMITED',
  INVALID_AUTHENTICATION: 'CRM_AUTH_FAILED',
  MISSING_SCOPES: 'CRM_AUTH_FAILED',
};

export function recordError(crm: string, error: HubSpotRecordError): ConnectorError {
  const category = error.category ?? 'UNKNOWN';
  // An item-level error is about that item's content unless HubSpot says otherwise.
  const code = CATEGORY_CODES[category] ?? 'CRM_VALIDATION';
  const fields = (error.errors ?? []).flatMap((e) => {
    const names = e.context?.propertyName;
    return Array.isArray(names) ? names.map(String) : [];
  });
  return new ConnectorError(code, crm, `${category}: ${(error.message ?? 'rejected').slice(0, 300)}`, {
    details: { nativeCode: category, ...(fields.length ? { fields } : {}), ...(error.errors?.length ? { errors: error.errors.slice(0, 20) } : {}) },
  });
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}
