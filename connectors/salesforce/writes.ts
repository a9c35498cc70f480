/**
 * Bulk writes through sObject Collections: at most 200 records per call, `allOrNone: false` unless asked, and one
 * WriteResult per input in input order. A chunk that fails as a whole (CRM down, budget spent) fails only its own
 * items (`writeInChunks`), so 250 updates where the second call dies still report the first 200.
 *
 * Retrying: a collection create (POST) is not idempotent, so it is replayed only after a 429 (nothing was done).
 * Updates and upserts are PATCHes of the same values by key, and deletes are reported as done when the record is
 * already deleted, so replaying those after a timeout or a 5xx is safe.
 */
import type { ConnectorError } from '../contract/errors.ts';
import type { UpsertOptions, WriteOptions, WriteResult } from '../contract/connector.ts';
import type { CreateItem, UpdateItem, UpsertItem } from '../contract/records.ts';
import { writeInChunks } from '../runtime/index.ts';
import type { SalesforceClient } from './client.ts';
import { CRM, recordError } from './errors.ts';
import { createRecord, toWriteResults, updateRecord, upsertRecord } from './records.ts';
import { fieldPath, objectName, to18 } from './soql.ts';

/** sObject Collections accept at most 200 records per request. */
export const COLLECTION_LIMIT = 200;

export function createMany(client: SalesforceClient, objectType: string, items: readonly CreateItem[], options: WriteOptions = {}): Promise<WriteResult[]> {
  const type = objectName(objectType);
  return writeInChunks(CRM, items, COLLECTION_LIMIT, async (part) => {
    const body = await client.call(options.lane ?? 'writeback', {
      method: 'POST', path: '/composite/sobjects',
      json: { allOrNone: options.allOrNone ?? false, records: part.map((item) => createRecord(type, item)) },
    }, { idempotent: false, ...signalOf(options) });
    return toWriteResults(body, part.length);
  });
}

export function updateMany(client: SalesforceClient, objectType: string, items: readonly UpdateItem[], options: WriteOptions = {}): Promise<WriteResult[]> {
  const type = objectName(objectType);
  return writeInChunks(CRM, items, COLLECTION_LIMIT, async (part) => {
    const body = await client.call(options.lane ?? 'writeback', {
      method: 'PATCH', path: '/composite/sobjects',
      json: { allOrNone: options.allOrNone ?? false, records: part.map((item) => updateRecord(type, item)) },
    }, signalOf(options));
    return toWriteResults(body, part.length, { knownIds: part.map((item) => item.id) });
  });
}

export function upsertMany(client: SalesforceClient, objectType: string, items: readonly UpsertItem[], options: UpsertOptions): Promise<WriteResult[]> {
  const type = objectName(objectType);
  const externalIdField = fieldPath(options.externalIdField);
  return writeInChunks(CRM, items, COLLECTION_LIMIT, async (part) => {
    const body = await client.call(options.lane ?? 'writeback', {
      method: 'PATCH', path: `/composite/sobjects/${type}/${externalIdField}`,
      json: { allOrNone: options.allOrNone ?? false, records: part.map((item) => upsertRecord(type, externalIdField, item)) },
    }, signalOf(options));
    return toWriteResults(body, part.length, { withCreated: true });
  });
}

export function deleteMany(client: SalesforceClient, objectType: string, ids: readonly string[], options: WriteOptions = {}): Promise<WriteResult[]> {
  objectName(objectType);
  return writeInChunks(CRM, ids, COLLECTION_LIMIT, async (part) => {
    // Ids go into the URL: anything not id-shaped would break the whole request, so it is never sent.
    const valid = part.map((id) => to18(id) !== null);
    const sendable = part.filter((_, i) => valid[i]);
    let sent: WriteResult[] = [];
    if (sendable.length > 0) {
      const query = `ids=${sendable.map(encodeURIComponent).join(',')}${options.allOrNone ? '&allOrNone=true' : ''}`;
      const body = await client.call(options.lane ?? 'writeback', { method: 'DELETE', path: `/composite/sobjects?${query}` }, signalOf(options));
      sent = toWriteResults(body, sendable.length, { knownIds: sendable, deletedIsSuccess: true });
    }
    let next = 0;
    return part.map((id, i) => (valid[i] ? (sent[next++] as WriteResult) : { ok: false, id, error: malformedId(id) }));
  });
}

function malformedId(id: string): ConnectorError {
  return recordError(CRM, [{ statusCode: 'MALFORMED_ID', message: `malformed id: ${id.slice(0, 40)}`, fields: [] }]);
}

function signalOf(options: WriteOptions): { signal?: AbortSignal } {
  return options.signal ? { signal: options.signal } : {};
}
