/**
 * Renders the subgraph SDL from the model: one `@key` entity type per native object, a connection type for
 * its paged list, create/update inputs, and the root fields. The text is deterministic (describe order), so
 * comparing two renderings tells whether the CRM's metadata changed in a way the graph can see.
 */
import type { ObjectModel, SubgraphModel } from './object-model.ts';

export const FEDERATION_LINK = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])';
/** With fields read apart (FieldDescription.separateRead): `@cost` (federation 2.9) marks them for the planner's readers. */
export const FEDERATION_LINK_WITH_COST = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key", "@cost"])';
/**
 * The `@cost` weight of a separately read field: it costs a CRM call of its own per page of records, where the other
 * fields of the records come together in one. Golden leaves such relation references out of its fields' `@requires`.
 */
export const SEPARATE_READ_COST = 10;

/** Largest `first` of a list query. */
export const MAX_PAGE = 1000;
export const DEFAULT_PAGE = 50;

export function renderSdl(model: SubgraphModel): string {
  const key = model.keyField;
  const parts: string[] = [model.objects.some((o) => o.separateFields.length > 0) ? FEDERATION_LINK_WITH_COST : FEDERATION_LINK];
  parts.push(`${desc(`Paging state of a ${model.prefix} list.`)}type ${model.prefix}PageInfo {
  hasNextPage: Boolean!
  endCursor: String
}`);
  for (const o of model.objects) parts.push(...renderObject(o, key, `${model.prefix}PageInfo`));

  const queries = model.objects.flatMap((o) => [
    `  ${desc(`One ${o.label} by its ${model.name} id; null when it does not exist.`, '  ')}${o.ops.byId}(${key}: ID!): ${o.typeName}`,
    `  ${desc(`${o.label} records in the CRM's order. \`after\` is an offset cursor: deep pages re-read the earlier ones.`, '  ')}${o.ops.list}(first: Int = ${DEFAULT_PAGE}, after: String): ${o.ops.connection}`,
  ]);
  parts.push(`type Query {\n${queries.join('\n')}\n}`);

  const mutations = model.objects.flatMap((o) => [
    ...(o.fields.some((f) => f.createable) ? [`  ${o.ops.create}(input: ${o.ops.createInput}!): ${o.typeName}`] : []),
    ...(o.fields.some((f) => f.updateable) ? [`  ${o.ops.update}(${key}: ID!, input: ${o.ops.updateInput}!): ${o.typeName}`] : []),
    `  ${desc('Deletes the record (the CRM\'s recycle bin / archive); returns its id.', '  ')}${o.ops.delete}(${key}: ID!): ID`,
  ]);
  parts.push(`type Mutation {\n${mutations.join('\n')}\n}`);
  return `${parts.join('\n\n')}\n`;
}

function renderObject(o: ObjectModel, key: string, pageInfo: string): string[] {
  const lines = [`  ${desc(`The ${o.label}'s native id.`, '  ')}${key}: ID!`];
  for (const f of o.fields) lines.push(`  ${desc(f.description, '  ')}${f.name}: ${f.scalar}${f.separateRead ? ` @cost(weight: ${SEPARATE_READ_COST})` : ''}`);
  for (const r of o.relations) lines.push(`  ${desc(`The ${r.target} referenced by ${r.native}.`, '  ')}${r.name}: ${r.targetType}`);
  if (o.helpers.modifiedAt) lines.push(`  ${desc('Last modification as the CRM reports it, in its own format.', '  ')}modifiedAt: String`);
  if (o.helpers.deleted) lines.push(`  ${desc('True for a record in the recycle bin / archive.', '  ')}deleted: Boolean`);
  const out = [
    `${desc(`${o.label} (${o.objectType}) as the CRM holds it, under native field names.`)}type ${o.typeName} @key(fields: "${key}") {\n${lines.join('\n')}\n}`,
    `type ${o.ops.edge} {\n  cursor: String!\n  node: ${o.typeName}!\n}`,
    `type ${o.ops.connection} {\n  edges: [${o.ops.edge}!]!\n  pageInfo: ${pageInfo}!\n}`,
  ];
  const createable = o.fields.filter((f) => f.createable);
  if (createable.length) out.push(`input ${o.ops.createInput} {\n${createable.map((f) => `  ${f.name}: ${f.scalar}`).join('\n')}\n}`);
  const updateable = o.fields.filter((f) => f.updateable);
  if (updateable.length) out.push(`input ${o.ops.updateInput} {\n${updateable.map((f) => `  ${f.name}: ${f.scalar}`).join('\n')}\n}`);
  return out;
}

/** A GraphQL description; JSON string escaping is valid GraphQL string escaping. */
function desc(text: string, indent = ''): string {
  return `${JSON.stringify(text)}\n${indent}`;
}
