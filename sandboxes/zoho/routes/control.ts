/**
 * Zoho-specific control routes under `/_sandbox/zoho/` (the shared ones live in common/control-plane.ts): expiring
 * every access token and seeding records with their own times.
 */
import express from 'express';
import type { Router } from 'express';
import type { AuthService } from '../auth.ts';
import { sendJson, ZohoError } from '../errors.ts';
import { loadSeed } from '../seed.ts';
import type { ZohoSeed } from '../seed.ts';
import type { Org } from '../store.ts';

export function zohoControlRouter(auth: AuthService, org: () => Org): Router {
  const r = express.Router();
  r.use(express.json({ limit: '50mb' }));
  r.post('/expire-tokens', (_req, res) => {
    auth.expireAll();
    sendJson(res, 200, {});
  });
  r.post('/seed', (req, res) => {
    try {
      sendJson(res, 200, { loaded: loadSeed(org(), (req.body ?? {}) as ZohoSeed) });
    } catch (err) {
      if (!(err instanceof ZohoError)) throw err;
      sendJson(res, 400, { error: err.message });
    }
  });
  return r;
}
