/**
 * Pipedrive over plain fetch. Every call goes through the runtime (`rt.call`): budget lane, fresh token,
 * per-call timeout, single-flight refresh on a 401, retries. The token goes out as `x-api-token` for API tokens
 * (what Pipedrive's own client sends; never in the query string, where proxies log it) and as a Bearer header
 * for OAuth access tokens.
 *
 * Every answer is parsed defensively: a 2xx that is not the `{success, data}` envelope (an HTML page, cut-off
 * JSON, a proxy's answer) is CRM_UNAVAILABLE, never a crash. Error answers are thrown as `PipedriveHttpError`
 * and mapped by `classifyPipedriveError`, so the runtime sees one classifier for answers and network failures.
 */
import { ConnectorError } from '../contract/index.ts';
import type { Lane } from '../contract/index.ts';
import { parseBody } from '../runtime/index.ts';
import type { ConnectorRuntime } from '../runtime/index.ts';
import { PipedriveHttpError } from './errors.ts';

export const PIPEDRIVE = 'pipedrive';
/** Real accounts call `https://{company}.pipedrive.com`; this host serves every company. */
export const DEFAULT_PIPEDRIVE_BASE_URL = 'https://api.pipedrive.com';
export const DEFAULT_PIPEDRIVE_OAUTH_URL = 'https://oauth.pipedrive.com';
/** Records, search and writes are v2; field metadata and the recents (deletions) feed exist only in v1. */
export const PIPEDRIVE_V1 = 'api/v1';
export const PIPEDRIVE_V2 = 'api/v2';

export type PipedriveQuery = Record<string, string | number | boolean | undefined>;

export interface PipedriveRequest {
  method?: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** Relative to the base URL, e.g. `api/v2/persons`. */
  path: string;
  query?: PipedriveQuery;
  json?: unknown;
  /** Default: every method but POST (a create that timed out may have been applied; PATCH sets values, so replays are harmless). */
  idempotent?: boolean;
  signal?: AbortSignal;
  /** The answer carries no `data`: v1 `DELETE /webhooks/{id}` answers `{success: true, status: 'ok'}` alone. */
  noData?: boolean;
}

/** The `{success, data, additional_data}` envelope every Pipedrive answer uses. */
export interface PipedriveEnvelope<T = unknown> {
  success: boolean;
  data: T;
  additional_data?: Record<string, unknown> | null;
}

export class PipedriveApi {
  constructor(
    readonly rt: ConnectorRuntime,
    readonly baseUrl: string,
    /** How the token travels: `x-api-token` for API tokens, Bearer for OAuth access tokens. */
    readonly tokenHeader: 'x-api-token' | 'bearer',
  ) {}

  /** One call under the runtime; resolves to the envelope of a 2xx answer. */
  request<T>(lane: Lane, request: PipedriveRequest): Promise<PipedriveEnvelope<T>> {
    const method = request.method ?? 'GET';
    return this.rt.call(
      lane,
      async ({ token, signal, observe }) => {
        const headers: Record<string, string> = { accept: 'application/json' };
        if (token) {
          if (this.tokenHeader === 'x-api-token') headers['x-api-token'] = token.accessToken;
          else headers.authorization = `Bearer ${token.accessToken}`;
        }
        let body: string | undefined;
        if (request.json !== undefined) {
          headers['content-type'] = 'application/json';
          body = JSON.stringify(request.json);
        }
        const response = await fetch(this.url(request), { method, headers, body, signal });
        // A connection cut mid-body rejects here: classified as unavailable like any network failure.
        const text = await response.text();
        if (!response.ok) {
          const error = new PipedriveHttpError(response.status, response.headers, parseBody(PIPEDRIVE, { status: response.status, headers: response.headers, text }, false), text);
          // A daily-budget 429 names a Retry-After until the day ends: the runtime marks the quota spent and
          // probes instead of blocking every lane for hours, so the budget sees the answer without it.
          observe(error.isDailyLimit() ? withoutRetryAfter(response.headers) : response.headers, response.status);
          throw error;
        }
        observe(response.headers, response.status);
        return expectEnvelope<T>(text, response.status, response.headers.get('content-type'), request.noData === true);
      },
      { idempotent: request.idempotent ?? method !== 'POST', ...(request.signal ? { signal: request.signal } : {}) },
    );
  }

  private url(request: PipedriveRequest): string {
    const url = new URL(`${this.baseUrl}/${request.path.replace(/^\/+/, '')}`);
    for (const [key, value] of Object.entries(request.query ?? {})) {
      if (value !== undefined) url.searchParams.set(key, String(value));
    }
    return url.toString();
  }
}

function expectEnvelope<T>(text: string, status: number, contentType: string | null, noData: boolean): PipedriveEnvelope<T> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    const what = /^\s*</.test(text) ? 'an HTML page' : (contentType ?? '').includes('json') ? 'truncated or invalid JSON' : `a non-JSON body (${contentType ?? 'no content type'})`;
    throw new ConnectorError('CRM_UNAVAILABLE', PIPEDRIVE, `answered ${status} with ${what} instead of JSON`, { status, details: { bodyStart: text.slice(0, 120) } });
  }
  if (typeof parsed !== 'object' || parsed === null || (parsed as { success?: unknown }).success !== true) {
    throw unusable(`answered ${status} without the {success: true, data} envelope`);
  }
  if (!('data' in parsed)) {
    if (!noData) throw unusable(`answered ${status} without the {success: true, data} envelope`);
    return { ...(parsed as object), success: true, data: null as T };
  }
  return parsed as PipedriveEnvelope<T>;
}

function withoutRetryAfter(headers: Headers): Record<string, string> {
  const out: Record<string, string> = {};
  headers.forEach((value, key) => {
    if (key !== 'retry-after') out[key] = value;
  });
  return out;
}

export function unusable(what: string): ConnectorError {
  return new ConnectorError('CRM_UNAVAILABLE', PIPEDRIVE, what);
}

/** The `data` of a list answer, which must be an array. */
export function expectList<T>(envelope: PipedriveEnvelope<unknown>, what: string): T[] {
  if (!Array.isArray(envelope.data)) throw unusable(`answered ${what} without a data list`);
  return envelope.data as T[];
}

/** `additional_data.next_cursor` of a v2 list (null on the last page). */
export function nextCursorOf(envelope: PipedriveEnvelope<unknown>): string | null {
  const next = envelope.additional_data?.next_cursor;
  return typeof next === 'string' && next !== '' ? next : null;
}

/** `additional_data.pagination.next_start` of a v1 list when more items follow, else null. */
export function nextStartOf(envelope: PipedriveEnvelope<unknown>): number | null {
  const pagination = envelope.additional_data?.pagination as { more_items_in_collection?: unknown; next_start?: unknown } | undefined;
  return pagination?.more_items_in_collection === true && typeof pagination.next_start === 'number' ? pagination.next_start : null;
}
