/**
 * What one `customerChanged` subscription asks for, read from its operation once at subscribe time:
 * - which customers (`ids`) and which golden fields (`fields`, or the fields selected under `customer`) make it fire;
 * - the gateway query that resolves its `customer` selection, `query($id) { customer(id: $id) { …selection } }`,
 *   printed in a normal form (selections sorted, fragments sorted, only used variables), so two subscribers with the
 *   same selection and variables share one `resolutionKey` and one resolution per event.
 */
import { GraphQLError, GraphQLIncludeDirective, GraphQLSkipDirective, Kind, getDirectiveValues, print, valueFromASTUntyped, visit } from 'graphql';
import type {
  DocumentNode, FieldNode, FragmentDefinitionNode, GraphQLResolveInfo, SelectionNode, SelectionSetNode, VariableDefinitionNode,
} from 'graphql';
import { checkGoldenId } from '../../db/golden-ids.ts';
import { nearestNames } from '../../resolver-engine/index.ts';
import { graphqlRuntime } from './graphql-runtime.ts';

/** The gateway query variable that carries the event's customer id (unlikely to clash with a client's names). */
export const CUSTOMER_ID_VARIABLE = '_customerChangedId';

/** Customer fields that summarise every golden field: selecting them means "any change" (unless narrowed by `fields:`). */
const ANY_CHANGE_FIELDS = new Set(['provenance', 'conflicts']);
/** Selected but never changing: they alone do not narrow the interest. */
const STABLE_FIELDS = new Set(['id', '__typename']);

export interface CustomerResolution {
  /** Same key ⇔ same printed query and same variable values: one gateway execution per event serves all. */
  key: string;
  query: string;
  /** The client's variables the query uses (the customer id is added per event). */
  variables: Record<string, unknown>;
}

export interface CustomerInterest {
  /** Customers that make it fire; null: every customer. */
  ids: ReadonlySet<string> | null;
  /** Golden fields that make it fire; null: any change. */
  fields: ReadonlySet<string> | null;
  /** How to resolve `customer`; null when the subscription does not select it. */
  resolution: CustomerResolution | null;
}

export interface CustomerChangedArgs {
  ids?: readonly string[] | null;
  fields?: readonly string[] | null;
}

export function readCustomerInterest(args: CustomerChangedArgs, info: GraphQLResolveInfo): CustomerInterest {
  const ctx = { fragments: info.fragments, variables: info.variableValues };
  const ids = args.ids ? checkIds(args.ids) : null;
  if (args.fields && args.fields.length === 0) {
    throw new GraphQLError('`fields` must name at least one golden field; omit it to follow the selected fields', { extensions: { code: 'BAD_USER_INPUT' } });
  }
  // `customer` fields of this subscription, grouped by response key (`customer`, or an alias).
  const customerNodes = new Map<string, FieldNode[]>();
  for (const node of info.fieldNodes) {
    for (const field of collectFields(node.selectionSet, ctx)) {
      if (field.name.value !== 'customer') continue;
      const key = field.alias?.value ?? 'customer';
      customerNodes.set(key, [...(customerNodes.get(key) ?? []), field]);
    }
  }
  const fields = args.fields ? checkFields(args.fields, info) : selectedFields([...customerNodes.values()].flat(), ctx);
  return { ids, fields, resolution: customerNodes.size ? buildResolution(customerNodes, info) : null };
}

function checkIds(ids: readonly string[]): Set<string> {
  for (const id of ids) {
    const check = checkGoldenId('Customer', id);
    if (!check.ok) throw new GraphQLError(check.reason, { extensions: { code: 'BAD_USER_INPUT' } });
  }
  return new Set(ids);
}

/**
 * `fields` must name fields of `Customer` as the API serves it: a misspelt name (`phnoe`) would otherwise be
 * accepted and the subscription would never fire, which a subscriber cannot tell from a quiet customer.
 */
function checkFields(fields: readonly string[], info: GraphQLResolveInfo): Set<string> {
  const customer = info.schema.getType('Customer');
  // The libraries' graphql instance: the schema was built by it (graphql-runtime.ts).
  const known = graphqlRuntime.isObjectType(customer) ? Object.keys(customer.getFields()).filter((f) => !STABLE_FIELDS.has(f) && !ANY_CHANGE_FIELDS.has(f)) : [];
  const unknown = fields.filter((f) => !known.includes(f));
  if (unknown.length > 0) {
    const hints = unknown.map((f) => {
      const near = closest(f, known);
      return near ? `'${f}' (did you mean '${near}'?)` : `'${f}'`;
    });
    throw new GraphQLError(
      `\`fields\` names no golden Customer field ${hints.join(', ')}. Name fields of Customer as queries select them, e.g. ${known.slice(0, 4).map((f) => `"${f}"`).join(', ')}.`,
      { extensions: { code: 'BAD_USER_INPUT', unknownFields: unknown } },
    );
  }
  return new Set(fields);
}

/**
 * The known name nearest to a misspelt one, when it is near enough to be the one meant: a third of its length, one
 * edit at least (field names are short: 'fon' is not 'zip'), and not a name that merely contains it.
 */
function closest(name: string, known: readonly string[]): string | undefined {
  return nearestNames(name, known, { limit: 1, minTolerance: 1, containment: false })[0];
}

interface WalkContext {
  fragments: Record<string, FragmentDefinitionNode>;
  variables: Record<string, unknown>;
}

/** Whether @skip/@include let this selection through. */
function included(node: SelectionNode, variables: Record<string, unknown>): boolean {
  if (getDirectiveValues(GraphQLSkipDirective, node, variables)?.if === true) return false;
  return getDirectiveValues(GraphQLIncludeDirective, node, variables)?.if !== false;
}

/** The fields of a selection set with inline fragments and fragment spreads flattened, skipped ones left out. */
function collectFields(set: SelectionSetNode | undefined, ctx: WalkContext, seen = new Set<string>()): FieldNode[] {
  const out: FieldNode[] = [];
  for (const sel of set?.selections ?? []) {
    if (!included(sel, ctx.variables)) continue;
    if (sel.kind === Kind.FIELD) out.push(sel);
    else if (sel.kind === Kind.INLINE_FRAGMENT) out.push(...collectFields(sel.selectionSet, ctx, seen));
    else if (!seen.has(sel.name.value)) {
      seen.add(sel.name.value);
      out.push(...collectFields(ctx.fragments[sel.name.value]?.selectionSet, ctx, seen));
    }
  }
  return out;
}

/** The golden fields the `customer` selections read; null when that means "any change". */
function selectedFields(customerNodes: FieldNode[], ctx: WalkContext): Set<string> | null {
  const out = new Set<string>();
  for (const node of customerNodes) {
    for (const field of collectFields(node.selectionSet, ctx)) {
      const name = field.name.value;
      if (STABLE_FIELDS.has(name)) continue;
      // `provenance(fields: [...])` is about exactly those fields; without the argument, about all of them.
      const fieldsArg = field.arguments?.find((a) => a.name.value === 'fields');
      if (fieldsArg) {
        const value = valueFromASTUntyped(fieldsArg.value, ctx.variables);
        if (!Array.isArray(value)) return null;
        for (const f of value) out.add(String(f));
        continue;
      }
      if (ANY_CHANGE_FIELDS.has(name)) return null;
      out.add(name);
    }
  }
  return out.size ? out : null;
}

function buildResolution(customerNodes: Map<string, FieldNode[]>, info: GraphQLResolveInfo): CustomerResolution {
  const idVariable = { kind: Kind.VARIABLE, name: { kind: Kind.NAME, value: CUSTOMER_ID_VARIABLE } } as const;
  const selections: FieldNode[] = [...customerNodes].map(([key, nodes]) => ({
    kind: Kind.FIELD,
    alias: key === 'customer' ? undefined : { kind: Kind.NAME, value: key },
    name: { kind: Kind.NAME, value: 'customer' },
    arguments: [{ kind: Kind.ARGUMENT, name: { kind: Kind.NAME, value: 'id' }, value: idVariable }],
    // Several `customer` nodes under one response key are one field for GraphQL: merge their selections.
    selectionSet: { kind: Kind.SELECTION_SET, selections: nodes.flatMap((n) => n.selectionSet?.selections ?? []) },
  }));
  const fragments = usedFragments(selections, info.fragments);
  const body = normalise([...selections, ...fragments]);
  const used = new Set<string>();
  visit(body, { Variable: (v) => void used.add(v.name.value) });
  used.delete(CUSTOMER_ID_VARIABLE);
  const definitions: VariableDefinitionNode[] = (info.operation.variableDefinitions ?? [])
    .filter((d) => used.has(d.variable.name.value))
    .sort((a, b) => a.variable.name.value.localeCompare(b.variable.name.value));
  const variables = Object.fromEntries([...used].sort().map((name) => [name, info.variableValues[name]]));
  const idDefinition: VariableDefinitionNode = {
    kind: Kind.VARIABLE_DEFINITION,
    variable: idVariable,
    type: { kind: Kind.NON_NULL_TYPE, type: { kind: Kind.NAMED_TYPE, name: { kind: Kind.NAME, value: 'ID' } } },
  };
  const operation = {
    kind: Kind.OPERATION_DEFINITION,
    operation: 'query',
    name: { kind: Kind.NAME, value: 'CustomerChangedPayload' },
    variableDefinitions: [idDefinition, ...definitions],
    selectionSet: (body.definitions[0] as unknown as { selectionSet: SelectionSetNode }).selectionSet,
  };
  const document = { kind: Kind.DOCUMENT, definitions: [operation, ...body.definitions.slice(1)] } as DocumentNode;
  const query = print(document);
  return { key: `${query}\n${stableJson(variables)}`, query, variables };
}

/** Fragment definitions reachable from the selections, sorted by name. */
function usedFragments(selections: readonly SelectionNode[], all: Record<string, FragmentDefinitionNode>): FragmentDefinitionNode[] {
  const found = new Map<string, FragmentDefinitionNode>();
  const pending: SelectionNode[] = [...selections];
  while (pending.length) {
    const node = pending.pop()!;
    visit(node, {
      FragmentSpread(spread) {
        const def = all[spread.name.value];
        if (def && !found.has(def.name.value)) {
          found.set(def.name.value, def);
          pending.push(...def.selectionSet.selections);
        }
      },
    });
  }
  return [...found.values()].sort((a, b) => a.name.value.localeCompare(b.name.value));
}

/**
 * A normal form: every selection set sorted (order never changes a result's content, and the subscription layer
 * re-shapes results in the client's order anyway) and holding `__typename`, so results can be re-executed over
 * interfaces and unions. The first definition is a stand-in operation carrying the top-level selections.
 */
function normalise(nodes: readonly (FieldNode | FragmentDefinitionNode)[]): DocumentNode {
  const top = nodes.filter((n): n is FieldNode => n.kind === Kind.FIELD);
  const fragments = nodes.filter((n): n is FragmentDefinitionNode => n.kind === Kind.FRAGMENT_DEFINITION);
  const doc = {
    kind: Kind.DOCUMENT,
    definitions: [{ kind: Kind.OPERATION_DEFINITION, operation: 'query', selectionSet: { kind: Kind.SELECTION_SET, selections: top } }, ...fragments],
  } as unknown as DocumentNode;
  return visit(doc, {
    SelectionSet: {
      leave(set: SelectionSetNode, _key, parent) {
        const isTop = parent && (parent as { kind?: string }).kind === Kind.OPERATION_DEFINITION;
        const hasTypename = set.selections.some((s) => s.kind === Kind.FIELD && !s.alias && s.name.value === '__typename');
        const withTypename: SelectionNode[] = isTop || hasTypename
          ? [...set.selections]
          : [...set.selections, { kind: Kind.FIELD, name: { kind: Kind.NAME, value: '__typename' } }];
        const printed = withTypename.map((s) => [print(s), s] as const).sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
        return { ...set, selections: printed.map(([, s]) => s) };
      },
    },
  });
}

/** JSON with object keys sorted, so equal values give equal keys. */
export function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${stableJson((value as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
