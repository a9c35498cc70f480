/** The field model shared by describe, validation and SOQL. */

export type FieldType =
  | 'id' | 'string' | 'textarea' | 'email' | 'phone' | 'url' | 'picklist' | 'multipicklist' | 'combobox'
  | 'boolean' | 'int' | 'double' | 'currency' | 'percent' | 'date' | 'datetime' | 'reference' | 'address';

export interface FieldDef {
  name: string;
  label: string;
  type: FieldType;
  length?: number;
  precision?: number;
  scale?: number;
  /** Must be given on create and never set to null (nillable: false, createable). */
  required?: boolean;
  /** System or computed: never writable by clients. */
  readOnly?: boolean;
  /** Writable on create only (e.g. none of our standard fields today, but custom fields may say so). */
  createOnly?: boolean;
  referenceTo?: string[];
  relationshipName?: string;
  picklistValues?: string[];
  /** Restricted picklists reject values outside the list (INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST). */
  restricted?: boolean;
  /** Value a create gets when the client leaves the field out. */
  defaultValue?: unknown;
  externalId?: boolean;
  unique?: boolean;
  custom?: boolean;
  nameField?: boolean;
}

export interface ChildRelationshipDef {
  relationshipName: string;
  childSObject: string;
  field: string;
  cascadeDelete: boolean;
}

export interface ObjectDef {
  name: string;
  label: string;
  labelPlural: string;
  keyPrefix: string;
  fields: FieldDef[];
  /** Readable but not writable through the API (User: provisioned by the org, not by integrations). */
  readOnly?: boolean;
}

export const TEXT_TYPES: ReadonlySet<FieldType> = new Set(['string', 'textarea', 'email', 'phone', 'url', 'picklist', 'multipicklist', 'combobox', 'id', 'reference']);
export const NUMBER_TYPES: ReadonlySet<FieldType> = new Set(['int', 'double', 'currency', 'percent']);

/** Describe's `soapType` for each field type. */
export function soapType(type: FieldType): string {
  switch (type) {
    case 'id':
    case 'reference':
      return 'tns:ID';
    case 'boolean':
      return 'xsd:boolean';
    case 'int':
      return 'xsd:int';
    case 'double':
    case 'currency':
    case 'percent':
      return 'xsd:double';
    case 'date':
      return 'xsd:date';
    case 'datetime':
      return 'xsd:dateTime';
    case 'address':
      return 'urn:address';
    default:
      return 'xsd:string';
  }
}
