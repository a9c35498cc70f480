/**
 * The shapes every connector hands back, whatever its CRM. Field values stay native (names and formats as the
 * CRM sends them); mapping to golden fields is the resolver engine's job, not the connector's.
 */

/** Any value that survives JSON.stringify/parse unchanged. Cursors are made of these so they can be stored. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** One record as the CRM holds it. */
export interface NativeRecord {
  /** The CRM's own id (Salesforce 18-char id, HubSpot numeric string). */
  id: string;
  /** The CRM's object name: 'Contact', 'contacts'… */
  objectType: string;
  /** ISO-8601 timestamp of the last change as the CRM reports it (its own format), or null when unknown. */
  modifiedAt: string | null;
  /** True for records read from a recycle bin / archive. */
  deleted?: boolean;
  /** Native field values keyed by native field name. */
  fields: Record<string, unknown>;
}

/** A record removed in the CRM, as seen by the change feed. */
export interface Deletion {
  id: string;
  /** ISO-8601; null when the CRM does not say when. */
  deletedAt: string | null;
}

/**
 * Opaque position in a change feed. Only the connector that made it reads it; the sync layer stores it as JSON
 * after each committed batch and hands it back unchanged.
 */
export type ChangeCursor = JsonValue;

/** One step of `readChanges`: everything changed since the previous cursor, and the cursor to resume from. */
export interface ChangeBatch {
  records: NativeRecord[];
  deletions: Deletion[];
  /** Store this after committing the batch; passing it back resumes right after this batch. */
  cursor: ChangeCursor;
}

/** A record to create. */
export interface CreateItem {
  fields: Record<string, unknown>;
}

/** A change to an existing record: only the listed fields are written. */
export interface UpdateItem {
  id: string;
  fields: Record<string, unknown>;
}

/** A record to create or update, matched on an external-id / unique field (see UpsertOptions.externalIdField). */
export interface UpsertItem {
  externalId: string;
  fields: Record<string, unknown>;
}
