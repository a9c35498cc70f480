/**
 * The three CRM object types the sandbox emulates, with every name HubSpot accepts for them in paths
 * (`contacts`, `contact`, `0-1` …) and the per-type facts that differ (modification property, defaults).
 */

export type ObjectTypeName = 'contacts' | 'companies' | 'deals';

export interface ObjectTypeInfo {
  name: ObjectTypeName;
  /** HubSpot's object type id, used by associations v4 and `object.*` webhooks. */
  typeId: string;
  singular: string;
  /** Upper-case singular used in error messages ("Could not get some CONTACT objects"). */
  upper: string;
  /** Contacts keep their modification time in `lastmodifieddate`, every other object in `hs_lastmodifieddate`. */
  modifiedProperty: string;
  /** Properties returned when the caller asks for none. */
  defaultProperties: string[];
  /** Properties a free-text search `query` looks at. */
  queryProperties: string[];
  /** Webhook subscription prefix (`contact.creation`). */
  eventPrefix: string;
}

export const OBJECT_TYPES: Record<ObjectTypeName, ObjectTypeInfo> = {
  contacts: {
    name: 'contacts',
    typeId: '0-1',
    singular: 'contact',
    upper: 'CONTACT',
    modifiedProperty: 'lastmodifieddate',
    defaultProperties: ['createdate', 'email', 'firstname', 'hs_object_id', 'lastmodifieddate', 'lastname'],
    queryProperties: ['firstname', 'lastname', 'email', 'phone', 'mobilephone', 'company', 'website'],
    eventPrefix: 'contact',
  },
  companies: {
    name: 'companies',
    typeId: '0-2',
    singular: 'company',
    upper: 'COMPANY',
    modifiedProperty: 'hs_lastmodifieddate',
    defaultProperties: ['createdate', 'domain', 'hs_lastmodifieddate', 'hs_object_id', 'name'],
    queryProperties: ['name', 'domain', 'website', 'phone'],
    eventPrefix: 'company',
  },
  deals: {
    name: 'deals',
    typeId: '0-3',
    singular: 'deal',
    upper: 'DEAL',
    modifiedProperty: 'hs_lastmodifieddate',
    defaultProperties: ['amount', 'closedate', 'createdate', 'dealname', 'dealstage', 'hs_lastmodifieddate', 'hs_object_id', 'pipeline'],
    queryProperties: ['dealname'],
    eventPrefix: 'deal',
  },
};

export const OBJECT_TYPE_NAMES = Object.keys(OBJECT_TYPES) as ObjectTypeName[];

/** Resolves any spelling HubSpot accepts in a path (`contacts`, `contact`, `CONTACT`, `0-1`) to the plural name. */
export function resolveObjectType(raw: string): ObjectTypeName | undefined {
  const s = raw.toLowerCase();
  for (const info of Object.values(OBJECT_TYPES)) {
    if (s === info.name || s === info.singular || s === info.typeId) return info.name;
  }
  return undefined;
}
