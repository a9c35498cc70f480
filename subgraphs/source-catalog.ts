/**
 * How native CRM objects are named in the supergraph, in one place: the CRM subgraphs name their entity types with
 * it, identity names its link fields with it, golden names its `@external` stubs with it. Derived from crm and
 * object type so a new CRM needs only a display prefix here.
 */
export type GoldenTypeName = 'Customer' | 'Company' | 'Deal';

export interface NativeSourceSpec {
  crm: string;
  objectType: string;
  /** GraphQL entity type of the native record, e.g. SalesforceContact, HubSpotContact. */
  typeName: string;
  /** The native id field, which is the entity key. */
  keyField: string;
  goldenType: GoldenTypeName;
  /** Field on the golden type listing the linked native records, e.g. salesforceContacts. */
  linkField: string;
}

const CRM_PREFIX: Record<string, string> = { salesforce: 'Salesforce', hubspot: 'HubSpot', dynamics: 'Dynamics', pipedrive: 'Pipedrive', zoho: 'Zoho' };

/** `contacts` → `Contact`, `companies` → `Company`, `Opportunity` → `Opportunity`. */
export function singularPascal(objectType: string): string {
  const singular = objectType.endsWith('ies') ? `${objectType.slice(0, -3)}y` : objectType.endsWith('s') && !objectType.endsWith('ss') ? objectType.slice(0, -1) : objectType;
  return singular.charAt(0).toUpperCase() + singular.slice(1);
}

export function crmPrefix(crm: string): string {
  return CRM_PREFIX[crm] ?? singularPascal(crm);
}

export function nativeTypeName(crm: string, objectType: string): string {
  return `${crmPrefix(crm)}${singularPascal(objectType)}`;
}

/** `salesforce` + `Opportunity` → `salesforceOpportunities`; `hubspot` + `contacts` → `hubspotContacts`. */
export function linkFieldName(crm: string, objectType: string): string {
  const noun = singularPascal(objectType);
  const plural = noun.endsWith('y') ? `${noun.slice(0, -1)}ies` : `${noun}s`;
  return `${crm.toLowerCase()}${plural}`;
}

export function nativeSource(crm: string, objectType: string, keyField: string, goldenType: GoldenTypeName): NativeSourceSpec {
  return { crm, objectType, keyField, goldenType, typeName: nativeTypeName(crm, objectType), linkField: linkFieldName(crm, objectType) };
}

/** The native objects of a mapping configuration (`types.<T>.objects`), as catalog entries. */
export function sourcesOfConfig(config: { types: Record<string, { objects: { crm: string; objectType: string; idField: string }[] }> }): NativeSourceSpec[] {
  const out: NativeSourceSpec[] = [];
  for (const [goldenType, t] of Object.entries(config.types)) {
    for (const o of t.objects) out.push(nativeSource(o.crm, o.objectType, o.idField, goldenType as GoldenTypeName));
  }
  return out;
}
