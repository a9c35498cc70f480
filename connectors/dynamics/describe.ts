/**
 * Table and column metadata from Dataverse's EntityDefinitions, as the contract's ObjectDescription:
 *  - Dataverse attribute types → the contract's field types (String by its format, Memo → text, Money → currency,
 *    DateTime by DateOnly/DateAndTime, Lookup/Customer/Owner → reference with their targets as entity set names);
 *  - choices (Picklist, State, Status) with their option LABELS as values: records carry labels (records.ts), so
 *    mappings and picklist maps speak labels, never Dataverse's integers;
 *  - createable/updateable from IsValidForCreate/Update, nillable from RequiredLevel, custom from IsCustomAttribute;
 *  - a polymorphic lookup (Customer: account or contact) gets a companion `<name>type` field holding the target's
 *    logical name, the way Dataverse itself names it (`parentcustomeridtype`).
 * `describeObjects` always asks Dataverse (it is the metadata refresh); record mapping uses a short-lived cache of
 * the same answer (attribute types, option labels, lookup targets).
 */
import { ConnectorError } from '../contract/index.ts';
import type { CallOptions, FieldDescription, FieldType, ObjectDescription } from '../contract/index.ts';
import type { DynamicsApi } from './client.ts';
import { DYNAMICS, odataString } from './client.ts';
import { AttributeMap, CHOICE_CASTS, isLookup, isPolymorphic, typeField } from './attributes.ts';
import type { DataverseAttribute, DataverseKey, DataverseOption } from './attributes.ts';
import { hasStageField, stageFieldDescription } from './stages.ts';

export interface EntityInfo {
  logicalName: string;
  entitySetName: string;
  primaryId: string;
  label: string;
  custom: boolean;
}

/** The tables the connector describes by default, by entity set name (the connector's object types). */
export const DYNAMICS_OBJECTS = ['contacts', 'accounts', 'opportunities'] as const;
export const MODIFIED_FIELD = 'modifiedon';

const STANDARD: Record<string, EntityInfo> = {
  contacts: { logicalName: 'contact', entitySetName: 'contacts', primaryId: 'contactid', label: 'Contacts', custom: false },
  accounts: { logicalName: 'account', entitySetName: 'accounts', primaryId: 'accountid', label: 'Accounts', custom: false },
  opportunities: { logicalName: 'opportunity', entitySetName: 'opportunities', primaryId: 'opportunityid', label: 'Opportunities', custom: false },
};
/** Entity set names of common lookup targets, so mapping a lookup needs no EntityDefinitions call. */
const KNOWN_SETS: Record<string, string> = {
  contact: 'contacts', account: 'accounts', opportunity: 'opportunities', systemuser: 'systemusers', team: 'teams',
  transactioncurrency: 'transactioncurrencies', lead: 'leads', businessunit: 'businessunits',
};

/** Label of a Dataverse `Label` object (`{ UserLocalizedLabel: { Label } }`). */
export function labelText(label: unknown): string | undefined {
  const text = (label as { UserLocalizedLabel?: { Label?: unknown } } | null | undefined)?.UserLocalizedLabel?.Label;
  return typeof text === 'string' && text !== '' ? text : undefined;
}

const PHONE_NAMES = /^(telephone\d|mobilephone|fax|address\d_telephone\d)$/;

export function toFieldType(attribute: DataverseAttribute): FieldType {
  const format = String(attribute.FormatName?.Value ?? attribute.Format ?? '').toLowerCase();
  switch (attribute.AttributeType) {
    case 'String':
      if (format === 'email' || /^emailaddress\d$/.test(attribute.LogicalName)) return 'email';
      if (format === 'phone' || PHONE_NAMES.test(attribute.LogicalName)) return 'phone';
      if (format === 'url' || attribute.LogicalName === 'websiteurl') return 'url';
      return format === 'textarea' ? 'text' : 'string';
    case 'Memo': return 'text';
    case 'Integer': return 'int';
    // 64-bit (versionnumber passes 2^31 in real orgs): the graph's Int is 32-bit, a Float holds it exactly to 2^53.
    case 'BigInt': return 'float';
    case 'Money': return 'currency';
    case 'Decimal': case 'Double': return 'float';
    case 'Boolean': return 'boolean';
    case 'DateTime': return format === 'dateonly' ? 'date' : 'datetime';
    case 'Lookup': case 'Customer': case 'Owner': return 'reference';
    case 'Picklist': case 'State': case 'Status': return 'picklist';
    case 'Uniqueidentifier': return attribute.IsPrimaryId ? 'id' : 'string';
    case 'Virtual': return attribute.AttributeTypeName?.Value === 'MultiSelectPicklistType' ? 'multipicklist' : 'other';
    case 'EntityName': return 'picklist';
    default: return 'other';
  }
}

/** The fields of one table, held for record mapping: types, option labels, lookup targets. */
export class DynamicsCatalog {
  private readonly cache = new Map<string, { at: number; map: Promise<AttributeMap> }>();
  private entityList: { at: number; list: Promise<EntityInfo[]> } | null = null;

  constructor(
    private readonly api: DynamicsApi,
    private readonly ttlMs: number,
  ) {}

  /**
   * Every table the org has (EntityDefinitions), held like the attributes for mapping; `fresh` asks Dataverse again
   * (listObjects: a mapping save checks objects against what the org has now).
   */
  entities(options: CallOptions = {}, fresh = false): Promise<EntityInfo[]> {
    if (!fresh && this.entityList && Date.now() - this.entityList.at < this.ttlMs) return this.entityList.list;
    const list = this.fetchEntities(options);
    const entry = { at: Date.now(), list };
    this.entityList = entry;
    list.catch(() => this.entityList === entry && (this.entityList = null));
    return list;
  }

  /** The table behind an entity set name: the three standard ones without a call, others from EntityDefinitions. */
  async entity(objectType: string, options: CallOptions = {}): Promise<EntityInfo> {
    const known = STANDARD[objectType];
    if (known) return known;
    const found = (await this.entities(options)).find((e) => e.entitySetName === objectType);
    if (!found) throw new ConnectorError('CRM_NOT_FOUND', DYNAMICS, `no table with entity set ${objectType}`, { details: { objectType } });
    return found;
  }

  /** The entity set name of a logical name (`account` → `accounts`), for `@odata.bind` and `referenceTo`. */
  async setNameOf(logicalName: string, options: CallOptions = {}): Promise<string> {
    const known = KNOWN_SETS[logicalName];
    if (known) return known;
    return (await this.entities(options)).find((e) => e.logicalName === logicalName)?.entitySetName ?? logicalName;
  }

  async describe(objectTypes: readonly string[] | undefined, options: CallOptions = {}): Promise<ObjectDescription[]> {
    const types = objectTypes?.length ? [...objectTypes] : [...DYNAMICS_OBJECTS];
    return Promise.all(types.map(async (objectType) => {
      const entity = await this.entity(objectType, options);
      const map = await this.fetchMap(entity, options);
      this.cache.set(objectType, { at: Date.now(), map: Promise.resolve(map) });
      const fields: FieldDescription[] = [];
      for (const attribute of map.attributes) {
        const field = await this.toFieldDescription(attribute, map, options);
        fields.push(field);
        if (isPolymorphic(attribute) && !map.byName.has(typeField(attribute.LogicalName))) fields.push(typeFieldDescription(attribute));
      }
      // Opportunities: the synthetic stage_name made of statecode and salesstage (stages.ts).
      if (hasStageField(map)) fields.push(stageFieldDescription(map));
      return { name: entity.entitySetName, label: entity.label, custom: entity.custom, idField: entity.primaryId, modifiedField: MODIFIED_FIELD, fields };
    }));
  }

  /** The table's attributes, from cache when fresh. */
  attributes(objectType: string, options: CallOptions = {}): Promise<AttributeMap> {
    const cached = this.cache.get(objectType);
    if (cached && Date.now() - cached.at < this.ttlMs) return cached.map;
    const map = this.entity(objectType, options).then((entity) => this.fetchMap(entity, options));
    const entry = { at: Date.now(), map };
    this.cache.set(objectType, entry);
    // A failed fetch must not stay cached.
    map.catch(() => this.cache.get(objectType) === entry && this.cache.delete(objectType));
    return map;
  }

  /** Forgets a table's attributes: a column was added or removed (Dataverse named one it does not know). */
  invalidate(objectType: string): void {
    this.cache.delete(objectType);
  }

  private async toFieldDescription(attribute: DataverseAttribute, map: AttributeMap, options: CallOptions): Promise<FieldDescription> {
    const type = toFieldType(attribute);
    const required = ['ApplicationRequired', 'SystemRequired'].includes(String(attribute.RequiredLevel?.Value ?? 'None'));
    const field: FieldDescription = {
      name: attribute.LogicalName,
      label: labelText(attribute.DisplayName) ?? attribute.LogicalName,
      type,
      nativeType: attribute.AttributeType ?? attribute.AttributeTypeName?.Value ?? 'Unknown',
      nillable: !required && attribute.IsPrimaryId !== true,
      createable: attribute.IsValidForCreate === true,
      updateable: attribute.IsValidForUpdate === true,
      custom: attribute.IsCustomAttribute === true,
      unique: attribute.IsPrimaryId === true,
      // The columns of the table's single-column Active alternate keys (read with the attributes): upserts match on them.
      externalId: map.upsertKeyFields().has(attribute.LogicalName),
    };
    const options_ = map.options.get(attribute.LogicalName);
    if ((type === 'picklist' || type === 'multipicklist') && options_) field.picklistValues = options_.map((o) => ({ value: o.label, label: o.label, active: true }));
    if (isLookup(attribute)) field.referenceTo = await Promise.all((attribute.Targets ?? []).map((t) => this.setNameOf(t, options)));
    if (typeof attribute.MaxLength === 'number') field.length = attribute.MaxLength;
    return field;
  }

  private async fetchMap(entity: EntityInfo, options: CallOptions): Promise<AttributeMap> {
    const lane = options.lane ?? 'interactive';
    const signal = options.signal ? { signal: options.signal } : {};
    const base = `EntityDefinitions(LogicalName=${odataString(entity.logicalName)})/Attributes`;
    const entityPath = `EntityDefinitions(LogicalName=${odataString(entity.logicalName)})`;
    // The alternate keys come with the attributes (one more call per table): they say what upserts may match on.
    // …and the lookups' navigation properties (one more): a custom lookup binds through its SchemaName.
    const [page, keys, relationships] = await Promise.all([
      this.api.page<DataverseAttribute>(lane, { path: base, ...signal }),
      this.fetchKeys(entityPath, lane, signal),
      this.api.page<Record<string, unknown>>(lane, {
        path: `${entityPath}/ManyToOneRelationships`,
        query: { $select: 'ReferencingAttribute,ReferencingEntityNavigationPropertyName,ReferencedEntity' }, ...signal,
      }),
    ]);
    const navigations = new Map<string, string>();
    for (const r of relationships.value) {
      const [attr, nav, target] = [r?.ReferencingAttribute, r?.ReferencingEntityNavigationPropertyName, r?.ReferencedEntity];
      if (typeof attr === 'string' && typeof nav === 'string' && nav !== '' && typeof target === 'string') navigations.set(`${attr}|${target}`, nav);
    }
    const attributes = page.value.filter((a) => typeof a?.LogicalName === 'string' && typeof a.AttributeType === 'string');
    const present = new Set(attributes.map((a) => (a.AttributeTypeName?.Value === 'MultiSelectPicklistType' ? 'MultiSelectPicklist' : a.AttributeType)));
    // One call per kind of choice the table has (Picklist, State, Status, multi-select): option labels live there.
    const casts = CHOICE_CASTS.filter((c) => present.has(c.attributeType));
    const optionPages = await Promise.all(casts.map((c) => this.api.page<{ LogicalName?: string; OptionSet?: { Options?: DataverseOption[] } }>(lane, {
      path: `${base}/Microsoft.Dynamics.CRM.${c.cast}`,
      query: { $select: 'LogicalName', $expand: 'OptionSet($select=Options)' },
      ...signal,
    })));
    const options_ = new Map<string, Array<{ value: number; label: string }>>();
    for (const row of optionPages.flatMap((p) => p.value)) {
      if (typeof row?.LogicalName !== 'string') continue;
      const list = (row.OptionSet?.Options ?? [])
        .filter((o) => typeof o?.Value === 'number')
        .map((o) => ({ value: o.Value as number, label: labelText(o.Label) ?? String(o.Value) }));
      options_.set(row.LogicalName, list);
    }
    return new AttributeMap(entity, attributes, options_, keys, navigations);
  }

  /** `…/Keys`: the table's alternate keys (a failure fails the metadata read like any of its calls). */
  private async fetchKeys(entityPath: string, lane: NonNullable<CallOptions['lane']>, signal: { signal?: AbortSignal }): Promise<DataverseKey[]> {
    const page = await this.api.page<Partial<DataverseKey>>(lane, { path: `${entityPath}/Keys`, query: { $select: 'LogicalName,KeyAttributes,EntityKeyIndexStatus' }, ...signal });
    return page.value
      .filter((k) => typeof k?.LogicalName === 'string' && Array.isArray(k.KeyAttributes))
      .map((k) => ({ LogicalName: k.LogicalName!, KeyAttributes: k.KeyAttributes!.map(String), ...(typeof k.EntityKeyIndexStatus === 'string' ? { EntityKeyIndexStatus: k.EntityKeyIndexStatus } : {}) }));
  }

  private async fetchEntities(options: CallOptions): Promise<EntityInfo[]> {
    const page = await this.api.page<Record<string, unknown>>(options.lane ?? 'interactive', {
      path: 'EntityDefinitions',
      query: { $select: 'LogicalName,EntitySetName,PrimaryIdAttribute,PrimaryNameAttribute' },
      ...(options.signal ? { signal: options.signal } : {}),
    });
    return page.value
      .filter((e) => typeof e?.LogicalName === 'string' && typeof e.EntitySetName === 'string' && e.EntitySetName !== '')
      .map((e) => ({
        logicalName: e.LogicalName as string,
        entitySetName: e.EntitySetName as string,
        primaryId: typeof e.PrimaryIdAttribute === 'string' ? e.PrimaryIdAttribute : `${e.LogicalName as string}id`,
        label: e.EntitySetName as string,
        // Not in the pinned $select; present when an org adds it, false otherwise (the three standard tables are not).
        custom: e.IsCustomEntity === true,
      }));
  }
}

/** The companion of a polymorphic lookup: which table its guid points at, by logical name. */
function typeFieldDescription(attribute: DataverseAttribute): FieldDescription {
  const targets = attribute.Targets ?? [];
  return {
    name: typeField(attribute.LogicalName),
    label: `${labelText(attribute.DisplayName) ?? attribute.LogicalName} (table)`,
    type: 'picklist',
    nativeType: 'EntityName',
    nillable: true,
    createable: attribute.IsValidForCreate === true,
    updateable: attribute.IsValidForUpdate === true,
    custom: attribute.IsCustomAttribute === true,
    unique: false,
    picklistValues: targets.map((t) => ({ value: t, label: t, active: true })),
  };
}
