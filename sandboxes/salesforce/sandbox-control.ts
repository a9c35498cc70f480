/**
 * Salesforce-specific control routes under `/_sandbox/salesforce/`, next to the shared control plane:
 * expire every token now, add or delete a custom field at run time (as an admin would in Setup), and set the org's clock
 * off ours (`POST /clock {"offsetMs": -300000}`: writes are stamped five minutes behind us).
 */
import express from 'express';
import type { Router } from 'express';
import type { TokenAuthority } from './auth.ts';
import type { BulkQueryJobs, BulkSwitch } from './bulk-query-jobs.ts';
import { describeField } from './describe/render.ts';
import type { CustomFieldSpec } from './describe/metadata.ts';
import type { SalesforceOrg } from './org.ts';

export function salesforceControlRouter(org: SalesforceOrg, auth: TokenAuthority, bulk: BulkQueryJobs): Router {
  const r = express.Router();
  r.use(express.json({ limit: '1mb' }));
  r.post('/expire-tokens', (_req, res) => {
    res.json({ expired: auth.expireAll() });
  });
  r.get('/bulk', (_req, res) => void res.json(bulk.status()));
  r.put('/bulk', (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const patch: Partial<BulkSwitch> = {};
    if (body.enabled !== undefined) {
      if (typeof body.enabled !== 'boolean') return void res.status(400).json({ error: 'enabled must be true or false' });
      patch.enabled = body.enabled;
    }
    if (body.refuseWith !== undefined) {
      if (body.refuseWith !== 403 && body.refuseWith !== 404) return void res.status(400).json({ error: 'refuseWith must be 403 or 404' });
      patch.refuseWith = body.refuseWith;
    }
    if (body.failJobs !== undefined) {
      if (!Number.isInteger(body.failJobs) || (body.failJobs as number) < 0) return void res.status(400).json({ error: 'failJobs must be a whole number ≥ 0' });
      patch.failJobs = body.failJobs as number;
    }
    if (body.holdJobs !== undefined) {
      if (!Number.isInteger(body.holdJobs) || (body.holdJobs as number) < 0) return void res.status(400).json({ error: 'holdJobs must be a whole number ≥ 0' });
      patch.holdJobs = body.holdJobs as number;
    }
    if (body.failMessage !== undefined) {
      if (typeof body.failMessage !== 'string') return void res.status(400).json({ error: 'failMessage must be a string' });
      patch.failMessage = body.failMessage;
    }
    res.json(bulk.update(patch));
  });
  r.post('/clock', (req, res) => {
    const offset = (req.body as { offsetMs?: unknown } | undefined)?.offsetMs;
    if (typeof offset !== 'number' || !Number.isFinite(offset)) return void res.status(400).json({ error: 'offsetMs must be a number of milliseconds' });
    org.clockOffsetMs = offset;
    res.json({ offsetMs: org.clockOffsetMs, now: new Date(org.now()).toISOString() });
  });
  r.post('/fields', (req, res) => {
    try {
      const field = org.meta.addCustomField((req.body ?? {}) as CustomFieldSpec);
      res.status(201).json(describeField(field));
    } catch (err) {
      res.status(400).json({ error: (err as Error).message });
    }
  });
  r.delete('/fields/:object/:name', (req, res) => {
    try {
      const field = org.meta.removeCustomField(req.params.object, req.params.name);
      if (!field) return void res.status(404).json({ error: `no field '${req.params.name}' on '${req.params.object}'` });
      org.store.dropField(org.meta.requireObject(req.params.object).name, field.name);
      res.json(describeField(field));
    } catch (err) {
      res.status(400).json({ error: (err as Error).message });
    }
  });
  r.get('/fields/:object', (req, res) => {
    const obj = org.meta.object(req.params.object);
    if (!obj) return void res.status(404).json({ error: `unknown object '${req.params.object}'` });
    res.json(obj.fields.filter((f) => f.custom).map(describeField));
  });
  return r;
}
