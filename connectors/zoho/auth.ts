/**
 * Zoho OAuth: `POST {accountsUrl}/oauth/v2/token` with the refresh-token grant, on the runtime's TokenProvider
 * (tokens reused until shortly before `expires_in`, one refresh however many callers need it, one retry after a
 * 401, the token kept in the token store). Zoho's accounts server has three habits the provider alone would get
 * wrong, so the token endpoint here translates them:
 *  - refusals come as HTTP **200** with an `error` key (`invalid_client`: wrong client id or secret;
 *    `invalid_code`: an unknown or revoked refresh token): both mean the grant is no good, so they are handed on as
 *    a 401 — CRM_AUTH_FAILED, `onNeedsReauthorisation` once, no further calls;
 *  - at most 10 access tokens per refresh token per 10 minutes; beyond that a 400 `{"error":"Access Denied"}`. That
 *    is a rate limit, never an auth failure: CRM_RATE_LIMITED, and no token request goes out until the pause is over;
 *  - a 429 of the accounts server blocks the same way (its Retry-After when it sends one).
 * The pause blocks the account's budget too: without a token no API call could go anyway, and the callers waiting
 * for the token then retry only after it.
 */
import { registerSecret } from '../contract/index.ts';
import { TokenProvider, budgetAwareTokenEndpoint, formTokenEndpoint, parseRetryAfter } from '../runtime/index.ts';
import type { TokenEndpoint, TokenStore } from '../runtime/index.ts';
import { ZOHO } from './errors.ts';

export type ZohoAuth = { kind: 'refresh-token'; clientId: string; clientSecret: string; refreshToken: string };

/** The data centres of crm-wire-formats.md §5: API domain host → accounts server. */
export const ZOHO_DATA_CENTRES: Readonly<Record<string, string>> = {
  'www.zohoapis.com': 'https://accounts.zoho.com',
  'www.zohoapis.eu': 'https://accounts.zoho.eu',
  'www.zohoapis.in': 'https://accounts.zoho.in',
  'www.zohoapis.com.au': 'https://accounts.zoho.com.au',
  'www.zohoapis.jp': 'https://accounts.zoho.jp',
  'www.zohoapis.ca': 'https://accounts.zohocloud.ca',
  'www.zohoapis.com.cn': 'https://accounts.zoho.com.cn',
  'www.zohoapis.sa': 'https://accounts.zoho.sa',
};

/** The accounts server of an API domain (`https://www.zohoapis.eu` → `https://accounts.zoho.eu`); undefined for an unknown host. */
export function accountsUrlFor(apiDomain: string): string | undefined {
  let host: string;
  try {
    host = new URL(/^[a-z]+:\/\//i.test(apiDomain) ? apiDomain : `https://${apiDomain}`).hostname.toLowerCase();
  } catch {
    return undefined;
  }
  // `zohoapis.ca` is written with and without `www.`; so are the others.
  return ZOHO_DATA_CENTRES[host] ?? ZOHO_DATA_CENTRES[`www.${host}`];
}

/** How long token requests pause after "Access Denied" (the 10-per-10-minutes limit) when nothing better is known. */
export const TOKEN_LIMIT_PAUSE_MS = 60_000;
/** After a 429 of the accounts server without Retry-After. */
const TOKEN_429_PAUSE_MS = 1_000;

export interface ZohoTokenOptions {
  connectorId: string;
  accountsUrl: string;
  auth: ZohoAuth;
  tokenStore?: TokenStore;
  onNeedsReauthorisation?: (connectorId: string, reason: string) => void | Promise<void>;
  timeoutMs?: number;
  /** Blocks the account's budget (the runtime's `budget.blockFor`). */
  onRateLimited: (retryAfterMs: number) => void;
  /** Until when the account's budget is blocked (epoch ms), or null: token requests wait for it like API calls. */
  blockedUntil: () => number | null;
}

export function tokenUrl(accountsUrl: string): string {
  return `${accountsUrl.replace(/\/+$/, '')}/oauth/v2/token`;
}

const errorOf = (body: unknown): unknown => (typeof body === 'object' && body !== null ? (body as { error?: unknown }).error : undefined);

function zohoTokenEndpoint(url: string, onRateLimited: (ms: number) => void, blockedUntil: () => number | null): TokenEndpoint {
  const shared = budgetAwareTokenEndpoint(formTokenEndpoint(url), {
    crm: ZOHO,
    onRateLimited,
    blockedUntil,
    heldBack: 'token request held back: the token limit pause is not over',
    rateLimitOf: (reply) => {
      const error = errorOf(reply.body);
      if (reply.status !== 429 && !(typeof error === 'string' && error.toLowerCase() === 'access denied')) return undefined;
      const retryAfterMs = parseRetryAfter(reply.headers?.get('retry-after') ?? null) ?? (reply.status === 429 ? TOKEN_429_PAUSE_MS : TOKEN_LIMIT_PAUSE_MS);
      const message = reply.status === 429 ? 'token endpoint rate limited (429)' : `token refresh limit reached (${reply.status} Access Denied: at most 10 tokens per 10 minutes)`;
      return { retryAfterMs, message };
    },
  });
  return async (params, signal) => {
    const reply = await shared(params, signal);
    const error = errorOf(reply.body);
    // Zoho refuses a grant with HTTP 200: handed on as the 401 it means, so the provider asks for re-authorisation.
    if (reply.status >= 200 && reply.status < 300 && typeof error === 'string' && error !== '') {
      return { status: 401, body: { error, error_description: `Zoho answered HTTP ${reply.status} with error ${error}` } };
    }
    return reply;
  };
}

export function zohoTokenProvider(options: ZohoTokenOptions): TokenProvider {
  const { auth } = options;
  registerSecret(auth.clientSecret);
  registerSecret(auth.refreshToken);
  return new TokenProvider({
    connectorId: options.connectorId,
    crm: ZOHO,
    flow: { kind: 'refresh-token', clientId: auth.clientId, clientSecret: auth.clientSecret, refreshToken: auth.refreshToken },
    tokenEndpoint: zohoTokenEndpoint(tokenUrl(options.accountsUrl), options.onRateLimited, options.blockedUntil),
    ...(options.tokenStore ? { store: options.tokenStore } : {}),
    ...(options.onNeedsReauthorisation ? { onNeedsReauthorisation: options.onNeedsReauthorisation } : {}),
    ...(options.timeoutMs !== undefined ? { timeoutMs: Math.min(options.timeoutMs, 15_000) } : {}),
  });
}
