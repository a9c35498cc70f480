/**
 * Writes through `$batch` (batch.ts): up to 100 items in ONE request, one result per item in input order.
 *  - create: `POST /contacts` → 204 + `OData-EntityId` naming the new guid;
 *  - update: `PATCH /contacts(<guid>)` with `If-Match: *`, so a missing row is a 404 (CRM_NOT_FOUND), never
 *    silently created with that id (a bare PATCH upserts);
 *  - delete: `DELETE /contacts(<guid>)`; a row already gone counts as done (a replayed delete, or one someone
 *    removed meanwhile, leaves the state the caller asked for);
 *  - upsert: `PATCH /contacts(<externalIdField>='value')` by alternate key (`cg_externalid` on every table), with
 *    `Prefer: return=representation` so 201 (created) and 200 (updated) tell the two apart.
 * Under `Prefer: odata.continue-on-error` every part runs, so a failing item fails alone; `allOrNone` sends one
 * changeset instead, which Dataverse commits whole or not at all. An item that cannot even be mapped (a label no
 * option has, a lookup value that is no guid) fails before anything is sent, and alone. Opportunities' synthetic
 * `stage_name` is translated by stage-writes.ts: an item may then send a close action after its own write, both in one
 * changeset, or nothing at all (already in that state).
 */
import { ConnectorError, asConnectorError } from '../contract/index.ts';
import type { CreateItem, Lane, UpdateItem, UpsertItem, UpsertOptions, WriteOptions, WriteResult } from '../contract/index.ts';
import { writeInChunks } from '../runtime/index.ts';
import type { DynamicsApi } from './client.ts';
import { DYNAMICS } from './client.ts';
import type { AttributeMap } from './attributes.ts';
import type { BatchAnswer, BatchOperation } from './batch.ts';
import { sendBatch } from './batch.ts';
import type { DynamicsCatalog } from './describe.ts';
import { classifyAnswer } from './errors.ts';
import { isGuid, toDataverseBody } from './records.ts';
import { closeOperation, currentStates, namesStage, planStage } from './stage-writes.ts';
import type { StateLookup } from './stage-writes.ts';

/** Items per `$batch` request (Dataverse takes up to 1000 operations; 100 keeps one request well inside its 2-minute execution limit). */
export const MAX_WRITE_ITEMS = 100;

interface WriteContext {
  api: DynamicsApi;
  catalog: DynamicsCatalog;
  objectType: string;
  lane: Lane;
  signal?: AbortSignal;
  atomic: boolean;
}

/**
 * An item prepared for the batch (its operations: one, or its write and a close action), its failure before
 * sending, or its result without sending anything.
 */
type Prepared = { ops: BatchOperation[]; id?: string } | { error: ConnectorError; id?: string } | { result: WriteResult };

/** Which record an item writes, for the state read of stage_name writes (stage-writes.ts). */
interface StageKey {
  fields?: Record<string, unknown>;
  key?: string;
}

function context(api: DynamicsApi, catalog: DynamicsCatalog, objectType: string, options: WriteOptions): WriteContext {
  return { api, catalog, objectType, lane: options.lane ?? 'writeback', ...(options.signal ? { signal: options.signal } : {}), atomic: options.allOrNone === true };
}

async function body(ctx: WriteContext, map: AttributeMap, fields: Record<string, unknown>): Promise<Record<string, unknown>> {
  const call = { lane: ctx.lane, ...(ctx.signal ? { signal: ctx.signal } : {}) };
  return toDataverseBody(fields ?? {}, map, (logical) => ctx.catalog.setNameOf(logical, call));
}

/** The guid an answer names: a representation's key, else the `OData-EntityId` header. */
function idOf(answer: BatchAnswer, primaryId: string): string | undefined {
  const fromBody = (answer.body as Record<string, unknown> | null)?.[primaryId];
  if (typeof fromBody === 'string' && fromBody !== '') return fromBody;
  const entityId = answer.headers['odata-entityid'] ?? answer.headers.location;
  return entityId ? /\(([0-9a-fA-F-]{36})\)\s*$/.exec(entityId)?.[1] : undefined;
}

/**
 * Prepares every item, sends the prepared ones as one batch per 100, and turns each answer into the item's result.
 * `done` reads a 2xx answer; `failed` may accept an error answer as a success (a delete of a gone row).
 */
async function writeAll<T>(
  ctx: WriteContext, items: readonly T[], prepare: (item: T, map: AttributeMap, states: StateLookup) => Promise<Prepared>,
  done: (answer: BatchAnswer, map: AttributeMap, prepared: { id?: string }) => WriteResult,
  failed: (error: ConnectorError, prepared: { id?: string }) => WriteResult = (error, p) => ({ ok: false, error, ...(p.id ? { id: p.id } : {}) }),
  stageKeys?: { of: (item: T) => StageKey; field: (map: AttributeMap) => string },
): Promise<WriteResult[]> {
  if (items.length === 0) return [];
  let map: AttributeMap;
  try {
    map = await ctx.catalog.attributes(ctx.objectType, { lane: ctx.lane, ...(ctx.signal ? { signal: ctx.signal } : {}) });
  } catch (err) {
    // No metadata, no write (CRM down, credentials refused): every item fails with why, none is lost silently.
    const error = asConnectorError(DYNAMICS, err);
    return items.map(() => ({ ok: false, error }));
  }
  const none: StateLookup = () => undefined;
  return writeInChunks(DYNAMICS, items, MAX_WRITE_ITEMS, async (part) => {
    // The current state of records whose stage_name is written (one read per chunk; none when no item names it).
    const states = stageKeys ? await currentStates(ctx.api, map, part.map(stageKeys.of), stageKeys.field(map), ctx.lane, ctx.signal) : none;
    const prepared: Prepared[] = await Promise.all(part.map(async (item) => {
      try {
        return await prepare(item, map, states);
      } catch (err) {
        return { error: asConnectorError(DYNAMICS, err) };
      }
    }));
    const unsent = prepared.find((p): p is Extract<Prepared, { error: ConnectorError }> => 'error' in p);
    if (ctx.atomic && unsent) {
      // All or none: one item that cannot be written stops the whole batch before it is sent.
      const skipped = new ConnectorError('CRM_VALIDATION', DYNAMICS, 'not written: another item of an all-or-none batch is invalid', { details: { reason: unsent.error.message } });
      return prepared.map((p) => ('result' in p ? p.result : failed('error' in p ? p.error : skipped, p)));
    }
    const sendable = prepared.filter((p): p is Extract<Prepared, { ops: BatchOperation[] }> => 'ops' in p);
    const groups = sendable.length ? await sendBatch(ctx.api, ctx.lane, sendable.map((p) => p.ops), ctx.atomic, ctx.signal) : [];
    const sentOps = sendable.reduce((n, p) => n + p.ops.length, 0);
    // Atomic: one changeset of every operation; answered op by op, or by its one error.
    let answers: (BatchAnswer[] | undefined)[] = groups;
    if (ctx.atomic) {
      const flat = groups.flat();
      if (flat.length === 1 && sentOps > 1 && flat[0]!.status >= 400) {
        // A failed changeset answers with its one error: every item of it failed (none was committed).
        const error = classifyAnswer(DYNAMICS, flat[0]!.status, flat[0]!.headers, flat[0]!.body, flat[0]!.text);
        return prepared.map((p) => ('result' in p ? p.result : failed(error, p)));
      }
      let at = 0;
      answers = sendable.map((p) => flat.slice(at, (at += p.ops.length)));
    }
    let next = 0;
    return prepared.map((p) => {
      if ('result' in p) return p.result;
      if ('error' in p) return failed(p.error, p);
      const group = answers[next++];
      const refused = group?.find((a) => a.status < 200 || a.status >= 300);
      if (refused) return failed(classifyAnswer(DYNAMICS, refused.status, refused.headers, refused.body, refused.text), p);
      if (!group || group.length < p.ops.length) return failed(new ConnectorError('CRM_UNAVAILABLE', DYNAMICS, 'the $batch answer has no part for this item (not processed)'), p);
      return done(group[0]!, map, p);
    });
  });
}

export async function createMany(api: DynamicsApi, catalog: DynamicsCatalog, objectType: string, items: readonly CreateItem[], options: WriteOptions = {}): Promise<WriteResult[]> {
  const ctx = context(api, catalog, objectType, options);
  return writeAll(ctx, items,
    async (item, map) => {
      const plan = planStage(item.fields ?? {}, map, () => undefined, true);
      const create: BatchOperation = { method: 'POST', url: api.absolute(objectType), body: await body(ctx, map, plan ? plan.fields : item.fields) };
      if (!plan) return { ops: [create] };
      create.body = { ...(create.body as Record<string, unknown>), ...plan.extra };
      // Won or Lost: created open, then closed through the action naming the row its changeset created.
      return { ops: plan.close ? [create, closeOperation(api, plan.close, undefined)] : [create] };
    },
    (answer, map) => {
      const id = idOf(answer, map.entity.primaryId);
      if (!id) return { ok: false, error: new ConnectorError('CRM_UNAVAILABLE', DYNAMICS, 'answered a create without the new record id') };
      return { ok: true, id: id.toLowerCase(), created: true };
    });
}

export async function updateMany(api: DynamicsApi, catalog: DynamicsCatalog, objectType: string, items: readonly UpdateItem[], options: WriteOptions = {}): Promise<WriteResult[]> {
  const ctx = context(api, catalog, objectType, options);
  return writeAll(ctx, items,
    async (item, map, states) => {
      const id = String(item.id);
      if (!isGuid(id)) return { id, error: new ConnectorError('CRM_NOT_FOUND', DYNAMICS, `no ${objectType} record ${id}`, { details: { id } }) };
      const url = api.absolute(`${objectType}(${id})`);
      let plan;
      try {
        plan = planStage(item.fields ?? {}, map, () => states(id), false);
      } catch (err) {
        return { id, error: asConnectorError(DYNAMICS, err) };
      }
      if (!plan) return { id, ops: [{ method: 'PATCH', url, headers: { 'If-Match': '*' }, body: await body(ctx, map, item.fields) }] };
      const ops: BatchOperation[] = [];
      if (plan.write) ops.push({ method: 'PATCH', url, headers: { 'If-Match': '*' }, body: { ...(await body(ctx, map, plan.fields)), ...plan.extra } });
      if (plan.close) ops.push(closeOperation(api, plan.close, `/${map.entity.entitySetName}(${id})`));
      // Already won (lost) and asked for that alone: nothing to send.
      return ops.length ? { id, ops } : { result: { ok: true, id } };
    },
    (_answer, _map, p) => ({ ok: true, id: p.id! }),
    undefined,
    { of: (item) => ({ fields: item.fields, key: isGuid(String(item.id)) ? String(item.id) : undefined }), field: (map) => map.entity.primaryId });
}

export async function deleteMany(api: DynamicsApi, catalog: DynamicsCatalog, objectType: string, ids: readonly string[], options: WriteOptions = {}): Promise<WriteResult[]> {
  const ctx = context(api, catalog, objectType, options);
  return writeAll(ctx, ids.map(String),
    async (id) => (isGuid(id) ? { id, ops: [{ method: 'DELETE', url: api.absolute(`${objectType}(${id})`) }] } : { id, error: gone(id) }),
    (_answer, _map, p) => ({ ok: true, id: p.id! }),
    (error, p) => (error.code === 'CRM_NOT_FOUND' ? { ok: true, id: p.id! } : { ok: false, error, ...(p.id ? { id: p.id } : {}) }));
}

/** A delete of an id no row can have: already done. */
function gone(id: string): ConnectorError {
  return new ConnectorError('CRM_NOT_FOUND', DYNAMICS, `no record ${id}`, { details: { id } });
}

/**
 * Upsert by alternate key: Dataverse matches `externalIdField` (an alternate key of the table, `cg_externalid` on
 * every table we serve, and any single-column Active key the table's Keys list; the primary key works too) and
 * creates or updates the row in one call. A field that is no such key fails every item with CRM_VALIDATION
 * naming the table's keys, before anything is sent.
 */
export async function upsertMany(api: DynamicsApi, catalog: DynamicsCatalog, objectType: string, items: readonly UpsertItem[], options: UpsertOptions): Promise<WriteResult[]> {
  const ctx = context(api, catalog, objectType, options);
  const keyField = options.externalIdField;
  return writeAll(ctx, items,
    async (item, map, states) => {
      const key = String(item.externalId);
      // Only a single-column Active alternate key (or the primary key) can name the row: refused unsent otherwise.
      if (keyField !== map.entity.primaryId && !map.upsertKeyFields().has(keyField)) {
        throw new ConnectorError('CRM_VALIDATION', DYNAMICS, `${keyField} is no alternate key of ${map.entity.logicalName}; its keys: ${map.keysText()}`, {
          details: { fields: [keyField], keys: [...map.upsertKeyFields()] },
        });
      }
      const fields = { ...item.fields };
      // The key is in the URL; Dataverse sets it on a created row from there.
      delete fields[keyField];
      // Percent-encoded inside the quotes: a key holding `?`, `#` or `/` must stay one path segment.
      const keyed = keyField === map.entity.primaryId ? key : `${keyField}='${encodeURIComponent(key.replace(/'/g, "''"))}'`;
      if (keyField === map.entity.primaryId && !isGuid(key)) throw new ConnectorError('CRM_VALIDATION', DYNAMICS, `${keyField} must be a guid`, { details: { fields: [keyField] } });
      const upsert = (values: Record<string, unknown>): BatchOperation => ({
        method: 'PATCH', url: `${api.absolute(`${objectType}(${keyed})`)}?$select=${map.entity.primaryId}`, headers: { Prefer: 'return=representation' }, body: values,
      });
      // Only items naming stage_name consult the state read (a failed read fails them alone).
      const current = namesStage(fields) ? states(key) : undefined;
      const plan = planStage(fields, map, () => current, current === undefined);
      if (!plan) return { ops: [upsert(await body(ctx, map, fields))] };
      const ops: BatchOperation[] = [];
      if (plan.write) ops.push(upsert({ ...(await body(ctx, map, plan.fields)), ...plan.extra }));
      // A new record is named by its changeset's first operation; a known one by its id.
      if (plan.close) ops.push(closeOperation(api, plan.close, current ? `/${map.entity.entitySetName}(${current.id})` : undefined));
      if (ops.length === 0) return { result: { ok: true, id: current!.id, created: false } };
      return { ops, ...(current ? { id: current.id } : {}) };
    },
    (answer, map, p) => {
      // The close action alone (a known record) answers without the id: the state read gave it.
      const id = idOf(answer, map.entity.primaryId) ?? p.id;
      if (!id) return { ok: false, error: new ConnectorError('CRM_UNAVAILABLE', DYNAMICS, 'answered an upsert without the record id') };
      return { ok: true, id: id.toLowerCase(), created: answer.status === 201 };
    },
    // A failed upsert names no id, as before stage_name (the id a state read found is only for the close action).
    (error) => ({ ok: false, error }),
    { of: (item) => ({ fields: item.fields, key: String(item.externalId) }), field: () => keyField });
}
