/**
 * The accounts server (`POST /oauth/v2/token`, refresh-token grant only) and the API's
 * `Authorization: Zoho-oauthtoken <token>` check, on the sandbox's one origin. Failures of the token call are
 * HTTP 200 with an `error` key (as Zoho's are reported to be); the refresh limit (default 10 access tokens per
 * refresh token per 10 minutes) is HTTP 400 `Access Denied`.
 */
import { randomBytes } from 'node:crypto';
import express from 'express';
import type { NextFunction, Request, Response, Router } from 'express';
import { authenticationFailure, invalidToken, sendError, sendJson } from './errors.ts';

export interface AuthOptions {
  clientId: string;
  clientSecret: string;
  refreshToken: string;
  tokenTtlSeconds: number;
  /** Access tokens per refresh token per 10 minutes; 0 = unlimited. */
  tokenLimitPer10Min: number;
}

const LIMIT_WINDOW_MS = 600_000;

export class AuthService {
  private readonly accessTokens = new Map<string, { expiresAt: number }>();
  /** When each access token of the refresh token was issued, for the refresh limit. */
  private issued: number[] = [];

  constructor(readonly opts: AuthOptions) {}

  /** Every access token is invalid from now on (the refresh token stays valid); returns how many there were. */
  expireAll(): number {
    const now = Date.now();
    for (const t of this.accessTokens.values()) t.expiresAt = Math.min(t.expiresAt, now - 1);
    return this.accessTokens.size;
  }

  /** Forgets the refresh-limit window (a reset). */
  resetLimit(): void {
    this.issued = [];
  }

  /** Token calls in the current 10-minute window. */
  issuedRecently(): number {
    const now = Date.now();
    this.issued = this.issued.filter((t) => t > now - LIMIT_WINDOW_MS);
    return this.issued.length;
  }

  /** Lets the call through with a live token; a missing, unknown or expired one is 401 INVALID_TOKEN, `Bearer` 401 AUTHENTICATION_FAILURE. */
  middleware() {
    return (req: Request, res: Response, next: NextFunction) => {
      const header = req.get('authorization') ?? '';
      if (/^Bearer\s/i.test(header)) return sendError(res, authenticationFailure());
      const token = /^Zoho-oauthtoken\s+(\S+)\s*$/i.exec(header)?.[1];
      const known = token === undefined ? undefined : this.accessTokens.get(token);
      if (!known || known.expiresAt <= Date.now()) return sendError(res, invalidToken());
      next();
    };
  }

  router(): Router {
    const r = express.Router();
    r.post('/oauth/v2/token', express.urlencoded({ extended: false }), (req, res) => {
      // Zoho documents the parameters in the query string; a form body works too.
      const body = (req.body ?? {}) as Record<string, unknown>;
      const param = (name: string) => {
        const q = req.query[name];
        return typeof q === 'string' ? q : typeof body[name] === 'string' ? (body[name] as string) : undefined;
      };
      if (param('client_id') !== this.opts.clientId || param('client_secret') !== this.opts.clientSecret) {
        return sendJson(res, 200, { error: 'invalid_client' });
      }
      if (param('grant_type') !== 'refresh_token') return sendJson(res, 200, { error: 'unsupported_grant_type' });
      if (param('refresh_token') !== this.opts.refreshToken) return sendJson(res, 200, { error: 'invalid_code' });
      const limit = this.opts.tokenLimitPer10Min;
      if (limit > 0 && this.issuedRecently() >= limit) {
        return sendJson(res, 400, {
          error: 'Access Denied',
          error_description: 'You have made too many requests continuously. Please try again after some time.',
        });
      }
      const accessToken = `1000.${randomBytes(16).toString('hex')}.${randomBytes(16).toString('hex')}`;
      const now = Date.now();
      this.accessTokens.set(accessToken, { expiresAt: now + this.opts.tokenTtlSeconds * 1000 });
      this.issued.push(now);
      sendJson(res, 200, {
        access_token: accessToken, scope: 'ZohoCRM.modules.ALL,ZohoCRM.settings.ALL',
        api_domain: `${req.protocol}://${req.get('host')}`, token_type: 'Bearer', expires_in: this.opts.tokenTtlSeconds,
      });
    });
    return r;
  }
}
