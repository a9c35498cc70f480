/**
 * `POST /webhooks/:connectorId` on the gateway: the raw bytes go to the receiver (signatures are computed over
 * them, not over re-serialised JSON), which verifies, parses and stores the events before we answer 200. The URL
 * the CRM signed is rebuilt from the request (or `publicBaseUrl` when a proxy sits in front). A connector an admin
 * disabled takes no deliveries: 503 with Retry-After rather than 404, so the CRM keeps the events and delivers them
 * again (HubSpot retries 5xx for a day) instead of dropping them as sent to a wrong address.
 */
import express from 'express';
import type { Database } from '../db/open-database.ts';
import type { Logger } from '../lib/logger.ts';
import { receiveWebhook } from '../sync/webhook-receiver.ts';
import type { WebhookTarget } from '../sync/webhook-receiver.ts';

export interface WebhookMountOptions {
  db: Database;
  /** The connector behind a webhook path segment (our connector id), or undefined. */
  target(connectorId: string): WebhookTarget | undefined;
  /** Called after events were stored (wakes the inbox worker). */
  onStored?: (connectorId: string, stored: number) => void;
  /** Called for every delivery answered (metrics); `connectorId` is 'unknown' when no connector serves the path. */
  onAnswered?: (connectorId: string, status: number, body: { received?: number; stored?: number }) => void;
  /** Why connector `connectorId`, which serves no webhooks now, was disabled; null when no such connector is disabled. */
  disabledReason?: (connectorId: string) => Promise<string | null>;
  /** The externally visible base URL the CRM posts to, when it differs from what the request says. */
  publicBaseUrl?: string | undefined;
  logger: Logger;
}

/** Seconds a CRM is asked to wait before delivering again to a disabled connector. */
const DISABLED_RETRY_AFTER_S = 300;

export function mountWebhooks(app: express.Express, opts: WebhookMountOptions): void {
  app.post('/webhooks/:connectorId', express.raw({ type: () => true, limit: '5mb' }), async (req, res) => {
    const connectorId = String(req.params.connectorId);
    const rawBody: Buffer = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const url = `${opts.publicBaseUrl ?? `${req.protocol}://${req.get('host')}`}${req.originalUrl}`;
    const target = opts.target(connectorId);
    const known = target ? connectorId : 'unknown';
    try {
      const disabled = target ? null : ((await opts.disabledReason?.(connectorId)) ?? null);
      if (disabled !== null) {
        res.status(503).set('retry-after', String(DISABLED_RETRY_AFTER_S)).json({
          error: `connector ${connectorId} is disabled (${disabled}): nothing was stored; deliver again later. Enable it on the Connectors page; polling then catches up on what changed meanwhile.`,
          code: 'CONNECTOR_DISABLED',
        });
        opts.onAnswered?.(connectorId, 503, {});
        return;
      }
      const outcome = await receiveWebhook(opts.db, target, { method: req.method, url, headers: req.headers, rawBody });
      if (outcome.status !== 200) opts.logger.warn({ connector: connectorId, status: outcome.status, error: outcome.body.error }, 'webhook refused');
      res.status(outcome.status).json(outcome.body);
      opts.onAnswered?.(known, outcome.status, outcome.body);
      if (outcome.status === 200 && outcome.body.stored) opts.onStored?.(connectorId, outcome.body.stored);
    } catch (err) {
      // Not stored: 5xx makes the CRM deliver again.
      opts.logger.error({ err, connector: connectorId }, 'storing a webhook delivery failed');
      res.status(503).json({ error: 'could not store the events; deliver again' });
      opts.onAnswered?.(known, 503, {});
    }
  });
}
