/**
 * Metadata as the Web API renders it: EntityDefinitions (EntityMetadata) and their Attributes (the derived
 * `…AttributeMetadata` types with AttributeType, RequiredLevel, IsValidFor…, MaxLength, Format, Targets) and, when
 * `$expand=OptionSet` asks, a choice's options with their labels.
 */
import { stableGuid } from './ids.ts';
import { metadataType, standardAttributes } from './schema.ts';
import type { AttributeDef, OptionDef, TableDef } from './schema.ts';

/** A Label as Dataverse nests it: every language, and the caller's own. */
export function label(text: string) {
  const one = { Label: text, LanguageCode: 1033, IsManaged: false, MetadataId: stableGuid(`label:${text}`), HasChanged: null };
  return { LocalizedLabels: [one], UserLocalizedLabel: one };
}

export function entityMetadataId(logicalName: string): string {
  return stableGuid(`entity:${logicalName}`);
}

export function attributeMetadataId(entity: string, attribute: string): string {
  return stableGuid(`attribute:${entity}.${attribute}`);
}

export function renderEntity(t: TableDef): Record<string, unknown> {
  return {
    MetadataId: entityMetadataId(t.logicalName), LogicalName: t.logicalName, SchemaName: t.schemaName,
    EntitySetName: t.entitySetName, LogicalCollectionName: t.entitySetName, PrimaryIdAttribute: t.primaryIdAttribute,
    PrimaryNameAttribute: t.primaryNameAttribute, ObjectTypeCode: t.objectTypeCode, IsCustomEntity: false,
    ChangeTrackingEnabled: true, IsValidForAdvancedFind: true, DisplayName: label(t.displayName),
    DisplayCollectionName: label(`${t.displayName}s`),
  };
}

/** Attributes of a table the sandbox lists but serves no rows for: its key and primary name. */
export function unservedAttributes(t: TableDef): AttributeDef[] {
  if (standardAttributes(t.logicalName).length) return standardAttributes(t.logicalName);
  const base = { required: 'None' as const, validForCreate: true, validForUpdate: true, custom: false };
  return [
    { ...base, logicalName: t.primaryIdAttribute, schemaName: t.primaryIdAttribute, type: 'Uniqueidentifier', displayName: t.displayName, primaryId: true, validForUpdate: false },
    { ...base, logicalName: t.primaryNameAttribute, schemaName: t.primaryNameAttribute, type: 'String', displayName: 'Name', maxLength: 100 },
  ];
}

function renderOption(o: OptionDef): Record<string, unknown> {
  return {
    Value: o.value, Label: label(o.label), Description: label(''), Color: null, IsManaged: false, ExternalValue: null,
    ...(o.state !== undefined ? { State: o.state } : {}), ...(o.defaultStatus !== undefined ? { DefaultStatus: o.defaultStatus } : {}),
  };
}

/** The OptionSet of a choice (or a Boolean's TrueOption/FalseOption), for `$expand=OptionSet`. */
export function renderOptionSet(entity: string, a: AttributeDef): Record<string, unknown> {
  const base = { MetadataId: stableGuid(`optionset:${entity}.${a.logicalName}`), Name: `${entity}_${a.logicalName}`, IsGlobal: false, IsCustomOptionSet: a.custom };
  if (a.type === 'Boolean') {
    const pick = (v: number) => renderOption(a.options?.find((o) => o.value === v) ?? { value: v, label: v ? 'Yes' : 'No' });
    return { ...base, OptionSetType: 'Boolean', TrueOption: pick(1), FalseOption: pick(0) };
  }
  return { ...base, OptionSetType: a.type, Options: (a.options ?? []).map(renderOption) };
}

export function renderAttribute(entity: TableDef, a: AttributeDef): Record<string, unknown> {
  const { odataType, typeName } = metadataType(a.type);
  return {
    '@odata.type': odataType, MetadataId: attributeMetadataId(entity.logicalName, a.logicalName),
    LogicalName: a.logicalName, SchemaName: a.schemaName, EntityLogicalName: entity.logicalName,
    AttributeType: a.type, AttributeTypeName: { Value: typeName }, DisplayName: label(a.displayName),
    RequiredLevel: { Value: a.required, CanBeChanged: !a.primaryId, ManagedPropertyLogicalName: 'canmodifyrequirementlevelsettings' },
    IsValidForCreate: a.validForCreate, IsValidForUpdate: a.validForUpdate, IsValidForRead: true,
    IsCustomAttribute: a.custom, IsPrimaryId: a.primaryId === true, IsPrimaryName: a.logicalName === entity.primaryNameAttribute,
    AttributeOf: null,
    ...(a.maxLength !== undefined ? { MaxLength: a.maxLength } : {}),
    ...(a.format !== undefined ? { Format: a.format } : {}),
    ...(a.targets !== undefined ? { Targets: a.targets } : {}),
    ...(a.minValue !== undefined ? { MinValue: a.minValue, MaxValue: a.maxValue } : {}),
  };
}

/** Keeps the `$select`ed properties (plus the key and the type annotation, which Dataverse always sends). */
export function pick(obj: Record<string, unknown>, select: string[] | undefined): Record<string, unknown> {
  if (!select) return obj;
  const keep = new Set(['@odata.type', 'MetadataId', ...select]);
  return Object.fromEntries(Object.entries(obj).filter(([k]) => keep.has(k)));
}
