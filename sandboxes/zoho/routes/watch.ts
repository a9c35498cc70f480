/**
 * `/crm/v8/actions/watch`: subscribe (POST), list (GET, 204 when no live channel), update (PATCH) and unsubscribe
 * (DELETE `?channel_ids=a,b`) Notifications API channels; see ../notifications.ts. Matched before `/{Module}`.
 */
import express from 'express';
import type { Router } from 'express';
import { sendJson, sendNoContent } from '../errors.ts';
import type { WatchAnswer, ZohoNotifications } from '../notifications.ts';

export function watchRouter(notifications: ZohoNotifications): Router {
  const r = express.Router();
  const send = (res: express.Response, a: WatchAnswer) => sendJson(res, a.status, a.body);
  r.post('/crm/v8/actions/watch', (req, res) => send(res, notifications.subscribe(req.body)));
  r.patch('/crm/v8/actions/watch', (req, res) => send(res, notifications.patch(req.body)));
  r.get('/crm/v8/actions/watch', (_req, res) => {
    const body = notifications.renderList();
    if (body === null) sendNoContent(res);
    else sendJson(res, 200, body);
  });
  r.delete('/crm/v8/actions/watch', (req, res) => {
    const ids = typeof req.query.channel_ids === 'string' ? req.query.channel_ids.split(',').map((s) => s.trim()).filter(Boolean) : [];
    send(res, notifications.unsubscribe(ids));
  });
  return r;
}
