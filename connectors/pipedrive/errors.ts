/**
 * Pipedrive's failures as ConnectorErrors: error answers by status and envelope
 * (`{success:false, error, error_info, errorCode}`), and what fetch throws when nothing (or garbage) answered.
 * Messages quote Pipedrive's `error` text, never request headers or URLs (the token may travel in either);
 * ConnectorError redacts them again anyway.
 */
import { ConnectorError, redactString } from '../contract/index.ts';
import type { ConnectorErrorCode } from '../contract/index.ts';
import { classifyThrown, getHeader, parseRetryAfter } from '../runtime/index.ts';
import type { ErrorClassifier } from '../runtime/index.ts';

/** A non-2xx answer, thrown by the client and mapped by `classifyPipedriveError`. */
export class PipedriveHttpError extends Error {
  override readonly name = 'PipedriveHttpError';

  constructor(
    readonly status: number,
    readonly headers: Headers,
    /** Parsed JSON, or the raw text when the answer was not JSON. */
    readonly body: unknown,
    readonly text: string,
  ) {
    super(`HTTP ${status}`);
  }

  /** A 429 because the day's budget is spent (not the 2 s burst window). */
  isDailyLimit(): boolean {
    return this.status === 429 && getHeader(this.headers, 'x-daily-requests-left')?.trim() === '0';
  }
}

export const classifyPipedriveError: ErrorClassifier = (crm, err) => {
  if (err instanceof PipedriveHttpError) return classifyAnswer(crm, err);
  return classifyThrown(crm, err);
};

interface PipedriveErrorBody {
  error?: unknown;
  error_info?: unknown;
  errorCode?: unknown;
  message?: unknown;
}

function classifyAnswer(crm: string, err: PipedriveHttpError): ConnectorError {
  const { status } = err;
  const body: PipedriveErrorBody = typeof err.body === 'object' && err.body !== null ? (err.body as PipedriveErrorBody) : {};
  const native = scrub(str(body.error) ?? str(body.message));
  const said = native ? `: ${native.slice(0, 300)}` : /^\s*</.test(err.text) ? ' (an HTML page)' : '';
  const nativeCode = typeof body.errorCode === 'number' || typeof body.errorCode === 'string' ? String(body.errorCode) : undefined;
  const fields = native ? fieldNamed(native) : undefined;
  const details: Record<string, unknown> = { ...(nativeCode ? { nativeCode } : {}), ...(fields ? { fields } : {}) };
  const make = (code: ConnectorErrorCode, what: string, extra: { retryAfterMs?: number } = {}) =>
    new ConnectorError(code, crm, `${what} (${status})${said}`, { status, details, ...extra });

  if (status === 401) return make('CRM_AUTH_FAILED', 'rejected the access token');
  if (status === 403) return make('CRM_AUTH_FAILED', 'refused access');
  if (status === 429) {
    // Nothing passes before the next day: the runtime refuses calls unsent and probes now and then.
    if (err.isDailyLimit()) return make('CRM_BUDGET_EXHAUSTED', 'daily API budget spent');
    const retryAfterMs = parseRetryAfter(getHeader(err.headers, 'retry-after'))
      // Pipedrive's burst window is 2 s; `x-ratelimit-reset` says how much of it is left.
      ?? parseRetryAfter(getHeader(err.headers, 'x-ratelimit-reset'));
    return make('CRM_RATE_LIMITED', 'rate limited', retryAfterMs !== undefined ? { retryAfterMs } : {});
  }
  if (status === 404 || status === 410) return make('CRM_NOT_FOUND', 'not found');
  if (status === 409) return make('CRM_CONFLICT', 'conflict');
  if (status === 408) return make('CRM_TIMEOUT', 'request timeout');
  if (status >= 500) return make('CRM_UNAVAILABLE', 'server error');
  if (status >= 400) return make('CRM_VALIDATION', 'rejected the request');
  return make('CRM_UNAVAILABLE', 'answered an unexpected status');
}

/** `Unknown field: foo` names the field; keep it in details for the write-back worker. */
function fieldNamed(message: string): string[] | undefined {
  const match = /(?:unknown field|field)[:\s]+["'`]?([A-Za-z0-9_]+)/i.exec(message);
  return match?.[1] ? [match[1]] : undefined;
}

/** Pipedrive's credential shapes (`api_token=…` query auth, `x-api-token:` headers) are known to the shared redaction. */
export function scrub(text: string | undefined): string | undefined {
  return text === undefined ? undefined : redactString(text);
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}
