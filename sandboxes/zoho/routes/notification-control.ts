/**
 * `/_sandbox/zoho/notifications`: how notification delivery behaves (paused or not, retry delays, timeout), its
 * counters and live channels, the log of delivery attempts, and `pause`/`resume`, so tests can switch Zoho's push
 * off (the connector then has to poll) or make retries fast.
 */
import express from 'express';
import type { Router } from 'express';
import { parseDeliveryPatch } from '../../common/webhook-delivery.ts';
import { sendJson } from '../errors.ts';
import type { ZohoNotifications } from '../notifications.ts';
import { renderChannel } from '../watch-channels.ts';
import type { Org } from '../store.ts';

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
    const patch = parseDeliveryPatch(req.body, 'paused');
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
