/**
 * The one place the connector touches @hubspot/api-client. Every call goes through the runtime (`rt.call`):
 * budget lane, fresh token, per-call timeout, single-flight refresh on a 401, retries. The library's own retry
 * and limiter stay off (they ignore Retry-After and would spend the budget behind the runtime's back).
 *
 * The client binds one access token at construction, and OAuth tokens rotate, so there is one client per token
 * (a handful at most: the current one and those still in flight).
 */
import { Client } from '@hubspot/api-client';
import { ConnectorError } from '../contract/index.ts';
import type { Lane } from '../contract/index.ts';
import type { ConnectorRuntime, RateBudget } from '../runtime/index.ts';
import { classifyHubSpotError, isApiException } from './errors.ts';
import type { HubSpotApiException } from './errors.ts';

export const HUBSPOT = 'hubspot';
export const DEFAULT_HUBSPOT_BASE_URL = 'https://api.hubapi.com';

/** What every `…WithHttpInfo` method resolves to: status, response headers (a plain record) and the model. */
export interface HubSpotHttpInfo<T> {
  httpStatusCode: number;
  headers: Record<string, string>;
  data: T;
}

export interface HubSpotCallOptions {
  /** False for creates: they are retried only after a 429 (the CRM certainly did not act). Default true. */
  idempotent?: boolean;
  signal?: AbortSignal;
  /** A search call: it also waits for the portal's search limiter (search-limit.ts). */
  search?: boolean;
}

const MAX_CLIENTS = 4;

export class HubSpotApi {
  private readonly clients = new Map<string, Client>();

  constructor(
    readonly rt: ConnectorRuntime,
    readonly basePath: string,
    /** Spaces out search calls (HubSpot's per-second search limit); null = no limit of our own. */
    readonly searchLimiter: RateBudget | null = null,
  ) {}

  /** Runs one client-library call under the runtime and hands its headers to the rate budget. */
  async call<T>(lane: Lane, fn: (client: Client) => Promise<HubSpotHttpInfo<T>>, options: HubSpotCallOptions = {}): Promise<T> {
    if (!options.search || !this.searchLimiter) return this.callUnderBudget(lane, fn, options);
    // The search slot first, then the portal's permit: waiting for search spacing must not hold one of the
    // portal's call slots (other lanes' reads and writes would queue behind it). The slot covers the retries.
    const slot = await this.searchLimiter.acquire(lane, options.signal);
    let status: number | undefined;
    try {
      return await this.callUnderBudget(lane, fn, options);
    } catch (err) {
      status = err instanceof ConnectorError ? err.status : undefined;
      throw err;
    } finally {
      // A SECONDLY 429 that outlived the retries holds further searches back for a second (the limiter's default).
      slot.release(status === 429 ? { status } : undefined);
    }
  }

  private callUnderBudget<T>(lane: Lane, fn: (client: Client) => Promise<HubSpotHttpInfo<T>>, options: HubSpotCallOptions): Promise<T> {
    return this.rt.call(
      lane,
      async ({ token, observe }) => {
        let info: HubSpotHttpInfo<T>;
        try {
          info = await fn(this.clientFor(token?.accessToken ?? ''));
        } catch (err) {
          if (!isDailyLimit(err)) throw err;
          // HubSpot's DAILY 429 says Retry-After: <until midnight UTC>. Blocking every lane that long would make
          // callers hang for hours; the runtime instead marks the quota spent and refuses calls unsent (with a
          // periodic probe). So the budget sees the answer without its Retry-After.
          const { 'retry-after': _ignored, ...headers } = Object.fromEntries(Object.entries(err.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
          observe(headers, 429);
          throw classifyHubSpotError(HUBSPOT, err);
        }
        observe(info.headers, info.httpStatusCode);
        return info.data;
      },
      { idempotent: options.idempotent ?? true, ...(options.signal ? { signal: options.signal } : {}) },
    );
  }

  private clientFor(accessToken: string): Client {
    let client = this.clients.get(accessToken);
    if (client) return client;
    client = new Client({ accessToken, basePath: this.basePath, numberOfApiCallRetries: 0 });
    // The library keeps its decorators (retry, limiter) in a process-wide singleton that every `new Client()`
    // overwrites, and applies them when a discovery object is first built: build ours now, while they are ours.
    void client.crm.objects;
    void client.crm.properties;
    void client.crm.associations.v4;
    this.clients.set(accessToken, client);
    if (this.clients.size > MAX_CLIENTS) this.clients.delete(this.clients.keys().next().value as string);
    return client;
  }
}

/**
 * A 2xx whose body is not what HubSpot sends (an HTML maintenance page parsed as text, a proxy's answer) gives
 * an empty model rather than an error in the library: check the shape and report the CRM as unavailable.
 */
export function expectResults<T>(data: unknown, what: string): T[] {
  const results = (data as { results?: unknown } | null | undefined)?.results;
  if (!Array.isArray(results)) throw unusable(what);
  return results as T[];
}

function isDailyLimit(err: unknown): err is HubSpotApiException {
  return isApiException(err) && err.code === 429 && (err.body as { policyName?: unknown } | null)?.policyName === 'DAILY';
}

export function unusable(what: string): ConnectorError {
  return new ConnectorError('CRM_UNAVAILABLE', HUBSPOT, `answered ${what} with an unusable body (no results list)`);
}
