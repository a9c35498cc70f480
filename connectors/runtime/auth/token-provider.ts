/**
 * Access tokens for one connector, whatever the OAuth flow. Three promises:
 *  - a token close to expiry is refreshed before it is used;
 *  - however many calls need a new token at once (an expired token, a burst of 401s), the token endpoint is
 *    called ONCE and every caller gets its result (single flight);
 *  - credentials the CRM rejects (invalid_grant, 401 from the token endpoint, a static token refused) raise
 *    CRM_AUTH_FAILED, call `onNeedsReauthorisation` once, and stop further token calls until `authorize()`.
 */
import { ConnectorError } from '../../contract/errors.ts';
import { registerSecret } from '../../contract/redact.ts';
import { withTimeout } from '../retry.ts';
import type { TokenEndpoint, TokenEndpointReply } from './token-endpoint.ts';
import type { StoredToken, TokenStore } from './token-store.ts';
import { InMemoryTokenStore } from './token-store.ts';

export type AuthFlow =
  /** A private-app token or API key that never changes; a 401 means a person must supply a new one. */
  | { kind: 'static'; accessToken: string }
  /** OAuth2 refresh-token grant. `refreshToken` seeds the store on first use; the stored one wins afterwards. */
  | { kind: 'refresh-token'; clientId: string; clientSecret?: string; refreshToken?: string; extraParams?: Record<string, string> }
  /** OAuth2 client-credentials grant (server-to-server). */
  | { kind: 'client-credentials'; clientId: string; clientSecret: string; scope?: string; extraParams?: Record<string, string> };

export interface TokenProviderOptions {
  /** Our id of the connector (one CRM connection); the key in the token store. */
  connectorId: string;
  crm: string;
  flow: AuthFlow;
  /** Required for the OAuth flows. */
  tokenEndpoint?: TokenEndpoint;
  store?: TokenStore;
  /** Called once when the credentials are rejected; db/ marks the connector as needing re-authorisation. */
  onNeedsReauthorisation?: (connectorId: string, reason: string) => void | Promise<void>;
  /** Refresh this long before `expiresAt`. Default 60 s. */
  refreshBeforeExpiryMs?: number;
  /** Lifetime assumed when the token answer has no `expires_in` (null: use until a 401). Default null. */
  defaultTtlMs?: number | null;
  /** Token endpoint timeout. Default 15 s. */
  timeoutMs?: number;
  /** Store write failures do not fail the call (the fresh token is in memory); they are reported here. */
  onStoreError?: (err: unknown) => void;
}

/** Token-endpoint error codes that mean the grant itself is bad, not the network. */
// `invalid_client_id`: Salesforce's answer to a consumer key it does not know (a typo in the key, or an app deleted).
const REJECTED_GRANT = new Set(['invalid_grant', 'invalid_client', 'invalid_client_id', 'unauthorized_client', 'bad_refresh_token', 'invalid_request', 'unsupported_grant_type', 'invalid_scope']);

export class TokenProvider {
  readonly connectorId: string;
  readonly crm: string;
  private readonly options: TokenProviderOptions;
  private current: StoredToken | null = null;
  private loading: Promise<void> | null = null;
  private inflight: Promise<StoredToken> | null = null;
  private reauthReason: string | null = null;
  /** Token endpoint calls made, for tests and metrics. */
  refreshCount = 0;

  constructor(options: TokenProviderOptions) {
    this.options = options;
    this.connectorId = options.connectorId;
    this.crm = options.crm;
    if (options.flow.kind !== 'static' && !options.tokenEndpoint) throw new Error(`${options.crm}: the ${options.flow.kind} flow needs a tokenEndpoint`);
    registerSecret(options.flow.kind === 'static' ? options.flow.accessToken : options.flow.clientSecret);
    if (options.flow.kind === 'refresh-token') registerSecret(options.flow.refreshToken);
  }

  /** A token valid for at least `refreshBeforeExpiryMs`, refreshing (once, shared) when needed. */
  async getToken(): Promise<StoredToken> {
    this.throwIfNeedsReauthorisation();
    if (!this.loading) {
      // A failed load (database down) is not cached: the next call tries again.
      this.loading = this.loadFromStore().catch((err: unknown) => {
        this.loading = null;
        throw err;
      });
    }
    await this.loading;
    const token = this.current;
    if (token && !this.isExpiring(token)) return token;
    return this.refresh();
  }

  /**
   * The CRM refused `accessToken` (401). Only the token that was refused is dropped: callers holding a token
   * that was already replaced change nothing, so a burst of 401s leads to one refresh.
   */
  invalidate(accessToken: string): void {
    if (this.current?.accessToken === accessToken) this.current = { ...this.current, expiresAt: 0 };
  }

  /**
   * True when `token` should no longer be sent: the CRM refused it meanwhile (another caller's 401), or a newer
   * one replaced it. Checked after waiting for a rate-budget permit, so a queue of callers holding the old token
   * does not spend one rejected call each.
   */
  isSuperseded(token: StoredToken): boolean {
    const current = this.current;
    return !current || current.accessToken !== token.accessToken || this.isExpiring(current);
  }

  /** Forces a refresh now, joining one already under way. */
  refresh(): Promise<StoredToken> {
    this.throwIfNeedsReauthorisation();
    if (!this.inflight) {
      this.inflight = this.obtain().finally(() => {
        this.inflight = null;
      });
    }
    return this.inflight;
  }

  /** A freshly issued token was refused as well: the grant is no good (revoked app, lost permission). */
  async reportRejected(accessToken: string, reason: string): Promise<void> {
    if (this.current?.accessToken !== accessToken && this.options.flow.kind !== 'static') return;
    await this.markNeedsReauthorisation(reason);
  }

  /** Installs a token obtained by a new authorisation (OAuth code flow done elsewhere) and lifts the block. */
  async authorize(token: StoredToken): Promise<void> {
    this.reauthReason = null;
    this.loading = Promise.resolve();
    await this.adopt(token);
  }

  /** Why the connector needs re-authorisation, or null. */
  needsReauthorisation(): string | null {
    return this.reauthReason;
  }

  private async loadFromStore(): Promise<void> {
    const store = this.store();
    const stored = await store.load(this.connectorId);
    if (stored) {
      registerSecret(stored.accessToken);
      registerSecret(stored.refreshToken);
      this.current = stored;
    } else if (this.options.flow.kind === 'static') {
      this.current = { accessToken: this.options.flow.accessToken, expiresAt: null };
    }
  }

  private isExpiring(token: StoredToken): boolean {
    if (token.expiresAt === null) return false;
    return token.expiresAt - (this.options.refreshBeforeExpiryMs ?? 60_000) <= Date.now();
  }

  private async obtain(): Promise<StoredToken> {
    const flow = this.options.flow;
    if (flow.kind === 'static') throw await this.markNeedsReauthorisation('the API token was rejected');
    let params: Record<string, string>;
    if (flow.kind === 'refresh-token') {
      const refreshToken = this.current?.refreshToken ?? flow.refreshToken;
      if (!refreshToken) throw await this.markNeedsReauthorisation('no refresh token: authorise the connector');
      params = { grant_type: 'refresh_token', refresh_token: refreshToken, client_id: flow.clientId, ...flow.extraParams };
      if (flow.clientSecret) params.client_secret = flow.clientSecret;
    } else {
      params = { grant_type: 'client_credentials', client_id: flow.clientId, client_secret: flow.clientSecret, ...flow.extraParams };
      if (flow.scope) params.scope = flow.scope;
    }
    this.refreshCount++;
    const endpoint = this.options.tokenEndpoint as TokenEndpoint;
    let reply: TokenEndpointReply;
    try {
      reply = await withTimeout(this.crm, this.options.timeoutMs ?? 15_000, (signal) => endpoint(params, signal));
    } catch (err) {
      if (err instanceof ConnectorError) throw err;
      throw new ConnectorError('CRM_UNAVAILABLE', this.crm, 'token endpoint unreachable', { cause: err, details: { source: 'token-endpoint' } });
    }
    return this.interpret(reply);
  }

  private async interpret(reply: TokenEndpointReply): Promise<StoredToken> {
    const body = (typeof reply.body === 'object' && reply.body !== null ? reply.body : {}) as Record<string, unknown>;
    const accessToken = body.access_token;
    if (reply.status >= 200 && reply.status < 300 && typeof accessToken === 'string' && accessToken !== '') {
      const expiresIn = Number(body.expires_in);
      const ttl = Number.isFinite(expiresIn) && expiresIn > 0 ? expiresIn * 1000 : this.options.defaultTtlMs ?? null;
      const extra: Record<string, string> = {};
      for (const [key, value] of Object.entries(body)) {
        if (!['access_token', 'refresh_token', 'expires_in', 'instance_url', 'scope', 'token_type'].includes(key) && (typeof value === 'string' || typeof value === 'number')) extra[key] = String(value);
      }
      const token: StoredToken = {
        accessToken,
        // Salesforce never rotates the refresh token and omits it on refresh: keep the one we have.
        refreshToken: typeof body.refresh_token === 'string' ? body.refresh_token : this.current?.refreshToken ?? this.flowRefreshToken(),
        expiresAt: ttl === null ? null : Date.now() + ttl,
        ...(typeof body.instance_url === 'string' ? { instanceUrl: body.instance_url } : this.current?.instanceUrl ? { instanceUrl: this.current.instanceUrl } : {}),
        ...(typeof body.scope === 'string' ? { scope: body.scope } : {}),
        ...(Object.keys(extra).length ? { extra } : {}),
      };
      if (token.refreshToken === undefined) delete token.refreshToken;
      await this.adopt(token);
      return token;
    }
    const code = String(body.error ?? body.status ?? '').toLowerCase();
    const description = String(body.error_description ?? body.message ?? '').slice(0, 200);
    if (reply.status === 401 || reply.status === 403 || (reply.status >= 400 && reply.status < 500 && REJECTED_GRANT.has(code))) {
      throw await this.markNeedsReauthorisation(`token endpoint refused the grant (${reply.status}${code ? ` ${code}` : ''}${description ? `: ${description}` : ''})`, reply.status);
    }
    if (reply.status === 429) {
      throw new ConnectorError('CRM_RATE_LIMITED', this.crm, 'token endpoint rate limited', { status: 429, details: { source: 'token-endpoint' } });
    }
    const what = typeof reply.body === 'string' && reply.body.trimStart().startsWith('<') ? 'an HTML page' : 'no access token';
    throw new ConnectorError('CRM_UNAVAILABLE', this.crm, `token endpoint answered ${reply.status} with ${what}`, { status: reply.status, details: { source: 'token-endpoint' } });
  }

  private flowRefreshToken(): string | undefined {
    return this.options.flow.kind === 'refresh-token' ? this.options.flow.refreshToken : undefined;
  }

  private async adopt(token: StoredToken): Promise<void> {
    registerSecret(token.accessToken);
    registerSecret(token.refreshToken);
    this.current = token;
    try {
      await this.store().save(this.connectorId, token);
    } catch (err) {
      this.options.onStoreError?.(err);
    }
  }

  private async markNeedsReauthorisation(reason: string, status?: number): Promise<ConnectorError> {
    const first = this.reauthReason === null;
    this.reauthReason = reason;
    if (first) {
      try {
        await this.options.onNeedsReauthorisation?.(this.connectorId, reason);
      } catch {
        // The callback records state elsewhere; its failure must not hide the auth failure itself.
      }
    }
    return this.authFailed(status);
  }

  private throwIfNeedsReauthorisation(): void {
    if (this.reauthReason !== null) throw this.authFailed();
  }

  private authFailed(status?: number): ConnectorError {
    return new ConnectorError('CRM_AUTH_FAILED', this.crm, `connector ${this.connectorId} needs re-authorisation: ${this.reauthReason}`, {
      ...(status !== undefined ? { status } : {}),
      details: { source: 'token-endpoint', connectorId: this.connectorId },
    });
  }

  private defaultStore: TokenStore | null = null;
  private store(): TokenStore {
    if (this.options.store) return this.options.store;
    this.defaultStore ??= new InMemoryTokenStore();
    return this.defaultStore;
  }
}
