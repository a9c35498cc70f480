/**
 * The cost of an operation counted the way the gateway pays for it: every selected field costs 1, and a paged list
 * field costs its selection once per item it may return. `customers(first: 500) { … }` costs about 500 times
 * `customers(first: 1) { … }`, so thirty aliases of a 500-customer page (each customer merged from several CRMs) are
 * refused while one such page passes. graphql-armor's cost multiplied a literal `first` only: given by a variable
 * (as clients do) or left to its default it counted 1, so thirty aliased `customers(first: $n)` with n = 500 cost
 * 1,989 and passed; and its ×1.5 per level refused one 500-customer page with provenance (167,594 over 50,000).
 * graphql-query-complexity coerces the request's variables, which a validation rule never has (Apollo Server
 * validates, and caches that, per document): it refuses every operation with a required variable. Hence this rule.
 *
 * The size of a list field is its `first` argument: a literal (at most the largest page the field answers, since a
 * larger one is refused by its resolver before anything is fetched), its schema default when absent, and the largest
 * page when it comes from a variable (the variable's value is not known when the document is validated, and a
 * cached validation must hold for every value). A connection (`customers`, `salesforceContacts`, …) multiplies its
 * list children (`edges`) and counts `totalCount` and `pageInfo` once; a list returned directly (`reviewQueue`)
 * multiplies its whole selection. Lists without `first` (a customer's `sources`, `provenance`, linked CRM records)
 * count once: their length is bounded by the record (a few linked records, one entry per golden field), not by the
 * caller. `@skip`/`@include` are ignored (an upper bound) and introspection is free, as armor's cost limit had it.
 */
import type {
  FieldNode, FragmentDefinitionNode, GraphQLCompositeType, GraphQLField, GraphQLSchema, OperationDefinitionNode,
  SelectionSetNode, ValidationContext, ValidationRule,
} from 'graphql';
import { DATA_QUALITY_MAX_PAGE, REVIEW_QUEUE_MAX_PAGE } from '../subgraphs/admin/page-limits.ts';
import { MAX_PAGE as GOLDEN_MAX_PAGE } from '../subgraphs/identity/list-input.ts';
import { MAX_PAGE as NATIVE_MAX_PAGE } from '../subgraphs/native/render-sdl.ts';
import { graphqlRuntime } from './subscriptions/graphql-runtime.ts';

// Runtime values from the graphql-js instance Apollo Server validates with: `isListType` on another instance's
// schema throws under Vitest (gateway/subscriptions/graphql-runtime.ts says why).
const { GraphQLError, getNamedType, getNullableType, isCompositeType, isInterfaceType, isListType, isObjectType, Kind } = graphqlRuntime;

/**
 * The largest `first` each list answers, for a `first` given by a variable. Native CRM lists (their names follow the
 * CRM's objects) and deadLetters answer up to NATIVE_MAX_PAGE, the fallback.
 */
const LARGEST_PAGE: Readonly<Record<string, number>> = {
  customers: GOLDEN_MAX_PAGE,
  companies: GOLDEN_MAX_PAGE,
  deals: GOLDEN_MAX_PAGE,
  reviewQueue: REVIEW_QUEUE_MAX_PAGE,
  dataQualityIssues: DATA_QUALITY_MAX_PAGE,
};

export function largestPage(fieldName: string): number {
  return LARGEST_PAGE[fieldName] ?? NATIVE_MAX_PAGE;
}

interface Costing {
  schema: GraphQLSchema;
  fragment(name: string): FragmentDefinitionNode | undefined;
  /** Fragment costs by name and list size; a fragment spread a thousand times is costed once. */
  memo: Map<string, number>;
  /** Fragments being costed: a cycle (refused by NoFragmentCyclesRule anyway) adds nothing instead of recursing. */
  active: Set<string>;
}

/** How many items a field with a `first` argument may return; undefined for a field without one. */
function pageSize(field: GraphQLField<unknown, unknown>, node: FieldNode): number | undefined {
  const arg = field.args.find((a) => a.name === 'first');
  if (!arg) return undefined;
  const largest = largestPage(field.name);
  const given = node.arguments?.find((a) => a.name.value === 'first')?.value;
  if (given?.kind === Kind.INT) return Math.max(0, Math.min(Number.parseInt(given.value, 10), largest));
  if (given?.kind === Kind.VARIABLE) return largest;
  const fallback = arg.defaultValue;
  return typeof fallback === 'number' ? Math.min(fallback, largest) : largest;
}

function fieldCost(c: Costing, parent: GraphQLCompositeType, node: FieldNode, listSize: number | undefined): number {
  const name = node.name.value;
  if (name.startsWith('__')) return 0; // __typename, and introspection (__schema, __type), which armor exempted too
  if (!isObjectType(parent) && !isInterfaceType(parent)) return 0;
  const field = parent.getFields()[name];
  if (!field) return 0; // unknown fields are FieldsOnCorrectTypeRule's to report
  const type = getNamedType(field.type);
  if (!node.selectionSet || !isCompositeType(type)) return 1;
  const size = pageSize(field, node);
  const returnsList = isListType(getNullableType(field.type));
  if (size !== undefined && returnsList) return 1 + size * selectionCost(c, type, node.selectionSet, undefined);
  // A connection: its list children (edges, nodes) repeat per item, the rest (totalCount, pageInfo) does not.
  if (size !== undefined) return 1 + selectionCost(c, type, node.selectionSet, size);
  // A list inside a connection picks up the connection's size; other lists count once (see the header).
  const times = returnsList && listSize !== undefined ? listSize : 1;
  return 1 + times * selectionCost(c, type, node.selectionSet, undefined);
}

function selectionCost(c: Costing, parent: GraphQLCompositeType, set: SelectionSetNode, listSize: number | undefined): number {
  let cost = 0;
  for (const sel of set.selections) {
    if (sel.kind === Kind.FIELD) {
      cost += fieldCost(c, parent, sel, listSize);
    } else if (sel.kind === Kind.INLINE_FRAGMENT) {
      cost += selectionCost(c, conditionType(c, sel.typeCondition?.name.value) ?? parent, sel.selectionSet, listSize);
    } else {
      cost += fragmentCost(c, sel.name.value, listSize);
    }
  }
  return cost;
}

function fragmentCost(c: Costing, name: string, listSize: number | undefined): number {
  const key = `${name}|${listSize ?? ''}`;
  const known = c.memo.get(key);
  if (known !== undefined) return known;
  const fragment = c.fragment(name);
  const type = conditionType(c, fragment?.typeCondition.name.value);
  if (!fragment || !type || c.active.has(name)) return 0;
  c.active.add(name);
  const cost = selectionCost(c, type, fragment.selectionSet, listSize);
  c.active.delete(name);
  c.memo.set(key, cost);
  return cost;
}

/** The type a fragment applies to. On an interface or union the fields are looked up there (fragments on its
 * object types are summed: an upper bound, as a validation rule cannot know which type each item has). */
function conditionType(c: Costing, name: string | undefined): GraphQLCompositeType | undefined {
  if (!name) return undefined;
  const type = c.schema.getType(name);
  return type && isCompositeType(type) ? type : undefined;
}

/** The cost of one operation of a document (fragments looked up by name in `fragments`). */
export function operationCost(schema: GraphQLSchema, operation: OperationDefinitionNode, fragments: (name: string) => FragmentDefinitionNode | undefined): number {
  const root = operation.operation === 'query' ? schema.getQueryType()
    : operation.operation === 'mutation' ? schema.getMutationType() : schema.getSubscriptionType();
  if (!root) return 0;
  return selectionCost({ schema, fragment: fragments, memo: new Map(), active: new Set() }, root, operation.selectionSet, undefined);
}

export function costLimitMessage(cost: number, limit: number): string {
  return `Query cost ${cost.toLocaleString('en-US')} is over the cost limit of ${limit.toLocaleString('en-US')}. `
    + 'A list field costs its selection once per item it may return (its `first`, else its default; the largest page when `first` is a variable). '
    + 'Ask for smaller pages (a lower `first`, fewer aliased lists, fewer fields per item) and follow `pageInfo.endCursor` for the rest.';
}

/** The validation rule: each operation of the document over `maxCost` is refused with its cost and the limit. */
export function listCostRule(maxCost: number): ValidationRule {
  return (context: ValidationContext) => ({
    OperationDefinition(operation) {
      const cost = operationCost(context.getSchema(), operation, (name) => context.getFragment(name) ?? undefined);
      if (cost > maxCost) {
        context.reportError(new GraphQLError(costLimitMessage(cost, maxCost), { nodes: [operation], extensions: { cost, maxCost } }));
      }
    },
  });
}
