/**
 * Object and field metadata, normalised from each CRM's describe / properties API. Subgraph schemas are built
 * from these, so custom fields appear without code changes.
 */

/** Normalised field types; `nativeType` keeps the CRM's own word for anything finer. */
export const FIELD_TYPES = [
  'string', 'text', 'email', 'phone', 'url', 'picklist', 'multipicklist', 'boolean', 'int', 'float',
  'currency', 'percent', 'date', 'datetime', 'reference', 'id', 'address', 'other',
] as const;
export type FieldType = (typeof FIELD_TYPES)[number];

export interface PicklistValue {
  value: string;
  label: string;
  active: boolean;
  defaultValue?: boolean;
}

export interface FieldDescription {
  name: string;
  label: string;
  type: FieldType;
  /** The CRM's own type name ('textarea', 'enumeration', 'double'…), for anything `type` flattens. */
  nativeType: string;
  nillable: boolean;
  createable: boolean;
  updateable: boolean;
  custom: boolean;
  unique: boolean;
  /** Usable as the match key of upserts (Salesforce externalId/idLookup, HubSpot hasUniqueValue). */
  externalId?: boolean;
  picklistValues?: PicklistValue[];
  /** Object names a reference field points to. */
  referenceTo?: string[];
  /** Maximum length for string-like fields, when the CRM says. */
  length?: number;
  /**
   * Reading it takes CRM calls of its own beyond the record's (HubSpot's association-backed deal references): readers
   * ask for it only when they need it — the native subgraph reads it apart, when a query selects it. A `fetchByIds`
   * asking for such fields alone may skip the record read: it then answers every id given, the values of an unknown
   * one null, so it is for records the reader already holds.
   */
  separateRead?: boolean;
}

export interface ObjectDescription {
  /** Native object name: 'Contact', 'contacts'. */
  name: string;
  label: string;
  custom: boolean;
  /** Field holding the record id ('Id', 'hs_object_id'). */
  idField: string;
  /** Field the change feed orders on ('SystemModstamp', 'hs_lastmodifieddate'). */
  modifiedField: string;
  fields: FieldDescription[];
}
