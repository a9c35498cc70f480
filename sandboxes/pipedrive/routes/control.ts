/**
 * Pipedrive-specific control routes under `/_sandbox/pipedrive/` (the shared ones live in
 * common/control-plane.ts): expiring OAuth tokens and seeding records with their own timestamps.
 */
import express from 'express';
import type { Router } from 'express';
import type { AuthService } from '../auth.ts';
import { PipedriveError, sendJson } from '../errors.ts';
import { loadSeed } from '../seed.ts';
import type { PipedriveSeed } from '../seed.ts';
import type { Company } from '../store.ts';

export function pipedriveControlRouter(auth: AuthService, company: () => Company): Router {
  const r = express.Router();
  r.use(express.json({ limit: '50mb' }));
  r.post('/expire-tokens', (_req, res) => {
    sendJson(res, 200, { expired: auth.expireAll() });
  });
  r.post('/seed', (req, res) => {
    try {
      sendJson(res, 200, { loaded: loadSeed(company(), (req.body ?? {}) as PipedriveSeed) });
    } catch (err) {
      if (!(err instanceof PipedriveError)) throw err;
      sendJson(res, 400, { error: err.message });
    }
  });
  return r;
}
