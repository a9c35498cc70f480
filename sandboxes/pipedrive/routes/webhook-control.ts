/**
 * `/_sandbox/pipedrive/webhooks`: how webhook delivery behaves (on/off, retry delays, timeout), its counters,
 * and the last delivery attempts, so tests and the demo can switch the CRM's webhooks off or make retries fast.
 */
import express from 'express';
import type { Router } from 'express';
import { sendJson } from '../errors.ts';
import { renderSubscription } from '../webhooks.ts';
import type { PipedriveWebhooks, WebhookDeliveryConfig } from '../webhooks.ts';

const isDelay = (x: unknown) => typeof x === 'number' && Number.isFinite(x) && x >= 0;

/** The patch, or the message naming what is wrong with it. */
function parsePatch(body: unknown): Partial<WebhookDeliveryConfig> | string {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return 'The body must be a JSON object';
  const b = body as Record<string, unknown>;
  const patch: Partial<WebhookDeliveryConfig> = {};
  if (b.enabled !== undefined) {
    if (typeof b.enabled !== 'boolean') return 'enabled must be a boolean';
    patch.enabled = b.enabled;
  }
  if (b.retryDelaysMs !== undefined) {
    if (!Array.isArray(b.retryDelaysMs) || !b.retryDelaysMs.every(isDelay)) return 'retryDelaysMs must be a list of non-negative numbers';
    patch.retryDelaysMs = b.retryDelaysMs as number[];
  }
  if (b.timeoutMs !== undefined) {
    if (!isDelay(b.timeoutMs) || (b.timeoutMs as number) <= 0) return 'timeoutMs must be a positive number';
    patch.timeoutMs = b.timeoutMs as number;
  }
  return patch;
}

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
    const patch = parsePatch(req.body);
    if (typeof patch === 'string') return sendJson(res, 400, { error: patch });
    webhooks.configure(patch);
    sendJson(res, 200, state());
  });
  r.get('/deliveries', (_req, res) => sendJson(res, 200, webhooks.log));
  return r;
}
