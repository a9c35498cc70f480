/**
 * Mappers both ways between Salesforce's REST shapes and the contract's:
 *  - a SOQL row → NativeRecord (values stay native; parent relationships flattened to dotted names);
 *  - CreateItem / UpdateItem / UpsertItem → sObject Collections records;
 *  - a collections answer → WriteResult[] in input order.
 */
import { ConnectorError } from '../contract/errors.ts';
import type { WriteResult } from '../contract/connector.ts';
import type { CreateItem, NativeRecord, UpdateItem, UpsertItem } from '../contract/records.ts';
import { unexpectedShape } from './client.ts';
import { CRM, recordError } from './errors.ts';

type Row = Record<string, unknown>;

/** What `/query`, `/queryAll` and `/query/{locator}` answer. */
export interface QueryPage {
  records: Row[];
  done: boolean;
  nextRecordsUrl?: string;
}

export function asQueryPage(body: unknown): QueryPage {
  const page = body as Partial<QueryPage> | null;
  if (!page || !Array.isArray(page.records) || typeof page.done !== 'boolean') throw unexpectedShape('query result');
  if (!page.done && typeof page.nextRecordsUrl !== 'string') throw unexpectedShape('query result (no next page)');
  return page as QueryPage;
}

/**
 * A SOQL row as a NativeRecord. Parent relationships arrive nested (`"Account": {"attributes": …, "Name": "Acme"}`)
 * and become `fields["Account.Name"]`, the name the caller selected; a null parent sets its selected paths to null.
 */
export function toNativeRecord(objectType: string, row: Row, selected: readonly string[] = []): NativeRecord {
  if (typeof row?.Id !== 'string') throw unexpectedShape('record (no Id)');
  const fields: Record<string, unknown> = {};
  flatten(row, '', fields);
  for (const path of selected) {
    // `Account.Name` on a contact without an account: Salesforce sends `"Account": null`.
    if (path.includes('.') && !hasKeyCaseInsensitive(fields, path)) fields[path] = null;
  }
  const modstamp = row.SystemModstamp ?? row.LastModifiedDate;
  return {
    id: row.Id,
    objectType,
    modifiedAt: typeof modstamp === 'string' ? modstamp : null,
    ...(row.IsDeleted === true ? { deleted: true } : {}),
    fields,
  };
}

function flatten(row: Row, prefix: string, out: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(row)) {
    if (key === 'attributes') continue;
    // Parent relationship objects carry `attributes`; compound values (addresses) do not and stay whole.
    if (value !== null && typeof value === 'object' && !Array.isArray(value) && 'attributes' in value) {
      flatten(value as Row, `${prefix}${key}.`, out);
    } else {
      out[prefix + key] = value;
    }
  }
}

function hasKeyCaseInsensitive(fields: Record<string, unknown>, path: string): boolean {
  const wanted = path.toLowerCase();
  return Object.keys(fields).some((k) => k.toLowerCase() === wanted);
}

/** Fields a collections record must not carry in its values (jsforce strips the same). */
function writableFields(fields: Record<string, unknown>): Record<string, unknown> {
  const { attributes: _a, ...rest } = fields;
  return rest;
}

export function createRecord(objectType: string, item: CreateItem): Row {
  return { attributes: { type: objectType }, ...writableFields(item.fields) };
}

export function updateRecord(objectType: string, item: UpdateItem): Row {
  const { Id: _id, id: _lower, ...fields } = writableFields(item.fields);
  return { attributes: { type: objectType }, ...fields, id: item.id };
}

export function upsertRecord(objectType: string, externalIdField: string, item: UpsertItem): Row {
  return { attributes: { type: objectType }, ...writableFields(item.fields), [externalIdField]: item.externalId };
}

interface SaveResult { id?: unknown; success?: unknown; errors?: unknown; created?: unknown }

/**
 * One WriteResult per input, in input order (collections answer in input order). `knownIds` gives the id to report
 * for failures of updates and deletes, whose answers omit it.
 */
export function toWriteResults(body: unknown, count: number, options: { knownIds?: readonly string[]; withCreated?: boolean; deletedIsSuccess?: boolean } = {}): WriteResult[] {
  if (!Array.isArray(body) || body.length !== count) {
    throw new ConnectorError('CRM_UNAVAILABLE', CRM, `collections answer has ${Array.isArray(body) ? body.length : 'no'} results for ${count} records`);
  }
  return (body as SaveResult[]).map((r, index): WriteResult => {
    const knownId = options.knownIds?.[index];
    const id = typeof r?.id === 'string' ? r.id : knownId;
    if (r?.success === true && id) {
      return { ok: true, id, ...(options.withCreated && typeof r.created === 'boolean' ? { created: r.created } : {}) };
    }
    const error = recordError(CRM, r?.errors, options.knownIds !== undefined);
    // Deleting what is already in the recycle bin: the goal is reached, and a replayed delete must not fail.
    if (options.deletedIsSuccess && id && error.details?.nativeCode === 'ENTITY_IS_DELETED') return { ok: true, id };
    return { ok: false, ...(id ? { id } : {}), error };
  });
}
