/**
 * Entra ID client credentials, as the sandbox plays the authority on its own URL:
 * `POST /{tenantId}/oauth2/v2.0/token` (form grant_type=client_credentials, client_id, client_secret, scope
 * ending in `/.default`) gives a bearer token that expires; there is no refresh token. Every `/api` call needs a
 * live bearer token, else 401 with `WWW-Authenticate: Bearer authorization_uri=…` and an empty body (pinned).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import express from 'express';
import type { NextFunction, Request, Response, Router } from 'express';

export interface AuthOptions {
  tenantId: string;
  clientId: string;
  clientSecret: string;
  accessTokenTtlSeconds: number;
}

function aadError(res: Response, status: number, error: string, code: number, description: string): void {
  const now = new Date();
  res.status(status).type('application/json').send(JSON.stringify({
    error, error_description: `AADSTS${code}: ${description}\r\nTrace ID: ${randomUUID()}\r\nCorrelation ID: ${randomUUID()}\r\nTimestamp: ${now.toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z')}`,
    error_codes: [code], timestamp: now.toISOString().replace(/\.\d+Z$/, 'Z'), trace_id: randomUUID(), correlation_id: randomUUID(),
  }));
}

/** A JWT-shaped opaque token (clients only ever pass it back), so a client that peeks at `eyJ…` is not surprised. */
function newAccessToken(clientId: string): string {
  const part = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${part({ typ: 'JWT', alg: 'RS256' })}.${part({ appid: clientId, jti: randomUUID() })}.${randomBytes(24).toString('base64url')}`;
}

export class AuthService {
  private readonly tokens = new Map<string, { clientId: string; expiresAt: number }>();

  constructor(readonly opts: AuthOptions) {}

  /** Every access token is invalid from now on; returns how many there were. */
  expireAll(): number {
    const now = Date.now();
    for (const t of this.tokens.values()) t.expiresAt = Math.min(t.expiresAt, now - 1);
    return this.tokens.size;
  }

  /** The client id a live bearer token was issued to. */
  clientOf(req: Request): string | undefined {
    const bearer = /^Bearer\s+(\S+)\s*$/i.exec(req.get('authorization') ?? '')?.[1];
    const t = bearer ? this.tokens.get(bearer) : undefined;
    return t && t.expiresAt > Date.now() ? t.clientId : undefined;
  }

  /** Puts the client id on `res.locals.clientId`; anything else is the bare 401 Dataverse gives. */
  middleware() {
    return (req: Request, res: Response, next: NextFunction) => {
      const clientId = this.clientOf(req);
      if (!clientId) {
        const authority = `${req.protocol}://${req.get('host')}/${this.opts.tenantId}/oauth2/authorize`;
        res.status(401).set({ 'WWW-Authenticate': `Bearer authorization_uri=${authority}, resource_id=${req.protocol}://${req.get('host')}/` }).end();
        return;
      }
      res.locals.clientId = clientId;
      next();
    };
  }

  router(): Router {
    const r = express.Router();
    r.post('/:tenant/oauth2/v2.0/token', express.urlencoded({ extended: false }), (req, res) => {
      const body = (req.body ?? {}) as Record<string, unknown>;
      if (body.grant_type !== 'client_credentials') {
        return aadError(res, 400, 'unsupported_grant_type', 70003, `The app requested an unsupported grant type '${String(body.grant_type ?? '')}'.`);
      }
      // Pinned: a wrong tenant, client id or secret is one 401 invalid_client (Entra answers some of them 400).
      if (req.params.tenant !== this.opts.tenantId) {
        return aadError(res, 401, 'invalid_client', 7000215, `Invalid client secret provided. Tenant '${req.params.tenant}' has no application '${String(body.client_id ?? '')}'.`);
      }
      if (body.client_id !== this.opts.clientId || body.client_secret !== this.opts.clientSecret) {
        return aadError(res, 401, 'invalid_client', 7000215, "Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '" + String(body.client_id ?? '') + "'.");
      }
      if (typeof body.scope !== 'string' || !body.scope.endsWith('/.default')) {
        return aadError(res, 400, 'invalid_scope', 1002012, `The provided value for scope ${String(body.scope ?? '')} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`);
      }
      const token = newAccessToken(this.opts.clientId);
      this.tokens.set(token, { clientId: this.opts.clientId, expiresAt: Date.now() + this.opts.accessTokenTtlSeconds * 1000 });
      res.status(200).type('application/json').send(JSON.stringify({
        token_type: 'Bearer', expires_in: this.opts.accessTokenTtlSeconds, ext_expires_in: this.opts.accessTokenTtlSeconds, access_token: token,
      }));
    });
    return r;
  }
}
