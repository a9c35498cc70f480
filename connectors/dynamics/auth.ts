/**
 * Entra ID client credentials for Dataverse: `POST {authorityUrl}/{tenantId}/oauth2/v2.0/token` with
 * `scope={org}/.default`. There is no refresh token: the runtime's TokenProvider asks for a new token shortly
 * before `expires_in` runs out, or once after a 401 (a revoked or expired token). An `invalid_client` answer
 * (wrong secret, id or tenant) marks the connector for re-authorisation, once, and no further call is sent until
 * someone enters new credentials — exactly like Pipedrive's refused API token.
 *
 * The token endpoint shares the client id's budget (the runtime's `budgetAwareTokenEndpoint`): a 429 there carries a
 * Retry-After, and the token is requested under the same client id whose budget the API calls share, so the block
 * must reach the budget (otherwise the callers waiting for the token retry before Retry-After has passed), and a
 * block of the budget must hold token requests back too (the runtime asks for a token before its budget permit).
 */
import { TokenProvider, budgetAwareTokenEndpoint, formTokenEndpoint, parseRetryAfter } from '../runtime/index.ts';
import type { TokenEndpoint, TokenStore } from '../runtime/index.ts';
import { DYNAMICS } from './client.ts';

export interface DynamicsAuth {
  kind: 'client-credentials';
  /** The Entra ID tenant (directory) id or domain. */
  tenantId: string;
  /** The application (client) id registered as an application user in the org. */
  clientId: string;
  clientSecret: string;
}

export interface DynamicsTokenOptions {
  connectorId: string;
  /** The org URL; the token's scope is `{baseUrl}/.default`. */
  baseUrl: string;
  authorityUrl: string;
  auth: DynamicsAuth;
  tokenStore?: TokenStore;
  onNeedsReauthorisation?: (connectorId: string, reason: string) => void | Promise<void>;
  /** The per-call timeout also bounds the token request: a hung token endpoint must not outlast it. */
  timeoutMs?: number;
  /** Where a 429 of the token endpoint blocks the client id's budget (the runtime's `budget.blockFor`). */
  onRateLimited: (retryAfterMs: number) => void;
  /** Until when the client id's budget is blocked (epoch ms), or null: token requests wait for it like API calls. */
  blockedUntil: () => number | null;
}

/** The token endpoint URL of a tenant. */
export function tokenUrl(authorityUrl: string, tenantId: string): string {
  return `${authorityUrl.replace(/\/+$/, '')}/${encodeURIComponent(tenantId)}/oauth2/v2.0/token`;
}

/**
 * The form POST of the runtime, sharing the client id's budget: a 429 becomes CRM_RATE_LIMITED with the answer's
 * Retry-After (and blocks the budget); while the budget is blocked nothing is sent.
 */
function entraTokenEndpoint(url: string, onRateLimited: (ms: number) => void, blockedUntil: () => number | null): TokenEndpoint {
  return budgetAwareTokenEndpoint(formTokenEndpoint(url), {
    crm: DYNAMICS,
    onRateLimited,
    blockedUntil,
    heldBack: 'token request held back: the client id is rate limited',
    rateLimitOf: (reply) => reply.status === 429
      ? { retryAfterMs: parseRetryAfter(reply.headers?.get('retry-after') ?? null) ?? 1_000, message: 'token endpoint rate limited (429)' }
      : undefined,
  });
}

export function dynamicsTokenProvider(options: DynamicsTokenOptions): TokenProvider {
  const { auth } = options;
  return new TokenProvider({
    connectorId: options.connectorId,
    crm: DYNAMICS,
    flow: { kind: 'client-credentials', clientId: auth.clientId, clientSecret: auth.clientSecret, scope: `${options.baseUrl.replace(/\/+$/, '')}/.default` },
    tokenEndpoint: entraTokenEndpoint(tokenUrl(options.authorityUrl, auth.tenantId), options.onRateLimited, options.blockedUntil),
    ...(options.tokenStore ? { store: options.tokenStore } : {}),
    ...(options.onNeedsReauthorisation ? { onNeedsReauthorisation: options.onNeedsReauthorisation } : {}),
    ...(options.timeoutMs !== undefined ? { timeoutMs: Math.min(options.timeoutMs, 15_000) } : {}),
  });
}
