/**
 * Dataverse Web API v9.2 over plain fetch. Every call goes through the runtime (`rt.call`): budget lane, fresh
 * token, per-call timeout, one token refresh and replay on a 401, retries honouring Retry-After.
 *
 * Requests carry the OData headers Dataverse expects (`OData-MaxVersion`/`OData-Version: 4.0`, JSON accept) and
 * `Prefer` preferences (page size, change tracking, lookup annotations). Links Dataverse hands out
 * (`@odata.nextLink`, `@odata.deltaLink`) are followed with their path and query verbatim, but always on the
 * configured org's origin: our bearer token must never travel to a host an answer names (a tampered answer, or a
 * proxy in front of the org whose links name the org behind it).
 *
 * Every answer is parsed defensively: a 2xx that is not JSON (an HTML page, cut-off JSON, a proxy's answer) is
 * CRM_UNAVAILABLE, never a crash. Error answers are thrown as `DynamicsHttpError` and mapped by
 * `classifyDynamicsError`, so the runtime sees one classifier for answers and network failures.
 */
import { ConnectorError } from '../contract/index.ts';
import type { Lane } from '../contract/index.ts';
import { getHeader, parseBody } from '../runtime/index.ts';
import type { ConnectorRuntime, RateLimitHeaderParser } from '../runtime/index.ts';
import { DynamicsHttpError } from './errors.ts';

export const DYNAMICS = 'dynamics';
export const DEFAULT_DYNAMICS_AUTHORITY_URL = 'https://login.microsoftonline.com';
/** The Web API version every path is built from (crm-wire-formats.md §3). */
export const DATAVERSE_API_VERSION = 'v9.2';
export const DATAVERSE_API_PATH = `api/data/${DATAVERSE_API_VERSION}`;

/** Dataverse's service protection limit per user (an app's client id) and org: 6000 requests per 5 minutes. */
export const DATAVERSE_REQUEST_LIMIT = 6000;
export const DATAVERSE_WINDOW_MS = 300_000;

export type ODataQuery = Record<string, string | number | undefined>;

export interface DynamicsRequest {
  method?: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** Relative to the API base (`contacts`, `EntityDefinitions(LogicalName='contact')`), or a link Dataverse gave. */
  path: string;
  /** OData system query options; `$` kept literal, values percent-encoded. */
  query?: ODataQuery;
  json?: unknown;
  /** A raw body with its content type (`$batch`). */
  raw?: { body: string; contentType: string };
  /** `Prefer` preferences, joined with commas. */
  prefer?: string[];
  headers?: Record<string, string>;
  /** Default: every method but POST (a create that timed out may have been applied). */
  idempotent?: boolean;
  signal?: AbortSignal;
  /** The answer is read as text (multipart `$batch` answers), not JSON. */
  text?: boolean;
}

export interface DynamicsResponse<T = unknown> {
  status: number;
  headers: Headers;
  /** Parsed JSON (null for an empty 204), or the text when `text` was asked for. */
  body: T;
}

/** An OData collection page. */
export interface ODataPage<T = Record<string, unknown>> {
  value: T[];
  '@odata.nextLink'?: string;
  '@odata.deltaLink'?: string;
}

export class DynamicsApi {
  /** `{org}/api/data/v9.2/`, with the trailing slash links are resolved against. */
  readonly apiBase: string;
  private readonly origin: string;
  /** `/api/data/v9.2/` (under any prefix of the org URL). */
  private readonly apiPath: string;

  constructor(
    readonly rt: ConnectorRuntime,
    readonly baseUrl: string,
  ) {
    this.apiBase = `${baseUrl.replace(/\/+$/, '')}/${DATAVERSE_API_PATH}/`;
    this.origin = new URL(this.apiBase).origin;
    this.apiPath = new URL(this.apiBase).pathname;
  }

  /** One call under the runtime; resolves to a 2xx answer, throws a ConnectorError otherwise. */
  request<T>(lane: Lane, request: DynamicsRequest): Promise<DynamicsResponse<T>> {
    const method = request.method ?? 'GET';
    const url = this.url(request);
    return this.rt.call(
      lane,
      async ({ token, signal, observe }) => {
        const headers: Record<string, string> = {
          accept: 'application/json',
          'odata-maxversion': '4.0',
          'odata-version': '4.0',
          ...request.headers,
        };
        if (token) headers.authorization = `Bearer ${token.accessToken}`;
        if (request.prefer?.length) headers.prefer = request.prefer.join(',');
        let body: string | undefined;
        if (request.json !== undefined) {
          headers['content-type'] = 'application/json; charset=utf-8';
          body = JSON.stringify(request.json);
        } else if (request.raw) {
          headers['content-type'] = request.raw.contentType;
          body = request.raw.body;
        }
        const response = await fetch(url, { method, headers, body, signal });
        // A connection cut mid-body rejects here: classified as unavailable like any network failure.
        const text = await response.text();
        observe(response.headers, response.status);
        const answer = { status: response.status, headers: response.headers, text };
        if (!response.ok) throw new DynamicsHttpError(response.status, response.headers, parseBody(DYNAMICS, answer, false), text);
        if (request.text) return { status: response.status, headers: response.headers, body: text as T };
        return { status: response.status, headers: response.headers, body: parseBody(DYNAMICS, answer, true) as T };
      },
      { idempotent: request.idempotent ?? method !== 'POST', ...(request.signal ? { signal: request.signal } : {}) },
    );
  }

  /** A collection page; anything without a `value` list is unusable. */
  async page<T = Record<string, unknown>>(lane: Lane, request: DynamicsRequest): Promise<ODataPage<T>> {
    const answer = await this.request<ODataPage<T>>(lane, request);
    const page = answer.body;
    if (typeof page !== 'object' || page === null || !Array.isArray(page.value)) throw unusable(`answered ${request.path.split('?')[0]} without a value list`);
    for (const key of ['@odata.nextLink', '@odata.deltaLink'] as const) {
      const link = page[key];
      if (link === undefined) continue;
      const own = typeof link === 'string' ? this.ownLink(link) : undefined;
      if (own === undefined) throw unusable(`answered a ${key.slice(7)} outside the Web API`);
      page[key] = own;
    }
    return page;
  }

  /** The absolute URL of a path relative to the API base (what `$batch` request lines and `@odata.bind` use). */
  absolute(path: string): string {
    return new URL(path, this.apiBase).toString();
  }

  /**
   * A link under the Web API path, moved onto the configured org's origin (its path and query kept as given);
   * undefined for anything else (another path, not a URL).
   */
  ownLink(link: string): string | undefined {
    try {
      const url = new URL(link, this.apiBase);
      if (!/^https?:$/.test(url.protocol) || !url.pathname.startsWith(this.apiPath)) return undefined;
      // The raw path and query: re-serialising through URL would re-encode a $skiptoken's cookie.
      const rest = link.replace(/^https?:\/\/[^/]+/i, '');
      return this.origin + (rest.startsWith('/') ? rest : url.pathname + url.search);
    } catch {
      return undefined;
    }
  }

  private url(request: DynamicsRequest): string {
    const absolute = /^https?:\/\//i.test(request.path);
    const own = absolute ? this.ownLink(request.path) : undefined;
    if (absolute && own === undefined) throw unusable('was asked to follow a link outside the Web API');
    const base = own ?? this.apiBase + request.path.replace(/^\/+/, '');
    const query = odataQuery(request.query ?? {});
    if (query === '') return base;
    return base + (base.includes('?') ? '&' : '?') + query;
  }
}

/**
 * OData query options as a query string. Values are percent-encoded (spaces as %20, never `+`, which OData reads
 * literally in some servers); the `$` of system options stays as is, as every Dataverse example writes it.
 */
export function odataQuery(query: ODataQuery): string {
  return Object.entries(query)
    .filter((entry): entry is [string, string | number] => entry[1] !== undefined)
    .map(([key, value]) => `${encodeURIComponent(key).replace(/^%24/, '$')}=${encodeURIComponent(String(value)).replace(/%2C/g, ',')}`)
    .join('&');
}

/** A string literal in an OData URL: single-quoted, quotes doubled. */
export function odataString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

export function unusable(what: string): ConnectorError {
  return new ConnectorError('CRM_UNAVAILABLE', DYNAMICS, what);
}

/**
 * `x-ms-ratelimit-burst-remaining-xrm-requests`: what is left of the user's 5-minute request window, counted by
 * Dataverse over every client of that user. Dataverse sends what is LEFT, not the limit: with the configured
 * limit the used count is exact; a larger remaining than the limit means the limit is higher, and the most seen
 * stands for it (as for Pipedrive's daily header).
 */
export function dataverseRateLimitParser(limit: number = DATAVERSE_REQUEST_LIMIT): RateLimitHeaderParser {
  let top = limit;
  return (headers) => {
    const text = getHeader(headers, 'x-ms-ratelimit-burst-remaining-xrm-requests');
    if (text === undefined || !/^\d+$/.test(text.trim())) return null;
    const remaining = Number(text.trim());
    top = Math.max(top, remaining);
    return { daily: { used: top - remaining, limit: top } };
  };
}
