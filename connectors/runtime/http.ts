/**
 * `crmFetch`: JSON over HTTP to a CRM through `runCall` (budget, token, timeout, refresh-on-401, retries), for
 * connectors without a client library and for the odd endpoint a library lacks. Every answer is parsed
 * defensively: an HTML error page or truncated JSON becomes CRM_UNAVAILABLE naming the CRM, never a crash.
 */
import { ConnectorError } from '../contract/errors.ts';
import type { Lane } from '../contract/connector.ts';
import type { StoredToken } from './auth/token-store.ts';
import { getHeader, parseRetryAfter } from './rate-budget/header-parsers.ts';
import type { CallContext, ErrorClassifier } from './run-call.ts';
import { runCall } from './run-call.ts';

export interface HttpContext extends Omit<CallContext, 'classifyError'> {
  /** Base URL of API calls; a function when the token decides it (Salesforce `instance_url`). */
  baseUrl: string | ((token: StoredToken | null) => string);
  /** Injected for tests and proxies; global fetch by default. */
  fetch?: typeof fetch;
  headers?: Record<string, string>;
  /** The CRM's own mapping of an error answer (e.g. Salesforce 403 REQUEST_LIMIT_EXCEEDED → budget); undefined falls back to the status. */
  classifyResponse?: (response: CrmHttpResponse) => ConnectorError | undefined;
  /** For thrown errors (network); default maps them to CRM_UNAVAILABLE. */
  classifyError?: ErrorClassifier;
}

export interface CrmRequest {
  method?: string;
  /** Absolute URL, or a path appended to the base URL. */
  path: string;
  query?: Record<string, string | number | boolean | undefined | readonly (string | number)[]>;
  /** Sent as JSON. */
  json?: unknown;
  /** Sent as application/x-www-form-urlencoded. */
  form?: Record<string, string>;
  headers?: Record<string, string>;
  /** Default: true for GET, HEAD, PUT, DELETE, OPTIONS; false for POST and PATCH (see RunCallOptions). */
  idempotent?: boolean;
  signal?: AbortSignal;
  timeoutMs?: number;
}

/** An answer as received, body already parsed (JSON, or text when not JSON). */
export interface CrmHttpResponse<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
  /** The raw text, for classifiers that need it. */
  text: string;
}

const IDEMPOTENT_METHODS = new Set(['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS']);

export async function crmFetch<T = unknown>(ctx: HttpContext, lane: Lane, request: CrmRequest): Promise<CrmHttpResponse<T>> {
  const method = (request.method ?? 'GET').toUpperCase();
  const doFetch = ctx.fetch ?? fetch;
  const classifyError = ctx.classifyError ?? defaultNetworkClassifier;
  return runCall(
    { ...ctx, classifyError },
    lane,
    async ({ token, signal, observe }) => {
      const headers: Record<string, string> = { accept: 'application/json', ...ctx.headers, ...request.headers };
      if (token) headers.authorization = `Bearer ${token.accessToken}`;
      let body: string | undefined;
      if (request.json !== undefined) {
        headers['content-type'] = 'application/json';
        body = JSON.stringify(request.json);
      } else if (request.form) {
        headers['content-type'] = 'application/x-www-form-urlencoded';
        body = new URLSearchParams(request.form).toString();
      }
      const response = await doFetch(buildUrl(ctx, token, request), { method, headers, body, signal });
      // A connection cut mid-body rejects here: classified as unavailable like any network failure.
      const text = await response.text();
      observe(response.headers, response.status);
      const parsed = { status: response.status, headers: response.headers, text, body: undefined as unknown };
      if (response.ok) {
        parsed.body = parseBody(ctx.crm, parsed, true);
        return parsed as CrmHttpResponse<T>;
      }
      parsed.body = parseBody(ctx.crm, parsed, false);
      throw ctx.classifyResponse?.(parsed) ?? classifyHttpResponse(ctx.crm, parsed);
    },
    { idempotent: request.idempotent ?? IDEMPOTENT_METHODS.has(method), signal: request.signal, timeoutMs: request.timeoutMs },
  );
}

function buildUrl(ctx: HttpContext, token: StoredToken | null, request: CrmRequest): string {
  const base = typeof ctx.baseUrl === 'function' ? ctx.baseUrl(token) : ctx.baseUrl;
  const url = /^https?:\/\//i.test(request.path) ? new URL(request.path) : new URL(base.replace(/\/+$/, '') + '/' + request.path.replace(/^\/+/, ''));
  for (const [key, value] of Object.entries(request.query ?? {})) {
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const v of value) url.searchParams.append(key, String(v));
    else url.searchParams.set(key, String(value));
  }
  return url.toString();
}

/**
 * JSON when it is JSON. A 2xx that is not JSON is garbage (a proxy page, a cut-off body): CRM_UNAVAILABLE.
 * On error answers (`strict` false) the text is kept for the classifier. Exported for connectors on their own fetch.
 */
export function parseBody(crm: string, response: { status: number; headers: Headers; text: string }, strict: boolean): unknown {
  const text = response.text;
  if (text.trim() === '') return null;
  try {
    return JSON.parse(text);
  } catch {
    if (!strict) return text;
    const contentType = response.headers.get('content-type') ?? 'no content type';
    const what = looksLikeHtml(text) ? 'an HTML page' : contentType.includes('json') ? 'truncated or invalid JSON' : `a non-JSON body (${contentType})`;
    throw new ConnectorError('CRM_UNAVAILABLE', crm, `answered ${response.status} with ${what} instead of JSON`, {
      status: response.status,
      details: { bodyStart: text.slice(0, 120) },
    });
  }
}

const looksLikeHtml = (text: string) => /^\s*<(!doctype|html|head|body|\?xml|[a-z]+[\s>])/i.test(text);

/** The status-based mapping every CRM shares; connectors refine it with `classifyResponse`. */
export function classifyHttpResponse(crm: string, response: CrmHttpResponse): ConnectorError {
  const { status } = response;
  const native = nativeError(response.body);
  const said = native.message ? `: ${native.message}` : looksLikeHtml(response.text) ? ' (an HTML page)' : '';
  const options = { status, details: { ...(native.code ? { nativeCode: native.code } : {}), ...(native.fields ? { fields: native.fields } : {}) } };
  if (status === 401) return new ConnectorError('CRM_AUTH_FAILED', crm, `rejected the access token (401)${said}`, options);
  if (status === 403) return new ConnectorError('CRM_AUTH_FAILED', crm, `refused access (403)${said}`, options);
  if (status === 404 || status === 410) return new ConnectorError('CRM_NOT_FOUND', crm, `not found (${status})${said}`, options);
  if (status === 409 || status === 412) return new ConnectorError('CRM_CONFLICT', crm, `conflict (${status})${said}`, options);
  if (status === 408) return new ConnectorError('CRM_TIMEOUT', crm, `request timeout (408)${said}`, options);
  if (status === 429) {
    const retryAfterMs = parseRetryAfter(getHeader(response.headers, 'retry-after'));
    return new ConnectorError('CRM_RATE_LIMITED', crm, `rate limited (429)${said}`, { ...options, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) });
  }
  if (status >= 500) return new ConnectorError('CRM_UNAVAILABLE', crm, `server error (${status})${said}`, options);
  if (status >= 400) return new ConnectorError('CRM_VALIDATION', crm, `rejected the request (${status})${said}`, options);
  return new ConnectorError('CRM_UNAVAILABLE', crm, `unexpected status ${status}${said}`, options);
}

/** Pulls message/code out of the common error envelopes (Salesforce arrays, HubSpot/Zoho/Dataverse objects). */
function nativeError(body: unknown): { message?: string; code?: string; fields?: unknown } {
  const first = Array.isArray(body) ? body[0] : body;
  if (typeof first !== 'object' || first === null) return {};
  const record = first as Record<string, unknown>;
  const inner = typeof record.error === 'object' && record.error !== null ? (record.error as Record<string, unknown>) : record;
  const message = [inner.message, inner.error_description, record.message].find((m) => typeof m === 'string') as string | undefined;
  const code = [inner.errorCode, inner.code, record.category, record.status, record.error].find((c) => typeof c === 'string') as string | undefined;
  return { ...(message ? { message: message.slice(0, 300) } : {}), ...(code ? { code } : {}), ...(record.fields ? { fields: record.fields } : {}) };
}

/** fetch rejects with TypeError('fetch failed', { cause: ECONNREFUSED… }) when no answer came. */
export const defaultNetworkClassifier: ErrorClassifier = (crm, err) => {
  if (err instanceof ConnectorError) return err;
  const cause = (err as { cause?: { code?: string; message?: string } } | null)?.cause;
  const reason = cause?.code ?? cause?.message ?? (err instanceof Error ? err.message : String(err));
  return new ConnectorError('CRM_UNAVAILABLE', crm, `could not be reached (${reason})`, { cause: err });
};
