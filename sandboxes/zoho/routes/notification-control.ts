/**
 * `/_sandbox/zoho/notifications`: how notification delivery behaves (paused or not, retry delays, timeout), its
 * counters and live channels, the log of delivery attempts, and `pause`/`resume`, so tests can switch Zoho's push
 * off (the connector then has to poll) or make retries fast.
 */
import express from 'express';
import type { Router } from 'express';
import type { DeliveryConfig } from '../../common/webhook-delivery.ts';
import { sendJson } from '../errors.ts';
import type { ZohoNotifications } from '../notifications.ts';
import { renderChannel } from '../watch-channels.ts';
import type { Org } from '../store.ts';

const isDelay = (x: unknown) => typeof x === 'number' && Number.isFinite(x) && x >= 0;

/** The patch, or the message naming what is wrong with it. */
function parsePatch(body: unknown): Partial<DeliveryConfig> | string {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return 'The body must be a JSON object';
  const b = body as Record<string, unknown>;
  const patch: Partial<DeliveryConfig> = {};
  if (b.paused !== undefined) {
    if (typeof b.paused !== 'boolean') return 'paused must be a boolean';
    patch.enabled = !b.paused;
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

export function notificationControlRouter(notifications: ZohoNotifications, org: () => Org): Router {
  const r = express.Router();
  r.use(express.json({ limit: '1mb' }));
  const state = () => {
    const { enabled, retryDelaysMs, timeoutMs } = notifications.delivery.config;
    const d = notifications.delivery;
    return {
      paused: !enabled, retryDelaysMs, timeoutMs, pending: d.pending(), delivered: d.delivered, deadLettered: d.deadLettered,
      channels: notifications.list().map((c) => renderChannel(org(), notifications.apiUrl, c)),
    };
  };
  r.get('/', (_req, res) => sendJson(res, 200, state()));
  r.put('/', (req, res) => {
    const patch = parsePatch(req.body);
    if (typeof patch === 'string') return sendJson(res, 400, { error: patch });
    notifications.delivery.configure(patch);
    sendJson(res, 200, state());
  });
  r.post('/pause', (_req, res) => {
    notifications.setPaused(true);
    sendJson(res, 200, state());
  });
  r.post('/resume', (_req, res) => {
    notifications.setPaused(false);
    sendJson(res, 200, state());
  });
  r.get('/deliveries', (_req, res) => sendJson(res, 200, { deliveries: notifications.delivery.log }));
  return r;
}
