/**
 * Native values → GraphQL scalars, and parent records read inline. CRMs are loose about types on the wire
 * (HubSpot sends every value as a string: `"1000.5"`, `"true"`, `""` for unset), so each scalar is coerced
 * here rather than trusting graphql-js to accept it.
 */
import { GraphQLError } from 'graphql';
import type { FragmentDefinitionNode, GraphQLResolveInfo, SelectionSetNode } from 'graphql';
import type { NativeRecord } from '../../connectors/contract/index.ts';
import type { RelationModel, ScalarName } from './object-model.ts';

export function toScalar(value: unknown, scalar: ScalarName, field: string): string | number | boolean | null {
  if (value === null || value === undefined) return null;
  switch (scalar) {
    case 'String':
      if (typeof value === 'string') return value;
      return typeof value === 'object' ? JSON.stringify(value) : String(value);
    case 'Boolean':
      if (typeof value === 'boolean') return value;
      if (value === '') return null;
      if (value === 'true' || value === 1) return true;
      if (value === 'false' || value === 0) return false;
      throw unexpected(value, scalar, field);
    case 'Int':
    case 'Float': {
      if (value === '') return null;
      const n = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : NaN;
      if (!Number.isFinite(n) || (scalar === 'Int' && !Number.isSafeInteger(n))) throw unexpected(value, scalar, field);
      return n;
    }
  }
}

function unexpected(value: unknown, scalar: ScalarName, field: string): GraphQLError {
  return new GraphQLError(`${field}: the CRM value ${JSON.stringify(value)} is not a ${scalar}`, { extensions: { code: 'CRM_VALUE_INVALID' } });
}

/**
 * The parent record as far as the connector returned it inline with the child: a nested object
 * (`Account: {Name: 'Acme'}`, as SOQL answers) or flat dotted keys (`'Account.Name': 'Acme'`). Partial by nature,
 * so it is used only when the query asks for nothing else (see `selectionWithin`).
 */
export function inlineParent(child: NativeRecord, relation: RelationModel, parentId: string): NativeRecord | null {
  if (relation.inline.length === 0) return null;
  const nested = child.fields[relation.name];
  const fields: Record<string, unknown> = {};
  for (const name of relation.inline) {
    if (nested && typeof nested === 'object' && name in nested) fields[name] = (nested as Record<string, unknown>)[name];
    else if (`${relation.name}.${name}` in child.fields) fields[name] = child.fields[`${relation.name}.${name}`];
    else return null;
  }
  return { id: parentId, objectType: relation.target, modifiedAt: null, fields };
}

/** True when the field being resolved selects only fields from `allowed` (fragments followed). */
export function selectionWithin(info: GraphQLResolveInfo, allowed: ReadonlySet<string>): boolean {
  return info.fieldNodes.every((node) => !node.selectionSet || within(node.selectionSet, allowed, info.fragments));
}

function within(set: SelectionSetNode, allowed: ReadonlySet<string>, fragments: Record<string, FragmentDefinitionNode>): boolean {
  return set.selections.every((s) => {
    if (s.kind === 'Field') return allowed.has(s.name.value);
    if (s.kind === 'InlineFragment') return within(s.selectionSet, allowed, fragments);
    const fragment = fragments[s.name.value];
    return fragment ? within(fragment.selectionSet, allowed, fragments) : false;
  });
}
