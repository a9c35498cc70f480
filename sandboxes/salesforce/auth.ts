/**
 * OAuth for the sandbox org: the token endpoint (client_credentials and refresh_token grants), revocation,
 * the identity URL jsforce reads after every token call, and bearer-token checks with a configurable TTL.
 */
import { randomBytes } from 'node:crypto';
import express from 'express';
import type { Request, Response, Router } from 'express';
import { ORG_ID, USER_ID } from './ids.ts';
import { formatDateTime } from './time.ts';

export interface AuthConfig {
  clientId: string;
  clientSecret: string;
  /** Refresh tokens the org accepts (Salesforce only issues them to code/password flows, so they are provisioned). */
  refreshTokens: string[];
  tokenTtlSeconds: number;
}

export const DEFAULT_CLIENT_ID = 'customer-graph';
export const DEFAULT_CLIENT_SECRET = 'sandbox';
export const DEFAULT_REFRESH_TOKEN = 'sandbox-refresh-token';
export const DEFAULT_TOKEN_TTL_SECONDS = 7200;
export const SANDBOX_USERNAME = 'integration@customer-graph.sandbox';

export class TokenAuthority {
  private tokens = new Map<string, number>();

  constructor(readonly config: AuthConfig) {}

  issue(): { token: string; issuedAt: number } {
    const issuedAt = Date.now();
    // Real access tokens are `<orgId15>!<opaque>`; some tools split on the `!`.
    const token = `${ORG_ID.slice(0, 15)}!AQ${randomBytes(24).toString('base64url')}`;
    this.tokens.set(token, issuedAt + this.config.tokenTtlSeconds * 1000);
    return { token, issuedAt };
  }

  isValid(token: string | undefined): boolean {
    if (!token) return false;
    const expiresAt = this.tokens.get(token);
    if (expiresAt === undefined) return false;
    if (Date.now() >= expiresAt) {
      this.tokens.delete(token);
      return false;
    }
    return true;
  }

  /** Expires every token now, so the next call of every client gets 401 INVALID_SESSION_ID. */
  expireAll(): number {
    const n = this.tokens.size;
    this.tokens.clear();
    return n;
  }

  revoke(token: string): void {
    this.tokens.delete(token);
  }
}

/** The bearer token of a request (`Authorization: Bearer x` or, for the identity URL, `?oauth_token=x`). */
export function bearerToken(req: Request): string | undefined {
  const header = req.get('authorization');
  const m = header ? /^(?:Bearer|OAuth)\s+(.+)$/i.exec(header) : null;
  if (m) return m[1]!.trim();
  const q = req.query.oauth_token;
  return typeof q === 'string' ? q : undefined;
}

const baseUrlOf = (req: Request) => `${req.protocol}://${req.get('host')}`;

function tokenError(res: Response, error: string, description: string, status = 400): void {
  res.status(status).json({ error, error_description: description });
}

/** `/services/oauth2/*` and `/id/{org}/{user}`. */
export function oauthRouter(auth: TokenAuthority, version: string): Router {
  const r = express.Router();
  const form = express.urlencoded({ extended: false });

  r.post('/services/oauth2/token', form, (req, res) => {
    const body = (req.body ?? {}) as Record<string, string | undefined>;
    const { config } = auth;
    const grant = body.grant_type;
    if (!grant) return tokenError(res, 'invalid_request', 'grant type not supported');
    if (grant !== 'client_credentials' && grant !== 'refresh_token') return tokenError(res, 'unsupported_grant_type', 'grant type not supported');
    if (body.client_id !== config.clientId) return tokenError(res, 'invalid_client_id', 'client identifier invalid');
    if (grant === 'client_credentials' && body.client_secret !== config.clientSecret) return tokenError(res, 'invalid_client', 'invalid client credentials');
    // A refresh may omit the secret (public clients), but a wrong one is refused.
    if (grant === 'refresh_token' && body.client_secret !== undefined && body.client_secret !== config.clientSecret) {
      return tokenError(res, 'invalid_client', 'invalid client credentials');
    }
    if (grant === 'refresh_token' && !config.refreshTokens.includes(body.refresh_token ?? '')) {
      return tokenError(res, 'invalid_grant', 'expired access/refresh token');
    }
    const { token, issuedAt } = auth.issue();
    const base = baseUrlOf(req);
    res.json({
      access_token: token,
      signature: randomBytes(32).toString('base64'),
      scope: grant === 'refresh_token' ? 'refresh_token api' : 'api',
      instance_url: base,
      id: `${base}/id/${ORG_ID}/${USER_ID}`,
      token_type: 'Bearer',
      issued_at: String(issuedAt),
    });
  });

  r.post('/services/oauth2/revoke', form, (req, res) => {
    const token = (req.body as Record<string, string | undefined> | undefined)?.token ?? (req.query.token as string | undefined);
    if (!token) return tokenError(res, 'unsupported_token_type', 'this token type is not supported');
    auth.revoke(token);
    res.status(200).json({});
  });

  r.get('/id/:org/:user', (req, res) => {
    if (!auth.isValid(bearerToken(req))) {
      res.status(403).json([{ message: 'Bad_OAuth_Token', errorCode: 'Bad_OAuth_Token' }]);
      return;
    }
    if (req.params.org !== ORG_ID || req.params.user !== USER_ID) {
      res.status(404).json([{ message: 'The requested resource does not exist', errorCode: 'NOT_FOUND' }]);
      return;
    }
    res.json(identity(baseUrlOf(req), version));
  });
  return r;
}

function identity(base: string, version: string): Record<string, unknown> {
  const data = `${base}/services/data/v{version}/`;
  return {
    id: `${base}/id/${ORG_ID}/${USER_ID}`,
    asserted_user: true,
    user_id: USER_ID,
    organization_id: ORG_ID,
    username: SANDBOX_USERNAME,
    nick_name: 'integration',
    display_name: 'Integration User',
    email: SANDBOX_USERNAME,
    email_verified: true,
    first_name: 'Integration',
    last_name: 'User',
    timezone: 'GMT',
    photos: {},
    status: { created_date: null, body: null },
    urls: {
      enterprise: `${base}/services/Soap/c/{version}/${ORG_ID.slice(0, 15)}`,
      partner: `${base}/services/Soap/u/{version}/${ORG_ID.slice(0, 15)}`,
      rest: data,
      sobjects: `${data}sobjects/`,
      search: `${data}search/`,
      query: `${data}query/`,
      recent: `${data}recent/`,
      profile: `${base}/${USER_ID}`,
      limits: `${data}limits/`,
      custom_domain: base,
    },
    active: true,
    user_type: 'STANDARD',
    language: 'en_US',
    locale: 'en_US',
    utcOffset: 0,
    last_modified_date: formatDateTime(Date.now()),
    is_app_installed: true,
    api_version: version,
  };
}
