/**
 * `EntityDefinitions`: the tables, one table, its Attributes (all, one, or those of one metadata type through a
 * cast segment such as `Microsoft.Dynamics.CRM.PicklistAttributeMetadata`, with `$expand=OptionSet`), creating a
 * custom attribute (POST …/Attributes) and deleting one (DELETE …/Attributes(LogicalName='cg_x')).
 */
import type { ApiContext, ApiRequest } from '../api.ts';
import { jsonBody } from '../api.ts';
import { badQuery, badRequest, CODES, DataverseError, emptyAnswer, jsonAnswer } from '../errors.ts';
import type { ApiAnswer } from '../errors.ts';
import { attributeMetadataId, entityMetadataId, pick, renderAttribute, renderEntity, renderOptionSet, unservedAttributes } from '../metadata.ts';
import type { Key, Segment } from '../odata/paths.ts';
import { metadataType, TABLES } from '../schema.ts';
import type { AttributeDef, TableDef } from '../schema.ts';
import { createCustomAttribute } from '../custom-attributes.ts';
import { createKey, deleteKey, keyMetadataId, renderKey } from '../keys.ts';
import { isLookupType, navigationName } from '../store.ts';
import type { TableState } from '../store.ts';
import { stableGuid } from '../ids.ts';

const CAST_PREFIX = 'Microsoft.Dynamics.CRM.';

function findTable(key: Key): TableDef {
  const t = 'id' in key
    ? TABLES.find((x) => entityMetadataId(x.logicalName) === key.id)
    : TABLES.find((x) => x.logicalName === key.named.LogicalName);
  if (!t) throw new DataverseError(404, CODES.notFound, `Could not find an entity with ${'id' in key ? `MetadataId = ${key.id}` : `name = ${key.named.LogicalName}`}.`);
  return t;
}

function selectOf(req: ApiRequest): string[] | undefined {
  const raw = req.params.get('$select');
  return raw === null ? undefined : raw.split(',').map((s) => s.trim()).filter(Boolean);
}

/** `$expand=OptionSet` or `OptionSet($select=Options)`: undefined when not asked, else the OptionSet `$select`. */
function optionSetExpand(req: ApiRequest): { select?: string[] } | undefined {
  const raw = req.params.get('$expand');
  if (raw === null) return undefined;
  const m = /^\s*(OptionSet|GlobalOptionSet)\s*(?:\(\s*\$select=([^)]*)\))?\s*$/.exec(raw);
  if (!m) throw badQuery(`$expand '${raw}' is not supported on attribute metadata by this sandbox (only OptionSet).`);
  return m[2] ? { select: m[2].split(',').map((s) => s.trim()) } : {};
}

function checkOptions(req: ApiRequest, allowed: string[]): void {
  for (const key of req.params.keys()) {
    if (key.startsWith('$') && !allowed.includes(key)) throw badQuery(`The query parameter ${key} is not supported on metadata by this sandbox.`);
  }
}

export function handleMetadata(ctx: ApiContext, req: ApiRequest, segments: Segment[]): ApiAnswer {
  const [entitySeg, attrSeg, third] = segments;
  const context = `${req.base}$metadata#EntityDefinitions`;
  if (!entitySeg!.key) {
    if (segments.length > 1 || req.method !== 'GET') throw badQuery('Only GET EntityDefinitions or EntityDefinitions(LogicalName=\'…\') is supported.');
    checkOptions(req, ['$select']);
    const select = selectOf(req);
    return jsonAnswer(200, { '@odata.context': `${context}${select ? `(${select.join(',')})` : ''}`, value: TABLES.map((t) => pick(renderEntity(t), select)) });
  }
  const table = findTable(entitySeg!.key);
  const served = ctx.org().tableByLogical(table.logicalName);
  const attributes = (): AttributeDef[] => (served ? [...served.attributes.values()] : unservedAttributes(table));
  if (!attrSeg) {
    if (req.method !== 'GET') throw badQuery('Only GET is supported on an entity definition.');
    checkOptions(req, ['$select']);
    return jsonAnswer(200, { '@odata.context': `${context}/$entity`, ...pick(renderEntity(table), selectOf(req)) });
  }
  if (attrSeg.name === 'ManyToOneRelationships') return handleRelationships(req, table, attributes(), attrSeg, third, context);
  if (attrSeg.name === 'Keys') return handleKeys(req, table, served, attrSeg, third, context);
  if (attrSeg.name !== 'Attributes') throw badQuery(`Resource not found for the segment '${attrSeg.name}'.`);
  const render = (a: AttributeDef, expand: { select?: string[] } | undefined) => {
    const out = pick(renderAttribute(table, a), selectOf(req));
    if (expand) out.OptionSet = pick(renderOptionSet(table.logicalName, a), expand.select);
    return out;
  };
  /** A cast segment keeps the attributes of that metadata type; OptionSet may only be expanded after a choice cast. */
  const cast = (segment: Segment | undefined): ((a: AttributeDef) => boolean) | undefined => {
    if (!segment) return undefined;
    if (!segment.name.startsWith(CAST_PREFIX)) throw badQuery(`Resource not found for the segment '${segment.name}'.`);
    const wanted = `#${segment.name}`;
    return (a) => metadataType(a.type).odataType === wanted;
  };

  if (!attrSeg.key) {
    if (req.method === 'POST' && !third) {
      if (!served) throw badRequest(CODES.cannotDelete, `Attributes cannot be added to ${table.logicalName} in this sandbox.`);
      const a = createCustomAttribute(served, jsonBody(req));
      return emptyAnswer(204, { 'OData-EntityId': `${req.base}EntityDefinitions(${entityMetadataId(table.logicalName)})/Attributes(${attributeMetadataId(table.logicalName, a.logicalName)})` });
    }
    if (req.method !== 'GET') throw badQuery(`The HTTP method '${req.method}' is not supported on Attributes.`);
    checkOptions(req, ['$select', '$expand']);
    const filter = cast(third);
    const expand = optionSetExpand(req);
    if (expand && !third) throw badQuery("Could not find a property named 'OptionSet' on type 'Microsoft.Dynamics.CRM.AttributeMetadata'.");
    const list = attributes().filter((a) => !filter || filter(a));
    return jsonAnswer(200, { '@odata.context': `${context}('${table.logicalName}')/Attributes`, value: list.map((a) => render(a, expand)) });
  }

  const key = attrSeg.key;
  const a = attributes().find((x) => ('id' in key ? attributeMetadataId(table.logicalName, x.logicalName) === key.id : x.logicalName === key.named.LogicalName));
  const label = 'id' in key ? key.id : key.named.LogicalName;
  if (!a) throw new DataverseError(404, CODES.notFound, `Could not find an attribute with ${'id' in key ? 'MetadataId' : 'name'} ${label} on entity ${table.logicalName}.`);
  if (req.method === 'DELETE' && !third) {
    if (!served) throw badRequest(CODES.cannotDelete, `The attribute ${a.logicalName} cannot be deleted.`);
    if (!a.custom) throw badRequest(CODES.cannotDelete, `The attribute ${a.logicalName} is not a custom attribute and cannot be deleted.`);
    const inKey = [...served.keys.values()].find((k) => k.attributes.includes(a.logicalName));
    if (inKey) throw badRequest(CODES.cannotDelete, `The attribute ${a.logicalName} cannot be deleted: it is part of the alternate key ${inKey.logicalName}.`);
    served.attributes.delete(a.logicalName);
    // Rows are immutable; drop the column from copies (a schema change bumps no row versions in Dataverse).
    for (const [id, row] of served.rows) {
      const { [a.logicalName]: _gone, ...values } = row.values;
      served.rows.set(id, { id, values });
    }
    return emptyAnswer(204);
  }
  if (req.method !== 'GET') throw badQuery(`The HTTP method '${req.method}' is not supported on an attribute.`);
  checkOptions(req, ['$select', '$expand']);
  const filter = cast(third);
  if (filter && !filter(a)) throw badQuery(`The attribute ${a.logicalName} is not of type ${third!.name}.`);
  const expand = optionSetExpand(req);
  if (expand && !third) throw badQuery("Could not find a property named 'OptionSet' on type 'Microsoft.Dynamics.CRM.AttributeMetadata'.");
  return jsonAnswer(200, { '@odata.context': `${context}('${table.logicalName}')/Attributes/$entity`, ...render(a, expand) });
}

/** `…/Keys`: list (with `$select`), one by LogicalName or MetadataId, POST a new key, DELETE one (keys.ts). */
function handleKeys(req: ApiRequest, table: TableDef, served: TableState | undefined, seg: Segment, third: Segment | undefined, context: string): ApiAnswer {
  if (third) throw badQuery(`Resource not found for the segment '${third.name}'.`);
  const keys = served ? [...served.keys.values()] : [];
  if (!seg.key) {
    if (req.method === 'POST') {
      if (!served) throw badRequest(CODES.cannotDelete, `Keys cannot be added to ${table.logicalName} in this sandbox.`);
      const k = createKey(served, jsonBody(req));
      return emptyAnswer(204, { 'OData-EntityId': `${req.base}EntityDefinitions(${entityMetadataId(table.logicalName)})/Keys(${keyMetadataId(table.logicalName, k.logicalName)})` });
    }
    if (req.method !== 'GET') throw badQuery(`The HTTP method '${req.method}' is not supported on Keys.`);
    checkOptions(req, ['$select']);
    return jsonAnswer(200, { '@odata.context': `${context}('${table.logicalName}')/Keys`, value: keys.map((k) => pick(renderKey(table.logicalName, k), selectOf(req))) });
  }
  const key = seg.key;
  const k = keys.find((x) => ('id' in key ? keyMetadataId(table.logicalName, x.logicalName) === key.id : x.logicalName === key.named.LogicalName));
  if (!k) throw new DataverseError(404, CODES.notFound, `Could not find an entity key ${'id' in key ? key.id : key.named.LogicalName} on entity ${table.logicalName}.`);
  if (req.method === 'DELETE') {
    deleteKey(served!, k.logicalName);
    return emptyAnswer(204);
  }
  if (req.method !== 'GET') throw badQuery(`The HTTP method '${req.method}' is not supported on a key.`);
  checkOptions(req, ['$select']);
  return jsonAnswer(200, { '@odata.context': `${context}('${table.logicalName}')/Keys/$entity`, ...pick(renderKey(table.logicalName, k), selectOf(req)) });
}

/**
 * `…/ManyToOneRelationships`: one relationship per lookup and target (a Customer lookup has one per table it may
 * point at), with the navigation property a write binds through (`ReferencingEntityNavigationPropertyName`).
 */
function handleRelationships(req: ApiRequest, table: TableDef, attrs: AttributeDef[], seg: Segment, third: Segment | undefined, context: string): ApiAnswer {
  if (seg.key || third || req.method !== 'GET') throw badQuery('Only GET …/ManyToOneRelationships is supported by this sandbox.');
  checkOptions(req, ['$select']);
  const value = attrs.filter(isLookupType).flatMap((a) => (a.targets ?? []).map((target) => {
    const schema = a.custom ? `cg_${target}_${table.logicalName}_${a.schemaName}` : `${table.logicalName}_${target}_${a.logicalName}`;
    return pick({
      MetadataId: stableGuid(`relationship:${schema}`), SchemaName: schema, RelationshipType: 'OneToManyRelationship', IsCustomRelationship: a.custom,
      ReferencedEntity: target, ReferencedAttribute: `${target}id`, ReferencingEntity: table.logicalName, ReferencingAttribute: a.logicalName,
      ReferencingEntityNavigationPropertyName: navigationName(a, target), ReferencedEntityNavigationPropertyName: schema,
    }, selectOf(req));
  }));
  return jsonAnswer(200, { '@odata.context': `${context}('${table.logicalName}')/ManyToOneRelationships`, value });
}
