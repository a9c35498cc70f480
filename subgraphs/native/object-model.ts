/**
 * The subgraph's model of the CRM: which GraphQL type, field, input and relationship stands for which native
 * object and field. Built from `connector.describeObjects()` alone, so a custom field created in the CRM shows
 * up at the next refresh. The SDL and the resolvers are both rendered from this one model.
 */
import type { FieldDescription, FieldType, ObjectDescription } from '../../connectors/contract/index.ts';
import type { NativeNaming, OperationNames } from './naming.ts';
import { deriveRelationshipName, graphQLSafeName, isGraphQLName, operationNames } from './naming.ts';

export type ScalarName = 'String' | 'Int' | 'Float' | 'Boolean';

export interface ScalarFieldModel {
  /** GraphQL field name. */
  name: string;
  /** Native field name. */
  native: string;
  scalar: ScalarName;
  description: string;
  createable: boolean;
  updateable: boolean;
  /** Read apart, only when a query selects it (FieldDescription.separateRead): left out of `fetchFields`. */
  separateRead: boolean;
}

export interface RelationModel {
  /** GraphQL field name, e.g. `Account`. */
  name: string;
  /** The native reference field holding the parent id, e.g. `AccountId`. */
  native: string;
  /** The native object referenced, e.g. `Account`. */
  target: string;
  targetType: string;
  /** Native fields of the parent read inline through `<relationship>.<field>` in the same call. */
  inline: string[];
}

export interface ObjectModel {
  objectType: string;
  typeName: string;
  label: string;
  ops: OperationNames;
  fields: ScalarFieldModel[];
  relations: RelationModel[];
  /** `modifiedAt` / `deleted` helpers, unless a native field already has the name. */
  helpers: { modifiedAt: boolean; deleted: boolean };
  /** What to ask the connector for: every exposed native field but the separately read ones, plus the inline parent paths. */
  fetchFields: string[];
  /** Native fields read apart, per request and only when selected (record-access.ts `loadSeparate`). */
  separateFields: string[];
}

export interface SubgraphModel {
  name: string;
  prefix: string;
  keyField: string;
  objects: ObjectModel[];
  byObjectType: Map<string, ObjectModel>;
  byTypeName: Map<string, ObjectModel>;
  /** Native fields left out, with the reason: for logs and README examples. */
  skipped: { objectType: string; field: string; reason: string }[];
}

/**
 * Contract field types → GraphQL scalars. Dates and datetimes stay strings in the CRM's own format (a sync
 * engine compares them as the CRM wrote them); `address` is Salesforce's read-only compound of fields that
 * are exposed one by one anyway, so it is left out.
 */
const SCALAR_OF: Record<FieldType, ScalarName | null> = {
  string: 'String', text: 'String', email: 'String', phone: 'String', url: 'String', picklist: 'String',
  multipicklist: 'String', id: 'String', reference: 'String', date: 'String', datetime: 'String', other: 'String',
  boolean: 'Boolean', int: 'Int', float: 'Float', currency: 'Float', percent: 'Float', address: null,
};

export function buildSubgraphModel(name: string, prefix: string, naming: NativeNaming, described: ObjectDescription[]): SubgraphModel {
  const byName = new Map(described.map((d) => [d.name, d]));
  const exposed = naming.objectTypes.filter((t) => byName.has(t));
  const typeNames = new Map(exposed.map((t) => [t, naming.typeName(t)]));
  for (const [objectType, typeName] of typeNames) {
    if (!isGraphQLName(typeName)) throw new Error(`${name}: type name "${typeName}" for ${objectType} is not a valid GraphQL name`);
  }
  const skipped: SubgraphModel['skipped'] = [];
  const objects = exposed.map((objectType) =>
    buildObjectModel(byName.get(objectType)!, typeNames.get(objectType)!, naming, typeNames, byName, skipped));
  return {
    name, prefix, keyField: naming.keyField, objects, skipped,
    byObjectType: new Map(objects.map((o) => [o.objectType, o])),
    byTypeName: new Map(objects.map((o) => [o.typeName, o])),
  };
}

function buildObjectModel(
  d: ObjectDescription, typeName: string, naming: NativeNaming, typeNames: Map<string, string>,
  described: Map<string, ObjectDescription>, skipped: SubgraphModel['skipped'],
): ObjectModel {
  const used = new Set<string>([naming.keyField, '__typename']);
  const fields: ScalarFieldModel[] = [];
  for (const f of d.fields) {
    // The id field is the entity key, exposed once as `<keyField>: ID!`.
    if (f.name === d.idField || f.name === naming.keyField) continue;
    const scalar = SCALAR_OF[f.type];
    if (!scalar) {
      skipped.push({ objectType: d.name, field: f.name, reason: `type ${f.type} is not exposed` });
      continue;
    }
    const gqlName = isGraphQLName(f.name) ? f.name : graphQLSafeName(f.name);
    if (used.has(gqlName)) {
      skipped.push({ objectType: d.name, field: f.name, reason: `GraphQL name ${gqlName} is already taken` });
      continue;
    }
    used.add(gqlName);
    fields.push({
      name: gqlName, native: f.name, scalar, description: describeField(f), createable: f.createable, updateable: f.updateable, separateRead: f.separateRead === true,
    });
  }

  const relations: RelationModel[] = [];
  const relationshipName = naming.relationshipName ?? deriveRelationshipName;
  for (const f of d.fields) {
    if (f.type !== 'reference' || f.referenceTo?.length !== 1) continue; // polymorphic references are left out
    const target = f.referenceTo[0]!;
    const targetType = typeNames.get(target);
    if (!targetType) continue; // the referenced object is not exposed by this subgraph
    const relName = relationshipName(f);
    if (!relName || !isGraphQLName(relName) || used.has(relName)) {
      if (relName) skipped.push({ objectType: d.name, field: relName, reason: 'relationship name invalid or taken' });
      continue;
    }
    used.add(relName);
    const targetFields = new Set(described.get(target)?.fields.map((tf) => tf.name) ?? []);
    const inline = (naming.inlineParentFields ?? []).filter((n) => targetFields.has(n));
    relations.push({ name: relName, native: f.name, target, targetType, inline });
  }

  const helpers = { modifiedAt: !used.has('modifiedAt'), deleted: !used.has('deleted') };
  const fetchFields = [
    ...fields.filter((f) => !f.separateRead).map((f) => f.native),
    ...relations.flatMap((r) => r.inline.map((n) => `${nativeRelationshipPath(r)}.${n}`)),
  ];
  const separateFields = fields.filter((f) => f.separateRead).map((f) => f.native);
  return { objectType: d.name, typeName, label: d.label, ops: operationNames(typeName), fields, relations, helpers, fetchFields, separateFields };
}

/** The native path used to read parent fields inline: the relationship field's GraphQL name is the native one. */
export function nativeRelationshipPath(r: RelationModel): string {
  return r.name;
}

function describeField(f: FieldDescription): string {
  const flags = [f.custom ? 'custom' : null, f.unique ? 'unique' : null, f.createable || f.updateable ? null : 'read-only']
    .filter((x): x is string => x !== null);
  return `${f.label} — native ${f.nativeType}${flags.length ? ` (${flags.join(', ')})` : ''}`;
}
