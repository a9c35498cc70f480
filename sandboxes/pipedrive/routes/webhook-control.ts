/**
 * `/_sandbox/pipedrive/webhooks`: how webhook delivery behaves (on/off, retry delays, timeout), its counters,
 * and the last delivery attempts, so tests and the demo can switch the CRM's webhooks off or make retries fast.
 */
import express from 'express';
import type { Router } from 'express';
import { parseDeliveryPatch } from '../../common/webhook-delivery.ts';
import { sendJson } from '../errors.ts';
import { renderSubscription } from '../webhooks.ts';
import type { PipedriveWebhooks } from '../webhooks.ts';

export function webhookControlRouter(webhooks: PipedriveWebhooks): Router {
  const r = express.Router();
  r.use(express.json({ limit: '1mb' }));
  const state = () => ({
    ...webhooks.config,
    pending: webhooks.pending(),
    delivered: webhooks.delivered,
    deadLettered: webhooks.deadLettered,
    subscriptions: webhooks.list().map(renderSubscription),
  });

  r.get('/', (_req, res) => sendJson(res, 200, state()));
  r.put('/', (req, res) => {
    const patch = parseDeliveryPatch(req.body, 'enabled');
    if (typeof patch === 'string') return sendJson(res, 400, { error: patch });
    webhooks.configure(patch);
    sendJson(res, 200, state());
  });
  r.get('/deliveries', (_req, res) => sendJson(res, 200, webhooks.log));
  return r;
}
