/** Renders describe and describeGlobal bodies in the shape jsforce's types list (section 1.8). */
import type { FieldDef, ObjectDef } from './field-types.ts';
import { soapType } from './field-types.ts';
import type { MetadataRegistry } from './metadata.ts';

const base = (version: string) => `/services/data/v${version}`;

function objectUrls(obj: ObjectDef, version: string): Record<string, string> {
  const b = `${base(version)}/sobjects/${obj.name}`;
  return {
    compactLayouts: `${b}/describe/compactLayouts`,
    rowTemplate: `${b}/{ID}`,
    approvalLayouts: `${b}/describe/approvalLayouts`,
    defaultValues: `${b}/defaultValues?recordTypeId&fields`,
    describe: `${b}/describe`,
    quickActions: `${b}/quickActions`,
    layouts: `${b}/describe/layouts`,
    sobject: b,
  };
}

/** The describeGlobal entry of one object. */
export function globalEntry(obj: ObjectDef, version: string): Record<string, unknown> {
  return {
    activateable: false,
    associateEntityType: null,
    associateParentEntity: null,
    createable: !obj.readOnly,
    custom: false,
    customSetting: false,
    deepCloneable: false,
    deletable: !obj.readOnly,
    deprecatedAndHidden: false,
    feedEnabled: true,
    hasSubtypes: false,
    idEnabled: true,
    isInterface: false,
    isSubtype: false,
    keyPrefix: obj.keyPrefix,
    label: obj.label,
    labelPlural: obj.labelPlural,
    layoutable: true,
    mergeable: obj.name !== 'Opportunity',
    mruEnabled: true,
    name: obj.name,
    queryable: true,
    replicateable: true,
    retrieveable: true,
    searchable: true,
    triggerable: true,
    undeletable: !obj.readOnly,
    updateable: !obj.readOnly,
    urls: objectUrls(obj, version),
  };
}

export function describeGlobal(meta: MetadataRegistry, version: string): Record<string, unknown> {
  return { encoding: 'UTF-8', maxBatchSize: 200, sobjects: meta.allObjects().map((o) => globalEntry(o, version)) };
}

export function describeObject(meta: MetadataRegistry, obj: ObjectDef, version: string): Record<string, unknown> {
  return {
    ...globalEntry(obj, version),
    actionOverrides: [],
    childRelationships: meta.childRelationships(obj.name).map((c) => ({
      cascadeDelete: c.cascadeDelete,
      childSObject: c.childSObject,
      deprecatedAndHidden: false,
      field: c.field,
      junctionIdListNames: [],
      junctionReferenceTo: [],
      relationshipName: c.relationshipName,
      restrictedDelete: false,
    })),
    compactLayoutable: true,
    defaultImplementation: null,
    extendedBy: null,
    extendsInterfaces: null,
    fields: obj.fields.map(describeField),
    implementedBy: null,
    implementsInterfaces: null,
    listviewable: null,
    lookupLayoutable: null,
    namedLayoutInfos: [],
    networkScopeFieldName: null,
    recordTypeInfos: [
      {
        active: true,
        available: true,
        defaultRecordTypeMapping: true,
        developerName: 'Master',
        master: true,
        name: 'Master',
        recordTypeId: '012000000000000AAA',
        urls: { layout: `${base(version)}/sobjects/${obj.name}/describe/layouts/012000000000000AAA` },
      },
    ],
    searchLayoutable: true,
    sobjectDescribeOption: 'FULL',
    supportedScopes: [{ label: 'All', name: 'everything' }, { label: 'Mine', name: 'mine' }],
  };
}

export function describeField(f: FieldDef): Record<string, unknown> {
  const writable = !f.readOnly;
  const isText = ['string', 'textarea', 'email', 'phone', 'url', 'picklist', 'multipicklist', 'combobox', 'id', 'reference'].includes(f.type);
  const length = isText ? (f.length ?? 255) : 0;
  const isBoolean = f.type === 'boolean';
  return {
    aggregatable: f.type !== 'textarea' && f.type !== 'address',
    aiPredictionField: false,
    autoNumber: false,
    byteLength: length * 3,
    calculated: Boolean(f.readOnly && ['Name', 'ExpectedRevenue', 'IsClosed', 'IsWon'].includes(f.name)) || f.type === 'address',
    calculatedFormula: null,
    cascadeDelete: false,
    caseSensitive: false,
    compoundFieldName: compoundParent(f.name),
    controllerName: null,
    createable: writable,
    custom: Boolean(f.custom),
    defaultValue: f.type === 'boolean' ? (f.defaultValue ?? false) : null,
    defaultValueFormula: null,
    defaultedOnCreate: isBoolean || f.defaultValue !== undefined || f.type === 'id' || Boolean(f.readOnly) || f.name === 'OwnerId',
    dependentPicklist: false,
    deprecatedAndHidden: false,
    digits: f.type === 'int' ? (f.precision ?? 9) : 0,
    displayLocationInDecimal: false,
    encrypted: false,
    externalId: Boolean(f.externalId),
    extraTypeInfo: f.type === 'textarea' ? 'plaintextarea' : null,
    filterable: f.type !== 'textarea' || (f.length ?? 0) <= 255,
    filteredLookupInfo: null,
    formulaTreatNullNumberAsZero: false,
    groupable: !['textarea', 'double', 'currency', 'percent', 'datetime', 'address'].includes(f.type),
    highScaleNumber: false,
    htmlFormatted: false,
    idLookup: f.type === 'id' || Boolean(f.externalId) || f.name === 'Email',
    inlineHelpText: null,
    label: f.label,
    length,
    mask: null,
    maskType: null,
    name: f.name,
    nameField: Boolean(f.nameField),
    namePointing: false,
    nillable: !f.required && !isBoolean && f.type !== 'id',
    permissionable: !f.required && writable && f.type !== 'id',
    picklistValues: (f.picklistValues ?? []).map((v) => ({ active: true, defaultValue: f.defaultValue === v, label: v, validFor: null, value: v })),
    polymorphicForeignKey: false,
    precision: ['currency', 'double', 'percent'].includes(f.type) ? (f.precision ?? 18) : 0,
    queryByDistance: false,
    referenceTargetField: null,
    referenceTo: f.referenceTo ?? [],
    relationshipName: f.relationshipName ?? null,
    relationshipOrder: null,
    restrictedDelete: false,
    restrictedPicklist: Boolean(f.restricted),
    scale: ['currency', 'double', 'percent'].includes(f.type) ? (f.scale ?? 0) : 0,
    searchPrefilterable: f.type === 'reference',
    soapType: soapType(f.type),
    sortable: f.type !== 'textarea' || (f.length ?? 0) <= 255,
    type: f.type,
    unique: Boolean(f.unique),
    updateable: writable && !f.createOnly,
    writeRequiresMasterRead: false,
  };
}

/** Address components name their compound field, like the real describe does. */
function compoundParent(name: string): string | null {
  const m = /^(Mailing|Billing|Shipping)(Street|City|State|PostalCode|Country)$/.exec(name);
  if (m) return `${m[1]}Address`;
  if (['Street', 'City', 'State', 'PostalCode', 'Country'].includes(name)) return 'Address';
  return null;
}
