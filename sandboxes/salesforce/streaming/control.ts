/**
 * Change Data Capture wired into the org (events from every committed write), and its control routes under
 * `/_sandbox/salesforce/`: `GET|PUT /streaming`, `POST /streaming/expire`, `POST /streaming/gaps` (the next writes of an
 * object publish gap events), `POST /streaming/overflow` (an overflow event now, or with `count` in place of the next
 * writes of an object), `POST /streaming/selection` (an object in or out of the CDC selection), and `POST /undelete` (restore from
 * the Recycle Bin, which Salesforce offers through SOAP and the UI but not REST).
 */
import express from 'express';
import type { Router } from 'express';
import { SfError } from '../errors.ts';
import { to18 } from '../ids.ts';
import type { SalesforceOrg } from '../org.ts';
import { undeleteRecord } from '../records/writes.ts';
import { BayeuxServer } from './bayeux.ts';
import { ChangeEventLog } from './change-events.ts';

export interface StreamingOptions {
  /** Publish change events (default true); false is like no entity selected for CDC in Setup. */
  enabled: boolean;
  /** How long `/meta/connect` waits for events (default 110,000 ms as Salesforce; keep it short in tests). */
  connectHoldMs: number;
  /** How many of the newest events stay replayable (default 10,000; Salesforce keeps 72 hours). */
  retention: number;
}

export const DEFAULT_STREAMING_OPTIONS: StreamingOptions = { enabled: true, connectHoldMs: 110_000, retention: 10_000 };

export class SalesforceStreaming {
  readonly log: ChangeEventLog;
  readonly bayeux: BayeuxServer;

  constructor(org: SalesforceOrg, isValidToken: (token: string | undefined) => boolean, private readonly initial: StreamingOptions) {
    this.log = new ChangeEventLog({ enabled: initial.enabled, retention: initial.retention }, () => org.now(), () => org.meta.objectNames());
    this.bayeux = new BayeuxServer(this.log, { connectHoldMs: initial.connectHoldMs }, isValidToken);
    org.commitListeners.push((entries, before) => this.log.commit(entries, before, (type, id) => org.store.get(type, id)));
  }

  state(): Record<string, unknown> {
    return {
      enabled: this.log.settings.enabled, ...this.bayeux.stats(), retained: this.log.retainedCount,
      lastReplayId: this.log.lastReplayId, connectHoldMs: this.bayeux.settings.connectHoldMs, retention: this.log.settings.retention, gaps: this.log.pendingGaps(),
      // Only when there are any: the state reads as before for a sandbox that uses neither.
      ...(Object.keys(this.log.pendingOverflows()).length ? { overflows: this.log.pendingOverflows() } : {}),
      ...(this.log.deselectedEntities().length ? { deselected: this.log.deselectedEntities() } : {}),
    };
  }

  /** Back to the start options: no clients, no events, replay ids from 1 again. */
  reset(): void {
    this.bayeux.reset();
    this.log.reset({ enabled: this.initial.enabled, retention: this.initial.retention });
    this.bayeux.settings.connectHoldMs = this.initial.connectHoldMs;
  }

  controlRouter(org: SalesforceOrg): Router {
    const r = express.Router();
    r.use(express.json({ limit: '1mb' }));
    r.get('/streaming', (_req, res) => void res.json(this.state()));
    r.put('/streaming', (req, res) => {
      const body = (req.body ?? {}) as { enabled?: unknown; connectHoldMs?: unknown; retention?: unknown };
      const count = (v: unknown) => typeof v === 'number' && Number.isInteger(v) && v >= 0;
      if (body.enabled !== undefined && typeof body.enabled !== 'boolean') return void res.status(400).json({ error: 'enabled must be a boolean' });
      if (body.connectHoldMs !== undefined && !count(body.connectHoldMs)) return void res.status(400).json({ error: 'connectHoldMs must be a whole number of milliseconds' });
      if (body.retention !== undefined && !count(body.retention)) return void res.status(400).json({ error: 'retention must be a whole number of events' });
      if (typeof body.enabled === 'boolean') this.log.settings.enabled = body.enabled;
      if (typeof body.connectHoldMs === 'number') this.bayeux.settings.connectHoldMs = body.connectHoldMs;
      if (typeof body.retention === 'number') this.log.setRetention(body.retention);
      res.json(this.state());
    });
    r.post('/streaming/expire', (_req, res) => void res.json({ expired: this.log.expire() }));
    r.post('/streaming/gaps', (req, res) => {
      const body = (req.body ?? {}) as { object?: unknown; count?: unknown };
      const entity = typeof body.object === 'string' ? this.log.entity(body.object) : undefined;
      if (!entity) return void res.status(400).json({ error: `object must name an object that publishes change events (Account, Contact, Lead, Opportunity or a custom object); got ${JSON.stringify(body.object ?? null)}` });
      if (typeof body.count !== 'number' || !Number.isInteger(body.count) || body.count < 0) return void res.status(400).json({ error: 'count must be a whole number of record changes ≥ 0' });
      this.log.setGaps(entity, body.count);
      res.json({ object: entity, gaps: body.count });
    });
    r.post('/streaming/overflow', (req, res) => {
      const { object, count } = (req.body ?? {}) as { object?: unknown; count?: unknown };
      const entity = typeof object === 'string' ? this.log.entity(object) : undefined;
      if (!entity) return void res.status(400).json({ error: `object must name an object that publishes change events (Account, Contact, Lead, Opportunity or a custom object); got ${JSON.stringify(object ?? null)}` });
      if (count !== undefined) {
        // The next `count` record changes of the object are told of by an overflow event of their transaction only.
        if (typeof count !== 'number' || !Number.isInteger(count) || count < 0) return void res.status(400).json({ error: 'count must be a whole number of record changes ≥ 0' });
        this.log.setOverflow(entity, count);
        return void res.json({ object: entity, overflow: count });
      }
      const event = this.log.overflow(entity);
      if (!event) return void res.status(409).json({ error: 'change events are switched off (PUT /_sandbox/salesforce/streaming {"enabled": true})' });
      res.json({ object: entity, replayId: event.replayId, channel: event.channel });
    });
    r.post('/streaming/selection', (req, res) => {
      const { object, selected } = (req.body ?? {}) as { object?: unknown; selected?: unknown };
      const entity = typeof object === 'string' ? this.log.entity(object) : undefined;
      if (!entity) return void res.status(400).json({ error: `object must name an object that publishes change events (Account, Contact, Lead, Opportunity or a custom object); got ${JSON.stringify(object ?? null)}` });
      if (typeof selected !== 'boolean') return void res.status(400).json({ error: 'selected must be a boolean' });
      this.log.select(entity, selected);
      res.json({ object: entity, selected });
    });
    r.post('/undelete', (req, res) => {
      const ids = (req.body as { ids?: unknown } | undefined)?.ids;
      if (!Array.isArray(ids) || !ids.every((id) => typeof id === 'string')) return void res.status(400).json({ error: 'ids must be an array of record ids' });
      const results = ids.map((id: string) => {
        try {
          const found = org.store.find(to18(id) ?? id);
          if (!found) throw new SfError(404, 'INVALID_CROSS_REFERENCE_KEY', 'invalid cross reference id');
          const obj = org.meta.requireObject(found.type);
          return { id: undeleteRecord(org, obj, id, { method: 'POST', route: 'POST /_sandbox/salesforce/undelete' }), success: true, errors: [] };
        } catch (err) {
          const e = err instanceof SfError ? err : new SfError(400, 'UNKNOWN_EXCEPTION', (err as Error).message);
          return { id, success: false, errors: [{ statusCode: e.errorCode, message: e.message, fields: [] }] };
        }
      });
      res.json(results);
    });
    return r;
  }
}
