/**
 * `GET /api/v2/{obj}/search`: `term` in the standard fields (persons name|email|phone, organizations name,
 * deals title) and text-like custom fields. `exact_match=true` compares whole values case-insensitively;
 * otherwise a value containing the term matches. Deleted records never match. Paged with an offset cursor.
 */
import express from 'express';
import type { Router } from 'express';
import { badRequest, sendData } from '../errors.ts';
import { OBJECTS } from '../objects.ts';
import type { ObjectName } from '../objects.ts';
import type { Company, StoredRecord } from '../store.ts';
import { intQuery, objectParam, stringQuery } from './context.ts';
import type { RouteContext } from './context.ts';

/** Standard search field → the stored values it looks at. */
function standardValues(record: StoredRecord, field: string): unknown[] {
  if (field === 'email') return ((record.fields.emails ?? []) as { value: string }[]).map((e) => e.value);
  if (field === 'phone') return ((record.fields.phones ?? []) as { value: string }[]).map((e) => e.value);
  return [record.fields[field]];
}

function searchable(company: Company, object: ObjectName, record: StoredRecord, fields: string[]): string[] {
  const values: unknown[] = [];
  for (const field of fields) {
    if (field === 'custom_fields') {
      for (const f of company.fields.custom(object)) if (!['enum', 'set'].includes(f.field_type)) values.push(record.custom[f.key]);
    } else {
      values.push(...standardValues(record, field));
    }
  }
  return values.filter((v) => typeof v === 'string' || typeof v === 'number').map((v) => String(v).toLowerCase());
}

/** The `item` of a search hit: the summary Pipedrive returns, not the full record. */
function summary(record: StoredRecord): Record<string, unknown> {
  const f = record.fields;
  const base = { id: record.id, type: OBJECTS[record.object].singular, owner: { id: f.owner_id } };
  switch (record.object) {
    case 'persons':
      return {
        ...base, name: f.name, emails: (f.emails as { value: string }[]).map((e) => e.value),
        phones: (f.phones as { value: string }[]).map((e) => e.value), organization: f.org_id ? { id: f.org_id } : null, visible_to: f.visible_to,
      };
    case 'organizations':
      return { ...base, name: f.name, address: (f.address as { value?: string } | null)?.value ?? null, visible_to: f.visible_to };
    case 'deals':
      return { ...base, title: f.title, value: f.value, currency: f.currency, status: f.status, stage: { id: f.stage_id } };
  }
}

export function searchRouter(ctx: RouteContext): Router {
  const r = express.Router();
  r.get('/api/v2/:obj/search', (req, res) => {
    const object = objectParam(req.params.obj);
    const company = ctx.company();
    const exact = stringQuery(req, 'exact_match') === 'true';
    const term = (stringQuery(req, 'term') ?? '').trim().toLowerCase();
    if (term.length < (exact ? 1 : 2)) throw badRequest('Search term must be at least 2 characters long (1 with exact_match)');
    const allowed = [...OBJECTS[object].searchFields, 'custom_fields'];
    const fields = (stringQuery(req, 'fields') ?? allowed.join(',')).split(',').map((s) => s.trim()).filter(Boolean);
    const wrong = fields.filter((f) => !allowed.includes(f));
    if (wrong.length) throw badRequest(`Invalid value for fields: ${wrong.join(', ')} (allowed: ${allowed.join(', ')})`);
    const limit = intQuery(req, 'limit', 100, 1, 500);
    const rawCursor = stringQuery(req, 'cursor');
    const start = rawCursor ? Number(Buffer.from(rawCursor, 'base64url').toString('utf8').replace(/^offset:/, '')) : 0;
    if (!Number.isSafeInteger(start) || start < 0) throw badRequest('Invalid cursor');

    const hits = company.records.all(object).filter((x) => !x.deleted).flatMap((record) => {
      const values = searchable(company, object, record, fields);
      if (values.includes(term)) return [{ result_score: 1, item: summary(record) }];
      if (!exact && values.some((v) => v.includes(term))) return [{ result_score: 0.5, item: summary(record) }];
      return [];
    });
    const page = hits.slice(start, start + limit);
    const next = start + limit < hits.length ? Buffer.from(`offset:${start + limit}`).toString('base64url') : null;
    sendData(res, { items: page }, { next_cursor: next });
  });
  return r;
}
