/**
 * One table's attribute metadata as record mapping needs it: which columns are lookups (read as `_x_value`,
 * written with `@odata.bind`), which are polymorphic (Customer: account or contact), and the option labels of
 * choices. Built by describe.ts from EntityDefinitions, read by records.ts and the readers.
 */
import type { EntityInfo } from './describe.ts';
import { stageColumns } from './stages.ts';

/** An entry of `EntityDefinitions(LogicalName='…')/Attributes`, as much as we read. */
export interface DataverseAttribute {
  '@odata.type'?: string;
  LogicalName: string;
  SchemaName?: string;
  AttributeType?: string;
  AttributeTypeName?: { Value?: string } | null;
  DisplayName?: unknown;
  RequiredLevel?: { Value?: string } | null;
  IsValidForCreate?: boolean;
  IsValidForUpdate?: boolean;
  IsValidForRead?: boolean;
  IsCustomAttribute?: boolean;
  IsPrimaryId?: boolean;
  AttributeOf?: string | null;
  MaxLength?: number;
  Format?: string | null;
  FormatName?: { Value?: string } | null;
  Targets?: string[] | null;
}

export interface DataverseOption {
  Value?: number;
  Label?: unknown;
}

/** The metadata casts that carry option sets, and the attribute type each serves. */
export const CHOICE_CASTS = [
  { attributeType: 'Picklist', cast: 'PicklistAttributeMetadata' },
  { attributeType: 'State', cast: 'StateAttributeMetadata' },
  { attributeType: 'Status', cast: 'StatusAttributeMetadata' },
  { attributeType: 'MultiSelectPicklist', cast: 'MultiSelectPicklistAttributeMetadata' },
] as const;

const LOOKUP_TYPES = new Set(['Lookup', 'Customer', 'Owner']);
const CHOICE_TYPES = new Set(['Picklist', 'State', 'Status']);

export const isLookup = (attribute: DataverseAttribute | undefined): boolean => LOOKUP_TYPES.has(attribute?.AttributeType ?? '');
/** A lookup that may point at more than one table: which one is said by the `…type` companion / the annotation. */
export const isPolymorphic = (attribute: DataverseAttribute | undefined): boolean => isLookup(attribute) && (attribute?.Targets?.length ?? 0) > 1;
export const isChoice = (attribute: DataverseAttribute | undefined): boolean => CHOICE_TYPES.has(attribute?.AttributeType ?? '');
export const isMultiChoice = (attribute: DataverseAttribute | undefined): boolean => attribute?.AttributeTypeName?.Value === 'MultiSelectPicklistType';

/** The companion field naming a polymorphic lookup's table, as Dataverse names it (`parentcustomeridtype`). */
export const typeField = (lookup: string): string => `${lookup}type`;
/** The wire name a lookup is read (and `$select`ed) under. */
export const lookupValueKey = (lookup: string): string => `_${lookup}_value`;
/** The annotation naming the table of a lookup's guid. */
export const LOOKUP_TABLE_ANNOTATION = 'Microsoft.Dynamics.CRM.lookuplogicalname';

/**
 * Columns Dataverse lists that are no field of their own: companions of another (`AttributeOf`: `…name`,
 * `…yominame`, `…type`) and virtual columns other than multi-select choices.
 */
function isOwnColumn(attribute: DataverseAttribute): boolean {
  if (attribute.IsValidForRead === false) return false;
  if (typeof attribute.AttributeOf === 'string' && attribute.AttributeOf !== '') return false;
  return attribute.AttributeType !== 'Virtual' || isMultiChoice(attribute);
}

/**
 * The record id under the name every CRM's graph keys on (`id`): Dataverse names it after the table (`contactid`),
 * and the mapping's `idField` of Dynamics objects is `id`, so a read naming it gets the row's key.
 */
export const ID_ALIAS = 'id';

/** One alternate key of a table, from `EntityDefinitions(…)/Keys`. */
export interface DataverseKey {
  LogicalName: string;
  KeyAttributes: string[];
  EntityKeyIndexStatus?: string;
}

export class AttributeMap {
  readonly attributes: DataverseAttribute[];
  /**
   * Set once Dataverse refused a column this metadata did not list and the metadata was read again for it: until
   * it is re-read, names it does not know are left out of `$select` up front instead of failing each read again.
   */
  strict = false;
  readonly byName: Map<string, DataverseAttribute>;
  /** `parentcustomeridtype` → `parentcustomerid`, for the polymorphic lookups of the table. */
  readonly typeFields: Map<string, string>;

  constructor(
    readonly entity: EntityInfo,
    attributes: DataverseAttribute[],
    /** Option value/label pairs of each choice column. */
    readonly options: Map<string, Array<{ value: number; label: string }>>,
    /** The table's alternate keys (`…/Keys`); undefined only for a map built without them (then `cg_externalid`). */
    readonly keys?: DataverseKey[],
    /** `<lookup>|<target logical name>` → the single-valued navigation property writes bind through. */
    readonly navigations: Map<string, string> = new Map(),
  ) {
    this.attributes = attributes.filter(isOwnColumn);
    this.byName = new Map(this.attributes.map((a) => [a.LogicalName, a]));
    this.typeFields = new Map(this.attributes.filter(isPolymorphic).map((a) => [typeField(a.LogicalName), a.LogicalName]));
  }

  /**
   * Columns an upsert can match on: each Active key of ONE column (`PATCH contacts(emailaddress1='x')`); a key of
   * several columns needs them all in the URL, which `externalIdField` (one field) cannot name.
   */
  upsertKeyFields(): Set<string> {
    if (!this.keys) return new Set(['cg_externalid']);
    return new Set(this.keys.filter((k) => k.EntityKeyIndexStatus === 'Active' && k.KeyAttributes.length === 1).map((k) => k.KeyAttributes[0]!));
  }

  /** The keys as a reader sees them, for error messages: `cg_externalid_key (cg_externalid)`. */
  keysText(): string {
    if (!this.keys) return 'cg_externalid_key (cg_externalid)';
    return this.keys.map((k) => `${k.LogicalName} (${k.KeyAttributes.join(', ')}${k.EntityKeyIndexStatus === 'Active' ? '' : `; ${k.EntityKeyIndexStatus ?? 'unknown'}`})`).join(', ') || 'none';
  }

  /** The navigation property binding lookup `name` to a `target` row, from ManyToOneRelationships. */
  navigationOf(name: string, target: string): string | undefined {
    return this.navigations.get(`${name}|${target}`);
  }

  /** The label of a choice value, or undefined when the option is unknown. */
  labelOf(name: string, value: unknown): string | undefined {
    return this.options.get(name)?.find((o) => String(o.value) === String(value))?.label;
  }

  /** The integer of a label (exact, then case-insensitive), or of an integer given as is; undefined when none. */
  valueOf(name: string, given: unknown): number | undefined {
    const options = this.options.get(name) ?? [];
    const text = String(given).trim();
    const option = options.find((o) => o.label === text) ?? options.find((o) => o.label.toLowerCase() === text.toLowerCase()) ?? options.find((o) => String(o.value) === text);
    return option?.value;
  }

  /** The labels a choice accepts, for error messages. */
  labels(name: string): string[] {
    return (this.options.get(name) ?? []).map((o) => o.label);
  }

  /**
   * `$select` for the requested fields: lookups (and a polymorphic lookup's `…type` companion) as `_x_value`; the
   * key and `modifiedon` always, which every record needs. Undefined when every column is wanted (no `$select`).
   * `knownOnly` leaves out names the metadata does not list (they then read as null): used after Dataverse refused
   * one and the metadata was read again, so a removed column does not fail every read of its table.
   */
  select(fields: readonly string[] | undefined, knownOnly = this.strict): string | undefined {
    if (!fields) return undefined;
    const names = new Set<string>([this.entity.primaryId, 'modifiedon']);
    for (const field of fields) {
      if (this.isIdAlias(field)) continue;
      // The synthetic stage_name (stages.ts) is read from the two columns it is made of.
      const stage = stageColumns(this, field);
      if (stage) {
        for (const column of stage) names.add(column);
        continue;
      }
      if (knownOnly && !this.byName.has(field) && !this.typeFields.has(field)) continue;
      const lookup = this.typeFields.get(field) ?? (isLookup(this.byName.get(field)) ? field : undefined);
      names.add(lookup ? lookupValueKey(lookup) : field);
    }
    return [...names].join(',');
  }

  /** `id` names the row's key unless the table has a column of that name. */
  isIdAlias(name: string): boolean {
    return name === ID_ALIAS && !this.byName.has(ID_ALIAS);
  }

  /** True when reading `fields` needs the lookup-table annotation (a polymorphic lookup's table). */
  needsAnnotations(fields: readonly string[] | undefined): boolean {
    if (this.typeFields.size === 0) return false;
    return !fields || fields.some((f) => this.typeFields.has(f) || this.typeFields.has(typeField(f)));
  }
}
