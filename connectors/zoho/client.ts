/**
 * Zoho CRM v8 over plain fetch. Every call goes through the runtime (`rt.call`): budget lane, fresh token,
 * per-call timeout, one token refresh and replay on a 401, retries with backoff. The token travels as
 * `Authorization: Zoho-oauthtoken <token>` (Zoho refuses the Bearer scheme with AUTHENTICATION_FAILURE).
 *
 * API calls go to the API domain: the configured one when given (tests and proxies), else the `api_domain` of the
 * token answer, which names the account's data centre. Every answer is parsed defensively: a 2xx that is not JSON
 * (an HTML page, cut-off JSON, a proxy's answer) is CRM_UNAVAILABLE, never a crash; 204 (nothing matched) is an
 * empty answer. Error answers are thrown as `ZohoHttpError` and mapped by `classifyZohoError`.
 */
import type { Lane } from '../contract/index.ts';
import { parseBody } from '../runtime/index.ts';
import type { ConnectorRuntime, StoredToken } from '../runtime/index.ts';
import { ZOHO, ZohoHttpError, unusable } from './errors.ts';

/** Every path is built from this (crm-wire-formats.md §5). */
export const ZOHO_API_VERSION = 'v8';
export const ZOHO_API_PATH = `crm/${ZOHO_API_VERSION}`;

export type ZohoQuery = Record<string, string | number | undefined>;

export interface ZohoRequest {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Relative to `{apiDomain}/crm/v8/`, e.g. `Contacts`, `settings/fields`. */
  path: string;
  query?: ZohoQuery;
  json?: unknown;
  headers?: Record<string, string>;
  /** Default: every method but POST (a create that timed out may have been applied). */
  idempotent?: boolean;
  signal?: AbortSignal;
  /**
   * A 400 whose body lists per-record results (`data: [...]`) is an answer, not an error: a write whose every
   * item failed. Top-level 400s (no `data` list) are still thrown.
   */
  recordResults?: boolean;
  /** The key of the per-item list `recordResults` looks for: `data` (records, the default) or `watch` (channels). */
  resultsKey?: 'data' | 'watch';
}

export interface ZohoResponse<T = unknown> {
  status: number;
  /** Parsed JSON; null for a 204 (nothing matched). */
  body: T | null;
}

export class ZohoApi {
  constructor(
    readonly rt: ConnectorRuntime,
    /** The configured API domain; absent: the token answer's `api_domain`. */
    private readonly apiDomain: string | undefined,
  ) {}

  /** The API domain calls go to with `token`. */
  domain(token: StoredToken | null): string {
    const domain = this.apiDomain ?? token?.extra?.api_domain;
    if (!domain) throw unusable('the token answer named no api_domain and none is configured');
    return domain.replace(/\/+$/, '');
  }

  /** One call under the runtime; resolves to a 2xx answer (or a per-record 400, see `recordResults`). */
  request<T>(lane: Lane, request: ZohoRequest): Promise<ZohoResponse<T>> {
    const method = request.method ?? 'GET';
    return this.rt.call(
      lane,
      async ({ token, signal, observe }) => {
        const headers: Record<string, string> = { accept: 'application/json', ...request.headers };
        if (token) headers.authorization = `Zoho-oauthtoken ${token.accessToken}`;
        let body: string | undefined;
        if (request.json !== undefined) {
          headers['content-type'] = 'application/json';
          body = JSON.stringify(request.json);
        }
        const response = await fetch(this.url(token, request), { method, headers, body, signal });
        // A connection cut mid-body rejects here: classified as unavailable like any network failure.
        const text = await response.text();
        observe(response.headers, response.status);
        const answer = { status: response.status, headers: response.headers, text };
        if (response.ok) {
          if (response.status === 204 || text.trim() === '') return { status: response.status, body: null };
          return { status: response.status, body: parseBody(ZOHO, answer, true) as T };
        }
        const parsed = parseBody(ZOHO, answer, false);
        const results = (parsed as Record<string, unknown> | null)?.[request.resultsKey ?? 'data'];
        if (request.recordResults && response.status === 400 && Array.isArray(results)) {
          return { status: response.status, body: parsed as T };
        }
        throw new ZohoHttpError(response.status, response.headers, parsed, text);
      },
      { idempotent: request.idempotent ?? method !== 'POST', ...(request.signal ? { signal: request.signal } : {}) },
    );
  }

  private url(token: StoredToken | null, request: ZohoRequest): string {
    const url = new URL(`${this.domain(token)}/${ZOHO_API_PATH}/${request.path.replace(/^\/+/, '')}`);
    for (const [key, value] of Object.entries(request.query ?? {})) {
      if (value !== undefined) url.searchParams.set(key, String(value));
    }
    return url.toString();
  }
}

/** The `data` list of a list or write answer; a 204 has none (empty); anything else without a list is unusable. */
export function dataOf<T>(body: unknown, what: string): T[] {
  if (body === null || body === undefined) return [];
  const data = (body as { data?: unknown }).data;
  if (!Array.isArray(data)) throw unusable(`answered ${what} without a data list`);
  return data as T[];
}

/** The `info` block of a list answer. */
export interface ZohoPageInfo {
  more_records?: boolean;
  next_page_token?: string | null;
}

export function infoOf(body: unknown): ZohoPageInfo {
  const info = (body as { info?: unknown } | null)?.info;
  return typeof info === 'object' && info !== null ? (info as ZohoPageInfo) : {};
}
