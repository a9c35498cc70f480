/**
 * Dynamics-specific control routes under `/_sandbox/dynamics/` (the shared ones live in common/control-plane.ts):
 * expiring access tokens, expiring every delta token handed out so far, seeding rows with their own times, and
 * webhook delivery (`/webhooks`, routes/webhook-control.ts).
 */
import express from 'express';
import type { Router } from 'express';
import type { AuthService } from '../auth.ts';
import { DataverseError } from '../errors.ts';
import { loadSeed } from '../seed.ts';
import type { DynamicsSeed } from '../seed.ts';
import type { Org } from '../store.ts';
import type { DataverseWebhooks } from '../webhook-deliveries.ts';
import { webhookControlRouter } from './webhook-control.ts';

export function dynamicsControlRouter(auth: AuthService, org: () => Org, webhooks: DataverseWebhooks): Router {
  const r = express.Router();
  r.use('/webhooks', webhookControlRouter(webhooks));
  r.use(express.json({ limit: '50mb' }));
  r.post('/expire-tokens', (_req, res) => {
    res.json({ expired: auth.expireAll() });
  });
  r.post('/expire-delta-tokens', (_req, res) => {
    // Every token handed out so far carries a version ≤ the current one; one step on, a fresh read's token is valid.
    org().deltaFloor = org().nextVersion();
    res.json({ oldestValidVersion: org().deltaFloor });
  });
  r.post('/seed', (req, res) => {
    try {
      res.json({ loaded: loadSeed(org(), (req.body ?? {}) as DynamicsSeed) });
    } catch (err) {
      if (!(err instanceof DataverseError)) throw err;
      res.status(400).json({ error: err.message });
    }
  });
  return r;
}
