/**
 * Typed connector errors. Like Apollo federation's `internals-js/src/error.ts`, the codes live in one table
 * with a description each, and one error class stamps the code and its metadata. Callers branch on `code`
 * and `retryable`, never on message text.
 *
 * Every message starts with the CRM's name and goes through `redactString`, so an error can be logged or
 * returned to a GraphQL client without leaking a token.
 */
import { redact, redactString } from './redact.ts';

export interface ErrorCodeDefinition<C extends string = string> {
  code: C;
  description: string;
  /** Default for `ConnectorError.retryable`; a connector may override per error (e.g. Salesforce UNABLE_TO_LOCK_ROW). */
  retryable: boolean;
}

function def<C extends string>(code: C, description: string, retryable: boolean): ErrorCodeDefinition<C> {
  return { code, description, retryable };
}

export const CONNECTOR_ERROR_CODES = {
  CRM_UNAVAILABLE: def('CRM_UNAVAILABLE',
    'The CRM could not be reached or answered something unusable: connection refused or reset, 5xx, HTML or truncated JSON.', true),
  CRM_TIMEOUT: def('CRM_TIMEOUT', 'The CRM did not answer within the per-call timeout.', true),
  CRM_RATE_LIMITED: def('CRM_RATE_LIMITED',
    'The CRM refused the call for rate limiting (429 or its equivalent); `retryAfterMs` says when to try again.', true),
  CRM_AUTH_FAILED: def('CRM_AUTH_FAILED',
    'The CRM rejected the credentials (401, invalid_grant, bad refresh token); the connector needs re-authorisation.', false),
  CRM_VALIDATION: def('CRM_VALIDATION',
    'The CRM rejected the request content: unknown field, bad value, required field missing, malformed query.', false),
  CRM_NOT_FOUND: def('CRM_NOT_FOUND', 'The record, object or field does not exist in the CRM.', false),
  CRM_CONFLICT: def('CRM_CONFLICT', 'The write clashes with the CRM state: duplicate unique value, locked or changed record.', false),
  CRM_BUDGET_EXHAUSTED: def('CRM_BUDGET_EXHAUSTED',
    'The call was not sent because it would exceed the daily API budget of the CRM account.', false),
  CRM_PARTIAL_FAILURE: def('CRM_PARTIAL_FAILURE',
    'Some items of a batch failed; `details.failures` lists them by input index.', false),
} as const satisfies Record<string, ErrorCodeDefinition>;

export type ConnectorErrorCode = keyof typeof CONNECTOR_ERROR_CODES;

export interface ConnectorErrorOptions {
  /** Overrides the code's default. */
  retryable?: boolean;
  /** Earliest moment, from now, a retry may be sent (Retry-After). */
  retryAfterMs?: number;
  /** HTTP status the CRM answered, when there was one. */
  status?: number;
  /** Structured facts (native error code, fields, failures…). Redacted on construction. */
  details?: Record<string, unknown>;
  /** The underlying error. Only its redacted name and message are kept. */
  cause?: unknown;
}

export class ConnectorError extends Error {
  override readonly name = 'ConnectorError';
  readonly code: ConnectorErrorCode;
  /** The CRM id, e.g. 'salesforce'. */
  readonly crm: string;
  readonly retryable: boolean;
  readonly retryAfterMs?: number;
  readonly status?: number;
  readonly details?: Record<string, unknown>;

  constructor(code: ConnectorErrorCode, crm: string, message: string, options: ConnectorErrorOptions = {}) {
    const text = redactString(message);
    // Raw library errors often carry request configs with headers; keep only a scrubbed summary.
    super(text.startsWith(`${crm}: `) ? text : `${crm}: ${text}`,
      options.cause === undefined ? undefined : { cause: redact(summariseCause(options.cause)) });
    this.code = code;
    this.crm = crm;
    this.retryable = options.retryable ?? CONNECTOR_ERROR_CODES[code].retryable;
    if (options.retryAfterMs !== undefined) this.retryAfterMs = Math.max(0, Math.ceil(options.retryAfterMs));
    if (options.status !== undefined) this.status = options.status;
    if (options.details !== undefined) this.details = redact(options.details);
  }

  /** What a log line or an API answer may show. */
  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      code: this.code,
      crm: this.crm,
      message: this.message,
      retryable: this.retryable,
      ...(this.retryAfterMs !== undefined ? { retryAfterMs: this.retryAfterMs } : {}),
      ...(this.status !== undefined ? { status: this.status } : {}),
      ...(this.details !== undefined ? { details: this.details } : {}),
    };
  }
}

function summariseCause(cause: unknown): unknown {
  if (cause instanceof Error) {
    const code = (cause as { code?: unknown; errorCode?: unknown }).code ?? (cause as { errorCode?: unknown }).errorCode;
    return { name: cause.name, message: cause.message, ...(typeof code === 'string' ? { code } : {}) };
  }
  return typeof cause === 'string' ? cause : String(cause);
}

export function isConnectorError(err: unknown, code?: ConnectorErrorCode): err is ConnectorError {
  return err instanceof ConnectorError && (code === undefined || err.code === code);
}

/** Leaves a ConnectorError as is; anything else becomes CRM_UNAVAILABLE (unknown failures are treated as outages). */
export function asConnectorError(crm: string, err: unknown): ConnectorError {
  if (err instanceof ConnectorError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new ConnectorError('CRM_UNAVAILABLE', crm, `unexpected failure: ${message}`, { cause: err });
}
