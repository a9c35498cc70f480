/**
 * Every Salesforce REST call of the connector goes through `SalesforceClient.call`: the shared runtime's
 * `runCall` (token, budget permit, per-call timeout, one refresh and replay on a 401, retries with backoff that
 * honour Retry-After) around ONE HTTP exchange made by jsforce.
 *
 * Why jsforce's `HttpApi` and not `conn.query()`/`conn.sobject()`: jsforce's transport retries GET/PUT/DELETE on
 * 420/429/5xx and socket errors up to five times on its own schedule, ignoring Retry-After and our budget, and
 * its high-level methods give no way to change that per request. An `HttpApi` built per call takes our own
 * transport (transport.ts: one fetch, no retries, aborted by runCall's timeout, and safe against a body cut
 * mid-way, which crashes jsforce's), and its 'response' event hands us the status and headers of exactly this
 * exchange: Retry-After, `Sforce-Limit-Info`, and telling a 429 from a 403 with the same errorCode. jsforce still
 * builds the Bearer header, parses JSON by content type and turns Salesforce error envelopes into errors.
 *
 * The Connection is built per token and never given `oauth2`, so jsforce never refreshes a session itself: a 401
 * surfaces as INVALID_SESSION_ID and the runtime's TokenProvider refreshes once for every caller.
 */
import jsforce from 'jsforce';
import type { Connection, HttpRequest, HttpResponse, Schema } from 'jsforce';
import { HttpApi } from 'jsforce/lib/http-api.js';
import { ConnectorError } from '../contract/errors.ts';
import type { Lane } from '../contract/connector.ts';
import { SALESFORCE_API_VERSION } from '../runtime/index.ts';
import type { CallScope, ConnectorRuntime, StoredToken } from '../runtime/index.ts';
import { CRM } from './errors.ts';
import { FetchTransport } from './transport.ts';

export interface SalesforceRequest {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** Path under `/services/data/vXX.X`, starting with '/', already URL-encoded. */
  path: string;
  /** Sent as JSON. */
  json?: unknown;
  headers?: Record<string, string>;
}

export interface CallSettings {
  /** False for calls that must not run twice (collection creates): retried only after a 429. */
  idempotent?: boolean;
  signal?: AbortSignal;
}

/** A non-JSON answer (Bulk query results): the body as text and the response headers (lower-case names). */
export interface TextAnswer {
  text: string;
  headers: Record<string, string>;
}

/**
 * jsforce parses `text/csv` bodies into records itself; Bulk results are parsed by the connector with the field
 * types of the describe (bulk-query.ts), so a CSV body is handed over as text. Error bodies stay JSON.
 */
class TextCsvApi<S extends Schema> extends HttpApi<S> {
  override getResponseContentType(response: HttpResponse): string | null | undefined {
    const type = super.getResponseContentType(response);
    return type && /^text\/csv(;|$)/i.test(type) ? 'text/plain' : type;
  }
}

export class SalesforceClient {
  private cached: { key: string; conn: Connection } | null = null;

  constructor(
    private readonly rt: ConnectorRuntime,
    /** Used when the token does not name an instance (static tokens). */
    private readonly defaultInstanceUrl: string,
    private readonly timeoutMs: number,
  ) {}

  /** One REST call under the runtime's rules; resolves with the parsed JSON body (null for 204). */
  call<T>(lane: Lane, request: SalesforceRequest, settings: CallSettings = {}): Promise<T> {
    return this.rt.call(lane, (scope) => this.exchange<T>(scope, request), {
      idempotent: settings.idempotent ?? true,
      timeoutMs: this.timeoutMs,
      ...(settings.signal ? { signal: settings.signal } : {}),
    });
  }

  /** One call whose success answer is `accept` (e.g. `text/csv`), under the same rules; resolves with text and headers. */
  callText(lane: Lane, request: SalesforceRequest, accept: string, settings: CallSettings = {}): Promise<TextAnswer> {
    return this.rt.call(lane, (scope) => this.exchange<TextAnswer>(scope, { ...request, headers: { ...request.headers, accept } }, accept), {
      idempotent: settings.idempotent ?? true,
      timeoutMs: this.timeoutMs,
      ...(settings.signal ? { signal: settings.signal } : {}),
    });
  }

  /** `/services/data/vXX.X` on the token's instance, for logs and tests. */
  baseUrl(token: StoredToken | null): string {
    const instance = (token?.instanceUrl ?? this.defaultInstanceUrl).replace(/\/+$/, '');
    return `${instance}/services/data/v${SALESFORCE_API_VERSION}`;
  }

  /** One exchange; `textAccept`: a text answer of that type is wanted instead of JSON. */
  private async exchange<T>(scope: CallScope, request: SalesforceRequest, textAccept?: string): Promise<T> {
    const conn = this.connectionFor(scope.token);
    // Our transport, aborted by runCall's signal (timeout, caller gone): jsforce's never sees this call.
    const options = { transport: new FetchTransport(scope.signal) };
    const api = textAccept ? new TextCsvApi(conn, options) : new HttpApi(conn, options);
    let response: HttpResponse | undefined;
    api.on('response', (res: HttpResponse) => {
      response = res;
      scope.observe(res.headers, res.statusCode);
    });
    const httpRequest: HttpRequest = {
      method: request.method,
      url: this.baseUrl(scope.token) + request.path,
      headers: { accept: 'application/json', ...request.headers },
    };
    if (request.json !== undefined) {
      httpRequest.body = JSON.stringify(request.json);
      httpRequest.headers = { ...httpRequest.headers, 'content-type': 'application/json' };
    }
    let body: unknown;
    try {
      body = await api.request(httpRequest);
    } catch (err) {
      // Keep the status and headers with the error: the classifier needs them (429 vs 403, Retry-After).
      if (response && typeof err === 'object' && err !== null) Object.assign(err, { statusCode: response.statusCode, headers: response.headers });
      throw err;
    }
    if (response?.statusCode === 204) return null as T;
    if (textAccept) {
      const type = response?.headers?.['content-type'] ?? '';
      if (!response || typeof body !== 'string' || !type.toLowerCase().startsWith(textAccept)) throw garbage(response);
      return { text: body, headers: { ...response.headers } } as T;
    }
    // jsforce hands back the raw text when a body is not JSON (an HTML page, a cut-off answer): that is not Salesforce.
    if (typeof body !== 'object' || body === null) throw garbage(response);
    return body as T;
  }

  /** One Connection per access token: the token is read when a request is sent, so it must not change under a call. */
  private connectionFor(token: StoredToken | null): Connection {
    const instanceUrl = (token?.instanceUrl ?? this.defaultInstanceUrl).replace(/\/+$/, '');
    const accessToken = token?.accessToken ?? '';
    const key = `${instanceUrl} ${accessToken}`;
    if (this.cached?.key !== key) {
      this.cached = { key, conn: new jsforce.Connection({ instanceUrl, accessToken, version: SALESFORCE_API_VERSION }) };
    }
    return this.cached.conn;
  }
}

function garbage(response: HttpResponse | undefined): ConnectorError {
  const text = typeof response?.body === 'string' ? response.body : '';
  const contentType = response?.headers?.['content-type'] ?? 'no content type';
  const what = /^\s*</.test(text) ? 'an HTML page' : /json/i.test(contentType) ? 'truncated or invalid JSON' : `a non-JSON body (${contentType})`;
  return new ConnectorError('CRM_UNAVAILABLE', CRM, `answered ${response?.statusCode ?? '?'} with ${what} instead of JSON`, {
    ...(response ? { status: response.statusCode } : {}),
    details: { bodyStart: text.slice(0, 120) },
  });
}

/** A 2xx answer whose JSON is not what the endpoint returns: treated like garbage, never trusted. */
export function unexpectedShape(what: string): ConnectorError {
  return new ConnectorError('CRM_UNAVAILABLE', CRM, `answered with an unexpected ${what} shape`);
}
