/**
 * The OAuth2 token request, injected into the TokenProvider as a plain function so each connector decides
 * where it goes (Salesforce `{loginUrl}/services/oauth2/token`, HubSpot `/oauth/v1/token`) and tests can point
 * it anywhere. The provider interprets the answer; this only moves bytes.
 */
import { ConnectorError } from '../../contract/errors.ts';
import { sleep } from '../retry.ts';

export interface TokenEndpointReply {
  status: number;
  /** Parsed JSON, or the raw text when the answer was not JSON. */
  body: unknown;
  /** The answer's headers, where the endpoint kept them (formTokenEndpoint does): Retry-After of a 429. */
  headers?: Headers;
}

/** Sends grant parameters, returns the status and body. Rejects only when no answer came (network, abort). */
export type TokenEndpoint = (params: Record<string, string>, signal: AbortSignal) => Promise<TokenEndpointReply>;

export interface FormTokenEndpointOptions {
  fetch?: typeof fetch;
  headers?: Record<string, string>;
}

/** The standard shape: POST `application/x-www-form-urlencoded` to `url`, no Authorization header. */
export function formTokenEndpoint(url: string, options: FormTokenEndpointOptions = {}): TokenEndpoint {
  const doFetch = options.fetch ?? fetch;
  return async (params, signal) => {
    const response = await doFetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json', ...options.headers },
      body: new URLSearchParams(params).toString(),
      signal,
    });
    const text = await response.text();
    let body: unknown = text;
    try {
      body = text === '' ? null : JSON.parse(text);
    } catch {
      // Not JSON (an HTML error page): the provider reports it as unavailable.
    }
    return { status: response.status, body, headers: response.headers };
  };
}

export interface BudgetAwareTokenEndpointOptions {
  crm: string;
  /** Blocks the account's budget (the runtime's `budget.blockFor`), so API calls wait too. */
  onRateLimited(retryAfterMs: number): void;
  /** Until when the account's budget is blocked (epoch ms), or null: token requests wait for it like API calls. */
  blockedUntil(): number | null;
  /** How the CRM says its token endpoint is rate limited (a 429, or its own answer), and for how long; else undefined. */
  rateLimitOf(reply: TokenEndpointReply): { retryAfterMs: number; message: string } | undefined;
  /** The error's message while a block longer than `maxWaitMs` holds the request back. */
  heldBack: string;
  /** Longer blocks fail the token request unsent (retried after them) instead of waiting inside its timeout. Default 10 s. */
  maxWaitMs?: number;
}

/**
 * A token endpoint that shares the account's rate budget: while the budget is blocked nothing is sent (a short block
 * is waited out, a long one fails the request unsent: CRM_RATE_LIMITED, retried after it), and an answer the CRM
 * means as "rate limited" blocks the budget and fails as CRM_RATE_LIMITED, never as refused credentials (Dataverse's
 * 429s, Zoho's 10-tokens-per-10-minutes "Access Denied").
 */
export function budgetAwareTokenEndpoint(inner: TokenEndpoint, options: BudgetAwareTokenEndpointOptions): TokenEndpoint {
  const maxWaitMs = options.maxWaitMs ?? 10_000;
  return async (params, signal) => {
    const waitMs = (options.blockedUntil() ?? 0) - Date.now();
    if (waitMs > maxWaitMs) {
      throw new ConnectorError('CRM_RATE_LIMITED', options.crm, options.heldBack, { retryAfterMs: waitMs, details: { source: 'token-endpoint' } });
    }
    // A short block (the usual Retry-After of a second or so) is waited out here rather than spending a retry.
    if (waitMs > 0) await sleep(waitMs, signal);
    const reply = await inner(params, signal);
    const limited = options.rateLimitOf(reply);
    if (!limited) return reply;
    options.onRateLimited(limited.retryAfterMs);
    throw new ConnectorError('CRM_RATE_LIMITED', options.crm, limited.message, { status: reply.status, retryAfterMs: limited.retryAfterMs, details: { source: 'token-endpoint' } });
  };
}

