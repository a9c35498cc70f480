/**
 * `GET /api/v1/recents`: every record of the asked item types changed at or after `since_timestamp` (UTC,
 * `YYYY-MM-DD HH:MM:SS`), oldest first, ties by item type then id, deleted ones with `active_flag: false`. The
 * only place a connector learns about deletions, since v2 lists never show deleted records.
 */
import express from 'express';
import type { Router } from 'express';
import { badRequest, sendData } from '../errors.ts';
import { OBJECT_NAMES, OBJECTS, objectBySingular } from '../objects.ts';
import type { ObjectName } from '../objects.ts';
import type { StoredRecord } from '../store.ts';
import { parseV1, toV1 } from '../time.ts';
import { stringQuery, v1Page } from './context.ts';
import type { RouteContext } from './context.ts';

/** The v1 summary of a changed record. */
function v1Data(record: StoredRecord): Record<string, unknown> {
  const f = record.fields;
  const common = { id: record.id, active_flag: !record.deleted, owner_id: f.owner_id, add_time: toV1(record.addTime), update_time: toV1(record.updateTime) };
  switch (record.object) {
    case 'persons':
      return { ...common, name: f.name, first_name: f.first_name, last_name: f.last_name, org_id: f.org_id };
    case 'organizations':
      return { ...common, name: f.name };
    case 'deals':
      // v1 deals say `status: "deleted"` once deleted (reference §4).
      return { ...common, title: f.title, status: record.deleted ? 'deleted' : f.status, person_id: f.person_id, org_id: f.org_id };
  }
}

export function recentsRouter(ctx: RouteContext): Router {
  const r = express.Router();
  r.get('/api/v1/recents', (req, res) => {
    const sinceText = stringQuery(req, 'since_timestamp');
    const since = sinceText === undefined ? undefined : parseV1(sinceText);
    if (since === undefined) throw badRequest('since_timestamp is required, as YYYY-MM-DD HH:MM:SS (UTC)');
    const itemsText = stringQuery(req, 'items');
    let objects: ObjectName[] = [...OBJECT_NAMES];
    if (itemsText) {
      const names = itemsText.split(',').map((s) => s.trim()).filter(Boolean);
      const resolved = names.map(objectBySingular);
      if (resolved.some((o) => !o)) throw badRequest(`Invalid value for items: ${itemsText} (person, organization, deal are supported)`);
      objects = OBJECT_NAMES.filter((o) => resolved.includes(o));
    }
    const company = ctx.company();
    const order = (o: ObjectName) => OBJECT_NAMES.indexOf(o);
    const changed = objects
      .flatMap((o) => company.records.all(o))
      .filter((x) => x.updateTime >= since)
      .sort((a, b) => a.updateTime - b.updateTime || order(a.object) - order(b.object) || a.id - b.id);
    const { page, pagination } = v1Page(req, changed);
    const last = page.at(-1);
    sendData(res, page.map((x) => ({ item: OBJECTS[x.object].singular, id: x.id, data: v1Data(x) })), {
      since_timestamp: sinceText,
      last_timestamp_on_page: last ? toV1(last.updateTime) : null,
      pagination,
    });
  });
  return r;
}
