/**
 * HubSpot-specific control routes under `/_sandbox/hubspot/` (the shared ones live in common/control-plane.ts):
 * expiring OAuth tokens and configuring webhook delivery.
 */
import express from 'express';
import type { Router } from 'express';
import { z } from 'zod';
import type { AuthService } from '../auth.ts';
import { SUBSCRIPTION_TYPES } from '../webhooks.ts';
import type { WebhookDispatcher } from '../webhooks.ts';

const subscription = z.string().refine((s) => SUBSCRIPTION_TYPES.includes(s.split(':')[0]!), {
  message: `must be one of ${SUBSCRIPTION_TYPES.join(', ')} (optionally ":<propertyName>" after a propertyChange)`,
});

const WebhookPatch = z.object({
  targetUrl: z.url().nullable().optional(),
  clientSecret: z.string().min(1).optional(),
  subscriptions: z.array(subscription).optional(),
  enabled: z.boolean().optional(),
  batchDelayMs: z.number().int().min(0).optional(),
  maxBatchSize: z.number().int().min(1).max(100).optional(),
  maxAttempts: z.number().int().min(1).max(50).optional(),
  retryBaseMs: z.number().int().min(0).optional(),
  timeoutMs: z.number().int().min(1).optional(),
});

export function hubspotControlRouter(auth: AuthService, webhooks: WebhookDispatcher): Router {
  const r = express.Router();
  r.use(express.json());
  const view = () => ({
    ...webhooks.config,
    subscriptionTypes: SUBSCRIPTION_TYPES,
    pending: webhooks.pending(),
    delivered: webhooks.delivered,
    deadLettered: webhooks.deadLettered,
    deliveries: webhooks.log.slice(-100),
  });
  r.post('/expire-tokens', (_req, res) => {
    res.json({ expired: auth.expireAll() });
  });
  r.get('/webhooks', (_req, res) => {
    res.json(view());
  });
  r.post('/webhooks', (req, res) => {
    const parsed = WebhookPatch.safeParse(req.body ?? {});
    if (!parsed.success) {
      res.status(400).json({ error: z.prettifyError(parsed.error) });
      return;
    }
    const patch = Object.fromEntries(Object.entries(parsed.data).filter(([, v]) => v !== undefined));
    webhooks.configure(patch);
    res.json(view());
  });
  r.post('/webhooks/flush', (_req, res) => {
    webhooks.flush();
    res.json(view());
  });
  /** Turns delivery off and drops queued and retrying batches. */
  r.delete('/webhooks', (_req, res) => {
    webhooks.configure({ enabled: false });
    webhooks.clear();
    res.json(view());
  });
  return r;
}
