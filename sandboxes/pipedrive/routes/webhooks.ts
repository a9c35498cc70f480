/**
 * `/api/v1/webhooks`: create, list and delete general webhook subscriptions (Pipedrive's v1 Webhooks API; the
 * events themselves are v2). Answers carry `status: 'ok'` besides `success`, as Pipedrive's do.
 */
import express from 'express';
import type { Router } from 'express';
import { badRequest, PipedriveError, sendJson } from '../errors.ts';
import { renderSubscription, WEBHOOK_ACTIONS, WEBHOOK_OBJECTS } from '../webhooks.ts';
import type { NewSubscription, PipedriveWebhooks, WebhookAction, WebhookObject } from '../webhooks.ts';
import { bodyObject, idParam } from './context.ts';

const webhookNotFound = () => new PipedriveError(404, 'Webhook not found');

function optionalString(body: Record<string, unknown>, key: string): string | null {
  const v = body[key];
  if (v === undefined || v === null) return null;
  if (typeof v !== 'string') throw badRequest(`Invalid value for ${key}: a string is expected`);
  return v;
}

/** Checks a create body; every refusal is a 400 naming the field. */
export function parseSubscription(body: Record<string, unknown>): NewSubscription {
  const url = body.subscription_url;
  if (url === undefined || url === null || url === '') throw badRequest('subscription_url is required');
  let parsed: URL | undefined;
  try {
    parsed = typeof url === 'string' ? new URL(url) : undefined;
  } catch {
    parsed = undefined;
  }
  if (!parsed || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')) {
    throw badRequest('Invalid value for subscription_url: an http or https URL is expected');
  }
  const action = body.event_action;
  if (action === undefined || action === null || action === '') throw badRequest('event_action is required');
  if (!(WEBHOOK_ACTIONS as readonly unknown[]).includes(action)) {
    throw badRequest(`Invalid value for event_action: expected one of ${WEBHOOK_ACTIONS.join(', ')}`);
  }
  const object = body.event_object;
  if (object === undefined || object === null || object === '') throw badRequest('event_object is required');
  if (!(WEBHOOK_OBJECTS as readonly unknown[]).includes(object)) {
    throw badRequest(`Invalid value for event_object: expected one of ${WEBHOOK_OBJECTS.join(', ')}`);
  }
  const version = body.version;
  if (version === '1.0' || version === 1) throw badRequest('Webhooks v1 are not supported: this sandbox delivers webhooks v2 only (version "2.0")');
  if (version !== undefined && version !== null && version !== '2.0' && version !== 2) {
    throw badRequest('Invalid value for version: this sandbox delivers webhooks v2 only (version "2.0")');
  }
  const userId = body.user_id;
  if (userId !== undefined && userId !== null && !(Number.isSafeInteger(userId) && (userId as number) > 0)) {
    throw badRequest('Invalid value for user_id: a positive integer is expected');
  }
  return {
    subscriptionUrl: url as string,
    eventAction: action as WebhookAction,
    eventObject: object as WebhookObject,
    httpAuthUser: optionalString(body, 'http_auth_user'),
    httpAuthPassword: optionalString(body, 'http_auth_password'),
    name: optionalString(body, 'name'),
    ...(typeof userId === 'number' ? { userId } : {}),
  };
}

export function webhooksRouter(webhooks: PipedriveWebhooks): Router {
  const r = express.Router();

  r.post('/api/v1/webhooks', (req, res) => {
    const sub = webhooks.add(parseSubscription(bodyObject(req)));
    sendJson(res, 201, { success: true, status: 'ok', data: renderSubscription(sub) });
  });

  r.get('/api/v1/webhooks', (_req, res) => {
    sendJson(res, 200, { success: true, status: 'ok', data: webhooks.list().map(renderSubscription) });
  });

  r.delete('/api/v1/webhooks/:id', (req, res) => {
    if (!webhooks.remove(idParam(req.params.id, webhookNotFound))) throw webhookNotFound();
    sendJson(res, 200, { success: true, status: 'ok' });
  });

  return r;
}
