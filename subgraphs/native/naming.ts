/**
 * How native CRM names become GraphQL names. One place, so the rules in README.md are the rules in the code.
 *
 * - Types: `naming.typeName(objectType)` (Contact → SalesforceContact, contacts → HubSpotContact).
 * - Fields keep their native names when they are valid GraphQL names (`MailingPostalCode`, `Foo__c`, `zip`).
 *   Otherwise every invalid character becomes `_` and a leading digit or `__` gets an `f` in front
 *   (`hs-score` → `hs_score`, `2nd_phone` → `f2nd_phone`); a name that then clashes with another field is skipped.
 * - Queries and mutations derive from the type name: `salesforceContact`, `salesforceContacts`,
 *   `createSalesforceContact`, `updateSalesforceContact`, `deleteSalesforceContact`.
 */
import type { FieldDescription } from '../../connectors/contract/index.ts';

export interface NativeNaming {
  /** The GraphQL type of a native object: Contact → SalesforceContact, contacts → HubSpotContact. */
  typeName(objectType: string): string;
  /** Name of the key field carrying the native id: 'Id' (Salesforce) or 'id' (HubSpot). */
  keyField: string;
  /** The native objects exposed, in the order their types appear in the SDL. */
  objectTypes: string[];
  /** Prefix of subgraph-wide helper types (`SalesforcePageInfo`); default: the subgraph name, capitalised. */
  prefix?: string;
  /**
   * The object field that follows a reference field (`AccountId` → `Account`). Default: `deriveRelationshipName`.
   * Return undefined to expose no object field for that reference.
   */
  relationshipName?(field: FieldDescription): string | undefined;
  /**
   * Fields of a referenced record the connector can read through the parent path in the same call
   * (Salesforce SOQL `Account.Name`). Default none: the referenced record is loaded by entity batch.
   */
  inlineParentFields?: string[];
}

const GRAPHQL_NAME = /^[_A-Za-z][_0-9A-Za-z]*$/;

export function isGraphQLName(name: string): boolean {
  return GRAPHQL_NAME.test(name) && !name.startsWith('__');
}

/** A valid GraphQL name for a native field name (the rule at the top of this file). */
export function graphQLSafeName(native: string): string {
  let name = native.replace(/[^_0-9A-Za-z]/g, '_');
  if (name === '' || /^[0-9]/.test(name) || name.startsWith('__')) name = `f${name}`;
  return name;
}

/**
 * The default name of the object field behind a reference: the CRM's own relationship name when the
 * description carries one (Salesforce describe has `relationshipName`), else Salesforce's convention
 * (`AccountId` → `Account`, `Partner__c` → `Partner__r`) or a trailing `id` dropped (`associatedcompanyid` →
 * `associatedcompany`).
 */
export function deriveRelationshipName(field: FieldDescription): string | undefined {
  const declared = (field as { relationshipName?: unknown }).relationshipName;
  if (typeof declared === 'string' && declared !== '') return declared;
  if (field.name.endsWith('__c')) return `${field.name.slice(0, -3)}__r`;
  const stripped = field.name.replace(/_?[Ii]d$/, '');
  return stripped !== field.name && stripped !== '' ? stripped : undefined;
}

export function lowerFirst(name: string): string {
  return name.charAt(0).toLowerCase() + name.slice(1);
}

export function capitalise(name: string): string {
  return name.charAt(0).toUpperCase() + name.slice(1);
}

/** English plural good enough for CRM object names (Opportunity → Opportunities, Company → Companies). */
export function pluralise(name: string): string {
  if (/[^aeiou]y$/i.test(name)) return `${name.slice(0, -1)}ies`;
  if (/(s|x|z|ch|sh)$/i.test(name)) return `${name}es`;
  return `${name}s`;
}

/** Root field names of one object type. */
export interface OperationNames {
  byId: string;
  list: string;
  connection: string;
  edge: string;
  createInput: string;
  updateInput: string;
  create: string;
  update: string;
  delete: string;
}

export function operationNames(typeName: string): OperationNames {
  return {
    byId: lowerFirst(typeName),
    list: lowerFirst(pluralise(typeName)),
    connection: `${typeName}Connection`,
    edge: `${typeName}Edge`,
    createInput: `${typeName}CreateInput`,
    updateInput: `${typeName}UpdateInput`,
    create: `create${typeName}`,
    update: `update${typeName}`,
    delete: `delete${typeName}`,
  };
}
