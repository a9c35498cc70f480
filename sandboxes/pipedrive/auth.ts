/**
 * Credentials: one API token (sent as `x-api-token`, `?api_token=` or nothing else) and an OAuth app whose
 * access tokens expire. `POST /oauth/token` refreshes with HTTP Basic client credentials; the refresh token stays
 * valid and comes back unchanged, as the wire contract says.
 */
import { randomBytes } from 'node:crypto';
import express from 'express';
import type { NextFunction, Request, Response, Router } from 'express';
import { sendError, sendJson, unauthorized } from './errors.ts';

export interface AuthOptions {
  apiToken: string;
  clientId: string;
  clientSecret: string;
  refreshToken: string;
  accessTokenTtlSeconds: number;
}

/**
 * Who is calling. `budgetKey` names the credential rate limits count against: the API token, or the OAuth grant
 * (every access token refreshed from one refresh token shares it, so a refresh does not buy a fresh budget).
 */
export interface Caller {
  kind: 'api-token' | 'oauth';
  budgetKey: string;
}

export class AuthService {
  private readonly accessTokens = new Map<string, { expiresAt: number }>();

  constructor(readonly opts: AuthOptions) {}

  /** Every OAuth access token is invalid from now on; returns how many there were. */
  expireAll(): number {
    const now = Date.now();
    for (const t of this.accessTokens.values()) t.expiresAt = Math.min(t.expiresAt, now - 1);
    return this.accessTokens.size;
  }

  authenticate(req: Request): Caller | undefined {
    const bearer = /^Bearer\s+(\S+)\s*$/i.exec(req.get('authorization') ?? '')?.[1];
    if (bearer !== undefined) {
      const t = this.accessTokens.get(bearer);
      return t && t.expiresAt > Date.now() ? { kind: 'oauth', budgetKey: 'oauth' } : undefined;
    }
    const query = req.query.api_token;
    const token = req.get('x-api-token') ?? (typeof query === 'string' ? query : undefined);
    return token !== undefined && token === this.opts.apiToken ? { kind: 'api-token', budgetKey: 'api_token' } : undefined;
  }

  /** Puts the caller on `res.locals.caller`; anything else gets Pipedrive's 401. */
  middleware() {
    return (req: Request, res: Response, next: NextFunction) => {
      const caller = this.authenticate(req);
      if (!caller) return sendError(res, unauthorized());
      res.locals.caller = caller;
      next();
    };
  }

  /** Client credentials from `Authorization: Basic` (what Pipedrive documents) or, failing that, the form body. */
  private client(req: Request, body: Record<string, unknown>): { id: string; secret: string } {
    const basic = /^Basic\s+(\S+)\s*$/i.exec(req.get('authorization') ?? '')?.[1];
    if (basic) {
      const decoded = Buffer.from(basic, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      return colon < 0 ? { id: decoded, secret: '' } : { id: decoded.slice(0, colon), secret: decoded.slice(colon + 1) };
    }
    return { id: String(body.client_id ?? ''), secret: String(body.client_secret ?? '') };
  }

  router(): Router {
    const r = express.Router();
    r.post('/oauth/token', express.urlencoded({ extended: false }), express.json(), (req, res) => {
      const body = (req.body ?? {}) as Record<string, unknown>;
      const client = this.client(req, body);
      if (client.id !== this.opts.clientId || client.secret !== this.opts.clientSecret) {
        return sendJson(res, 401, { error: 'invalid_client', message: 'Invalid client credentials' });
      }
      if (body.grant_type !== 'refresh_token') {
        return sendJson(res, 400, { error: 'unsupported_grant_type', message: `Unsupported grant type: ${String(body.grant_type)}` });
      }
      if (body.refresh_token !== this.opts.refreshToken) {
        return sendJson(res, 400, { error: 'invalid_grant', message: 'Invalid grant: refresh token is invalid' });
      }
      const accessToken = `pd-oauth-${randomBytes(18).toString('base64url')}`;
      this.accessTokens.set(accessToken, { expiresAt: Date.now() + this.opts.accessTokenTtlSeconds * 1000 });
      sendJson(res, 200, {
        access_token: accessToken, token_type: 'Bearer', refresh_token: this.opts.refreshToken, scope: 'base',
        expires_in: this.opts.accessTokenTtlSeconds, api_domain: `${req.protocol}://${req.get('host')}`,
      });
    });
    return r;
  }
}
