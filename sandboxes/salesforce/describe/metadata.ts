/**
 * The org's schema: the four standard objects plus custom fields added (or deleted) at run time. Lookups are
 * case-insensitive because Salesforce field and object names are.
 */
import { SfError } from '../errors.ts';
import type { ChildRelationshipDef, FieldDef, FieldType, ObjectDef } from './field-types.ts';
import { standardObjects } from './standard-objects.ts';

/** Child relationship names (what a parent-to-child subquery selects FROM), keyed by `Child.Field`. */
const CHILD_RELATIONSHIP_NAMES: Record<string, string> = {
  'Contact.AccountId': 'Contacts',
  'Opportunity.AccountId': 'Opportunities',
  'Opportunity.ContactId': 'Opportunities',
  'Account.ParentId': 'ChildAccounts',
};

export interface CustomFieldSpec {
  object: string;
  name: string;
  type: FieldType;
  label?: string;
  length?: number;
  precision?: number;
  scale?: number;
  picklistValues?: string[];
  restricted?: boolean;
  required?: boolean;
  externalId?: boolean;
  unique?: boolean;
  referenceTo?: string;
}

const CUSTOM_FIELD_TYPES: ReadonlySet<FieldType> = new Set([
  'string', 'textarea', 'email', 'phone', 'url', 'picklist', 'multipicklist', 'boolean', 'int', 'double',
  'currency', 'percent', 'date', 'datetime', 'reference',
]);

export class MetadataRegistry {
  private objects = new Map<string, ObjectDef>();
  private fieldIndex = new Map<string, Map<string, FieldDef>>();

  constructor() {
    for (const obj of standardObjects()) this.register(obj);
  }

  private register(obj: ObjectDef): void {
    this.objects.set(obj.name.toLowerCase(), obj);
    this.fieldIndex.set(obj.name.toLowerCase(), new Map(obj.fields.map((f) => [f.name.toLowerCase(), f])));
  }

  objectNames(): string[] {
    return [...this.objects.values()].map((o) => o.name);
  }

  allObjects(): ObjectDef[] {
    return [...this.objects.values()];
  }

  object(name: string): ObjectDef | undefined {
    return this.objects.get(name.toLowerCase());
  }

  /** The object, or Salesforce's 404 for an unknown sObject type in a REST path. */
  requireObject(name: string): ObjectDef {
    const obj = this.object(name);
    if (!obj) throw new SfError(404, 'NOT_FOUND', 'The requested resource does not exist');
    return obj;
  }

  objectByKeyPrefix(prefix: string): ObjectDef | undefined {
    return this.allObjects().find((o) => o.keyPrefix === prefix);
  }

  field(objectName: string, fieldName: string): FieldDef | undefined {
    return this.fieldIndex.get(objectName.toLowerCase())?.get(fieldName.toLowerCase());
  }

  /** The reference field whose relationshipName is `rel` (e.g. `Account` on Contact → AccountId). */
  relationship(objectName: string, rel: string): FieldDef | undefined {
    const obj = this.object(objectName);
    return obj?.fields.find((f) => f.type === 'reference' && f.relationshipName?.toLowerCase() === rel.toLowerCase());
  }

  childRelationships(objectName: string): ChildRelationshipDef[] {
    const out: ChildRelationshipDef[] = [];
    for (const child of this.allObjects()) {
      for (const f of child.fields) {
        if (f.type !== 'reference' || f.referenceTo?.[0]?.toLowerCase() !== objectName.toLowerCase()) continue;
        const relationshipName = CHILD_RELATIONSHIP_NAMES[`${child.name}.${f.name}`] ?? (f.custom ? `${child.labelPlural}__r` : undefined);
        if (!relationshipName) continue;
        out.push({ relationshipName, childSObject: child.name, field: f.name, cascadeDelete: false });
      }
    }
    return out;
  }

  childRelationship(objectName: string, rel: string): ChildRelationshipDef | undefined {
    return this.childRelationships(objectName).find((c) => c.relationshipName.toLowerCase() === rel.toLowerCase());
  }

  /** Adds a custom field the way Setup would; it shows in describe and is queryable and writable at once. */
  addCustomField(spec: CustomFieldSpec): FieldDef {
    const obj = this.object(spec.object);
    if (!obj) throw new Error(`unknown object '${spec.object}'`);
    if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(spec.name)) throw new Error(`invalid field name '${spec.name}'`);
    const name = spec.name.endsWith('__c') ? spec.name : `${spec.name}__c`;
    if (this.field(obj.name, name)) throw new Error(`field '${name}' already exists on ${obj.name}`);
    if (!CUSTOM_FIELD_TYPES.has(spec.type)) throw new Error(`unsupported field type '${spec.type}'`);
    const isPicklist = spec.type === 'picklist' || spec.type === 'multipicklist';
    if (isPicklist && !spec.picklistValues?.length) throw new Error('picklist fields need picklistValues');
    let referenceTo: string[] | undefined;
    if (spec.type === 'reference') {
      const target = spec.referenceTo ? this.object(spec.referenceTo) : undefined;
      if (!target) throw new Error('reference fields need referenceTo naming a known object');
      referenceTo = [target.name];
    }
    const field: FieldDef = {
      name,
      label: spec.label ?? name.replace(/__c$/, '').replace(/_/g, ' '),
      type: spec.type,
      custom: true,
      ...(lengthFor(spec) !== undefined ? { length: lengthFor(spec) } : {}),
      ...(spec.precision !== undefined ? { precision: spec.precision } : {}),
      ...(spec.scale !== undefined ? { scale: spec.scale } : {}),
      ...(isPicklist ? { picklistValues: spec.picklistValues, restricted: spec.restricted ?? false } : {}),
      ...(spec.required ? { required: true } : {}),
      ...(spec.externalId ? { externalId: true } : {}),
      ...(spec.unique || spec.externalId ? { unique: spec.unique ?? false } : {}),
      ...(referenceTo ? { referenceTo, relationshipName: name.replace(/__c$/, '__r') } : {}),
      ...(spec.type === 'boolean' ? { defaultValue: false } : {}),
    };
    obj.fields.push(field);
    this.fieldIndex.get(obj.name.toLowerCase())!.set(name.toLowerCase(), field);
    return field;
  }

  /**
   * Deletes a custom field the way Setup would: gone from describe and from queries (INVALID_FIELD from now on).
   * Undefined when the object or field is unknown; standard fields cannot be deleted (Setup refuses too).
   * Stored values are the record store's business (`RecordStore.dropField`).
   */
  removeCustomField(objectName: string, fieldName: string): FieldDef | undefined {
    const obj = this.object(objectName);
    const field = obj ? this.field(obj.name, fieldName) : undefined;
    if (!obj || !field) return undefined;
    if (!field.custom) throw new Error(`'${field.name}' is a standard field of ${obj.name} and cannot be deleted`);
    obj.fields.splice(obj.fields.indexOf(field), 1);
    this.fieldIndex.get(obj.name.toLowerCase())!.delete(field.name.toLowerCase());
    return field;
  }
}

function lengthFor(spec: CustomFieldSpec): number | undefined {
  if (spec.length !== undefined) return spec.length;
  switch (spec.type) {
    case 'textarea':
      return 32768;
    case 'email':
    case 'phone':
      return spec.type === 'phone' ? 40 : 80;
    case 'string':
    case 'url':
    case 'picklist':
      return 255;
    case 'multipicklist':
      return 4099;
    case 'reference':
      return 18;
    default:
      return undefined;
  }
}
