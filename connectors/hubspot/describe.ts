/**
 * Object and field metadata from HubSpot's properties API (`GET /crm/v3/properties/{type}`), custom properties
 * included. `describeObjects` always asks HubSpot (it is the metadata refresh); reads that need "every
 * property" use a short-lived cache of the names so a DataLoader batch stays one upstream call.
 */
import type { CallOptions, FieldDescription, FieldType, ObjectDescription } from '../contract/index.ts';
import { syntheticFieldDescriptions } from './associations.ts';
import type { HubSpotApi } from './client.ts';
import { expectResults } from './client.ts';

/** The objects `describeObjects()` lists when none are named. */
export const STANDARD_OBJECTS = ['contacts', 'companies', 'deals'] as const;

const OBJECT_TYPE_IDS: Record<string, string> = { '0-1': 'contacts', '0-2': 'companies', '0-3': 'deals' };
const LABELS: Record<string, string> = { contacts: 'Contacts', companies: 'Companies', deals: 'Deals' };

/** `contacts` for `contacts`, `contact` or `0-1`; other names unchanged. */
export function canonicalObjectType(objectType: string): string {
  if (OBJECT_TYPE_IDS[objectType]) return OBJECT_TYPE_IDS[objectType]!;
  const plural = `${objectType}s`.replace(/ys$/, 'ies');
  return (STANDARD_OBJECTS as readonly string[]).includes(plural) ? plural : objectType;
}

/** The property the change feed orders on: contacts kept their legacy name, every other object has the hs_ one. */
export function modifiedPropertyOf(objectType: string): string {
  return canonicalObjectType(objectType) === 'contacts' ? 'lastmodifieddate' : 'hs_lastmodifieddate';
}

/** The subset of the client's `Property` model we read. */
export interface HubSpotProperty {
  name: string;
  label: string;
  type: string;
  fieldType: string;
  options?: Array<{ label: string; value: string; hidden?: boolean }>;
  hasUniqueValue?: boolean;
  hubspotDefined?: boolean;
  calculated?: boolean;
  hidden?: boolean;
  showCurrencySymbol?: boolean;
  referencedObjectType?: string;
  externalOptions?: boolean;
  modificationMetadata?: { readOnlyValue?: boolean };
}

export function toFieldType(objectType: string, p: HubSpotProperty): FieldType {
  if (p.name === 'hs_object_id') return 'id';
  if (p.referencedObjectType || p.name === 'hubspot_owner_id') return 'reference';
  switch (p.type) {
    case 'string':
      if (p.fieldType === 'phonenumber') return 'phone';
      if (p.name === 'email' || p.name === 'hs_additional_emails') return 'email';
      if (p.name === 'website' || p.fieldType === 'file') return 'url';
      return p.fieldType === 'textarea' || p.fieldType === 'html' ? 'text' : 'string';
    case 'number':
      if (p.showCurrencySymbol || (canonicalObjectType(objectType) === 'deals' && p.name === 'amount')) return 'currency';
      if (/probability|percent/.test(p.name)) return 'percent';
      return 'float';
    case 'date':
      return 'date';
    case 'datetime':
      return 'datetime';
    case 'bool':
      return 'boolean';
    case 'enumeration':
      if (p.fieldType === 'booleancheckbox') return 'boolean';
      return p.fieldType === 'checkbox' ? 'multipicklist' : 'picklist';
    default:
      return 'other';
  }
}

export function toFieldDescription(objectType: string, p: HubSpotProperty): FieldDescription {
  const type = toFieldType(objectType, p);
  const writable = !(p.modificationMetadata?.readOnlyValue ?? false) && !p.calculated;
  // `email` identifies contacts as idProperty for reads and upserts although HubSpot does not flag it unique.
  const matchKey = p.hasUniqueValue === true || (canonicalObjectType(objectType) === 'contacts' && p.name === 'email');
  const field: FieldDescription = {
    name: p.name,
    label: p.label || p.name,
    type,
    nativeType: `${p.type}/${p.fieldType}`,
    nillable: true,
    createable: writable,
    updateable: writable,
    custom: p.hubspotDefined !== true,
    unique: matchKey || p.name === 'hs_object_id',
    externalId: matchKey,
  };
  if ((type === 'picklist' || type === 'multipicklist') && p.options?.length) {
    field.picklistValues = p.options.map((o) => ({ value: o.value, label: o.label, active: !o.hidden }));
  }
  if (type === 'reference') field.referenceTo = [p.referencedObjectType ?? (p.name === 'hubspot_owner_id' ? 'owners' : 'unknown')];
  return field;
}

export function toObjectDescription(objectType: string, properties: HubSpotProperty[]): ObjectDescription {
  const canonical = canonicalObjectType(objectType);
  return {
    name: objectType,
    label: LABELS[canonical] ?? objectType,
    custom: !(STANDARD_OBJECTS as readonly string[]).includes(canonical),
    idField: 'hs_object_id',
    modifiedField: modifiedPropertyOf(objectType),
    fields: [
      ...properties.map((p) => toFieldDescription(objectType, p)),
      // Deals' company and contacts, read from associations; a real property of the same name wins.
      ...syntheticFieldDescriptions(canonical, new Set(properties.map((p) => p.name))),
    ],
  };
}

/** Property metadata per object type, fetched on describe and cached for reads. */
export class PropertyCatalog {
  private readonly names = new Map<string, { at: number; names: Promise<string[]> }>();

  constructor(
    private readonly api: HubSpotApi,
    private readonly ttlMs: number,
  ) {}

  async describe(objectTypes: readonly string[] | undefined, options: CallOptions = {}): Promise<ObjectDescription[]> {
    const types = objectTypes?.length ? objectTypes : STANDARD_OBJECTS;
    return Promise.all(types.map(async (objectType) => {
      const properties = await this.fetch(objectType, options);
      this.names.set(objectType, { at: Date.now(), names: Promise.resolve(properties.map((p) => p.name)) });
      return toObjectDescription(objectType, properties);
    }));
  }

  /** The standard objects and the portal's custom objects (`GET /crm/v3/schemas`, by name and by object type id). */
  async listObjects(options: CallOptions = {}): Promise<string[]> {
    const data = await this.api.call(options.lane ?? 'interactive', (client) => client.crm.schemas.coreApi.getAllWithHttpInfo(false), { signal: options.signal });
    const custom = expectResults<{ name?: unknown; objectTypeId?: unknown }>(data, 'the schemas list')
      .flatMap((s) => [s?.name, s?.objectTypeId]).filter((n): n is string => typeof n === 'string');
    return [...STANDARD_OBJECTS, ...custom];
  }

  /** Every property name of `objectType` (for "all fields" reads), from cache when fresh. */
  propertyNames(objectType: string, options: CallOptions = {}): Promise<string[]> {
    const cached = this.names.get(objectType);
    if (cached && Date.now() - cached.at < this.ttlMs) return cached.names;
    const names = this.fetch(objectType, options).then((ps) => ps.map((p) => p.name));
    this.names.set(objectType, { at: Date.now(), names });
    // A failed fetch must not stay cached.
    names.catch(() => this.names.get(objectType)?.names === names && this.names.delete(objectType));
    return names;
  }

  private async fetch(objectType: string, options: CallOptions): Promise<HubSpotProperty[]> {
    const data = await this.api.call(options.lane ?? 'interactive',
      (client) => client.crm.properties.coreApi.getAllWithHttpInfo(objectType, false), { signal: options.signal });
    return expectResults<HubSpotProperty>(data, 'the properties list').filter((p) => typeof p?.name === 'string');
  }
}
