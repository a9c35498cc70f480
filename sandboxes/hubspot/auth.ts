/**
 * Credentials: one private-app token (never expires) and an OAuth app whose access tokens expire. The OAuth
 * endpoints answer exactly as HubSpot's (`POST /oauth/v1/token` → 200, the only status the client accepts).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import express from 'express';
import type { NextFunction, Request, Response, Router } from 'express';
import { HubSpotError, sendError, sendJson } from './errors.ts';

export interface AuthOptions {
  accessToken: string;
  clientId: string;
  clientSecret: string;
  /** A refresh token valid from the start, so tests can refresh without an authorization-code dance. */
  refreshToken: string;
  accessTokenTtlSeconds: number;
  portalId: number;
  appId: number;
}

/** Who is calling; `sourceId` is what webhooks and property history report as the writer. */
export interface Caller {
  kind: 'private-app' | 'oauth';
  token: string;
  sourceId: string;
}

interface AccessToken {
  clientId: string;
  refreshToken: string;
  expiresAt: number;
}

const SCOPES = ['crm.objects.contacts.read', 'crm.objects.contacts.write', 'crm.objects.companies.read', 'crm.objects.companies.write',
  'crm.objects.deals.read', 'crm.objects.deals.write', 'crm.schemas.contacts.read', 'crm.schemas.companies.read', 'crm.schemas.deals.read', 'oauth'];

export class AuthService {
  private readonly accessTokens = new Map<string, AccessToken>();
  private readonly refreshTokens = new Map<string, { clientId: string }>();
  private readonly codes = new Map<string, { clientId: string; redirectUri: string }>();

  constructor(readonly opts: AuthOptions) {
    this.refreshTokens.set(opts.refreshToken, { clientId: opts.clientId });
  }

  /** Expires every OAuth access token now (refresh tokens stay valid), to exercise refresh-after-401. */
  expireAll(): number {
    const now = Date.now();
    for (const t of this.accessTokens.values()) t.expiresAt = Math.min(t.expiresAt, now - 1);
    return this.accessTokens.size;
  }

  authenticate(req: Request): Caller {
    const header = req.get('authorization') ?? '';
    const m = /^Bearer\s+(.+)$/i.exec(header.trim());
    const queryKey = typeof req.query.hapikey === 'string' ? req.query.hapikey : undefined;
    if (!m) {
      throw new HubSpotError(401, 'INVALID_AUTHENTICATION', queryKey
        ? 'The API key provided is invalid. View or manage your API key here: https://app.hubspot.com/l/api-key/'
        : 'Authentication credentials not found. This API supports OAuth 2.0 authentication and you can find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview');
    }
    const token = m[1]!.trim();
    if (token === this.opts.accessToken) return { kind: 'private-app', token, sourceId: 'private-app' };
    const oauth = this.accessTokens.get(token);
    if (oauth) {
      const ago = Date.now() - oauth.expiresAt;
      // HubSpot reports an expired OAuth token with its own category (still 401), e.g.
      // {"message":"The OAuth token used to make this call expired 0 second(s) ago.","category":"EXPIRED_AUTHENTICATION",…}
      if (ago >= 0) {
        throw new HubSpotError(401, 'EXPIRED_AUTHENTICATION', `The OAuth token used to make this call expired ${agoText(ago)} ago.`, {
          context: { 'expire time': [new Date(oauth.expiresAt).toISOString()] },
        });
      }
      return { kind: 'oauth', token, sourceId: oauth.clientId };
    }
    throw new HubSpotError(401, 'INVALID_AUTHENTICATION', 'Authentication credentials not found. This API supports OAuth 2.0 authentication and you can find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview');
  }

  /** Puts the caller on `res.locals.caller`; refuses anything else with HubSpot's 401. */
  middleware() {
    return (req: Request, res: Response, next: NextFunction) => {
      try {
        res.locals.caller = this.authenticate(req);
        next();
      } catch (err) {
        sendError(res, err as HubSpotError);
      }
    };
  }

  private issue(clientId: string, refreshToken: string) {
    const accessToken = `oauth-${randomBytes(18).toString('base64url')}`;
    this.accessTokens.set(accessToken, { clientId, refreshToken, expiresAt: Date.now() + this.opts.accessTokenTtlSeconds * 1000 });
    return { token_type: 'bearer', refresh_token: refreshToken, access_token: accessToken, expires_in: this.opts.accessTokenTtlSeconds };
  }

  /** `/oauth/authorize` (auto-consent) and `/oauth/v1/...` token endpoints. */
  router(): Router {
    const r = express.Router();
    r.get('/oauth/authorize', (req, res) => {
      const clientId = String(req.query.client_id ?? '');
      const redirectUri = String(req.query.redirect_uri ?? '');
      if (clientId !== this.opts.clientId) return sendJson(res, 400, oauthError('BAD_CLIENT_ID', 'Invalid client_id'));
      if (!redirectUri) return sendJson(res, 400, oauthError('BAD_REDIRECT_URI', 'redirect_uri is required'));
      const code = randomUUID();
      this.codes.set(code, { clientId, redirectUri });
      const target = new URL(redirectUri);
      target.searchParams.set('code', code);
      if (typeof req.query.state === 'string') target.searchParams.set('state', req.query.state);
      res.redirect(302, target.toString());
    });
    r.post('/oauth/v1/token', express.urlencoded({ extended: false }), express.json(), (req, res) => {
      const body = (req.body ?? {}) as Record<string, string | undefined>;
      if (body.client_id !== this.opts.clientId) return sendJson(res, 400, oauthError('BAD_CLIENT_ID', 'missing or unknown client id'));
      if (body.client_secret !== this.opts.clientSecret) return sendJson(res, 400, oauthError('BAD_CLIENT_SECRET', 'missing or invalid client secret'));
      if (body.grant_type === 'refresh_token') {
        const rt = body.refresh_token ?? '';
        if (this.refreshTokens.get(rt)?.clientId !== body.client_id) return sendJson(res, 400, oauthError('BAD_REFRESH_TOKEN', 'missing or unknown refresh token'));
        return sendJson(res, 200, this.issue(body.client_id, rt));
      }
      if (body.grant_type === 'authorization_code') {
        const code = this.codes.get(body.code ?? '');
        if (!code || code.clientId !== body.client_id) return sendJson(res, 400, oauthError('BAD_AUTH_CODE', 'missing or unknown auth code'));
        if (code.redirectUri !== body.redirect_uri) return sendJson(res, 400, oauthError('BAD_REDIRECT_URI', 'redirect_uri does not match the one used to get the code'));
        this.codes.delete(body.code!);
        const rt = `refresh-${randomUUID()}`;
        this.refreshTokens.set(rt, { clientId: code.clientId });
        return sendJson(res, 200, this.issue(code.clientId, rt));
      }
      return sendJson(res, 400, oauthError('BAD_GRANT_TYPE', `unsupported grant_type: ${String(body.grant_type)}`));
    });
    r.get('/oauth/v1/access-tokens/:token', (req, res) => {
      const t = this.accessTokens.get(req.params.token);
      if (!t || t.expiresAt <= Date.now()) return sendJson(res, 404, oauthError('NOT_FOUND', 'access token not found or expired'));
      sendJson(res, 200, {
        token: req.params.token, user: 'sandbox@customer-graph.test', hub_domain: 'customer-graph-sandbox.hubspot.test', scopes: SCOPES,
        hub_id: this.opts.portalId, app_id: this.opts.appId, expires_in: Math.round((t.expiresAt - Date.now()) / 1000), user_id: 1, token_type: 'access',
      });
    });
    r.get('/oauth/v1/refresh-tokens/:token', (req, res) => {
      const t = this.refreshTokens.get(req.params.token);
      if (!t) return sendJson(res, 404, oauthError('NOT_FOUND', 'refresh token not found'));
      sendJson(res, 200, {
        token: req.params.token, user: 'sandbox@customer-graph.test', hub_domain: 'customer-graph-sandbox.hubspot.test', scopes: SCOPES,
        hub_id: this.opts.portalId, client_id: t.clientId, user_id: 1, token_type: 'refresh',
      });
    });
    r.delete('/oauth/v1/refresh-tokens/:token', (req, res) => {
      this.refreshTokens.delete(req.params.token);
      res.status(204).end();
    });
    return r;
  }
}

function agoText(ms: number): string {
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s} second(s)`;
  if (s < 3600) return `${Math.floor(s / 60)} minute(s)`;
  if (s < 86400) return `${Math.floor(s / 3600)} hour(s)`;
  return `${Math.floor(s / 86400)} day(s)`;
}

function oauthError(status: string, message: string) {
  return { status, message, correlationId: randomUUID() };
}
