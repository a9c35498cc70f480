/**
 * The native objects of the default configuration and where their modification times live
 * (crm-wire-formats.md §1.10, §2.2 and §4). Salesforce `SystemModstamp` comes first: it also moves on automation
 * writes, and it is what sync cursors use, so both paths agree on recency.
 */
export const salesforce = (objectType: string) => ({
  crm: 'salesforce', objectType, idField: 'Id', modifiedAtFields: ['SystemModstamp', 'LastModifiedDate'],
});

export const hubspot = (objectType: 'contacts' | 'companies' | 'deals') => ({
  crm: 'hubspot',
  objectType,
  idField: 'id',
  // HubSpot names the field differently on contacts than on every other object.
  modifiedAtFields: [objectType === 'contacts' ? 'lastmodifieddate' : 'hs_lastmodifieddate'],
});

/** Pipedrive (crm-wire-formats.md §4): integer ids, `update_time` in RFC 3339 with second precision. */
export const pipedrive = (objectType: 'persons' | 'organizations' | 'deals') => ({
  crm: 'pipedrive', objectType, idField: 'id', modifiedAtFields: ['update_time'],
});

/**
 * Dynamics 365 (crm-wire-formats.md §3): entity set names, guids, `modifiedon` in ISO-8601 without milliseconds. The
 * graph keys every native type on `id` (Dataverse's contactid / accountid / opportunityid).
 */
export const dynamics = (objectType: 'contacts' | 'accounts' | 'opportunities') => ({
  crm: 'dynamics', objectType, idField: 'id', modifiedAtFields: ['modifiedon'],
});

/**
 * Zoho CRM (crm-wire-formats.md §5): module API names, 19-digit numeric ids as strings, `Modified_Time` in ISO-8601
 * with the org's offset and second precision (the offset is part of the value, so instants compare correctly).
 */
export const zoho = (objectType: 'Contacts' | 'Accounts' | 'Deals') => ({
  crm: 'zoho', objectType, idField: 'id', modifiedAtFields: ['Modified_Time'],
});

/** A one-field mapping with an optional converter, written compactly. */
export function from(crm: string, objectType: string, field: string | string[], converter?: { name: string; options?: Record<string, unknown> }, writable = true) {
  return { crm, objectType, from: field, converter: converter ?? { name: 'identity', options: {} }, writable };
}
