/**
 * `/_sandbox/dynamics/webhooks`: how webhook delivery behaves (on/off, retry delays, timeout), its counters, the
 * registered service endpoints and steps, and the log of delivery attempts, so tests can switch Dataverse's push
 * off (the connector then has to poll change tracking) or make retries fast.
 */
import express from 'express';
import type { Router } from 'express';
import { parseDeliveryPatch } from '../../common/webhook-delivery.ts';
import type { DataverseWebhooks } from '../webhook-deliveries.ts';

export function webhookControlRouter(webhooks: DataverseWebhooks): Router {
  const r = express.Router();
  r.use(express.json({ limit: '1mb' }));
  const state = () => {
    const d = webhooks.delivery;
    const { enabled, retryDelaysMs, timeoutMs } = d.config;
    return {
      enabled, retryDelaysMs, timeoutMs, pending: webhooks.pending(), delivered: d.delivered, deadLettered: d.deadLettered,
      serviceEndpoints: [...webhooks.registrations.endpoints.values()].map((e) => ({ serviceendpointid: e.serviceendpointid, name: e.name, url: e.url })),
      steps: [...webhooks.registrations.steps.values()].map((s) => ({
        sdkmessageprocessingstepid: s.sdkmessageprocessingstepid, name: s.name, _eventhandler_value: s._eventhandler_value,
      })),
    };
  };
  r.get('/', (_req, res) => {
    res.json(state());
  });
  r.put('/', (req, res) => {
    const patch = parseDeliveryPatch(req.body, 'enabled');
    if (typeof patch === 'string') return void res.status(400).json({ error: patch });
    webhooks.delivery.configure(patch);
    res.json(state());
  });
  r.get('/deliveries', (_req, res) => {
    res.json({ deliveries: webhooks.delivery.log });
  });
  return r;
}
