/**
 * Inverse lists of the golden relations (a relation's `inverse`): Company.customers for Customer.company,
 * Company.deals for Deal.company, Customer.deals for Deal.contact. Identity serves them from the links: the golden
 * records of the source type with a live link whose stored references (sync writes them on every read) name one of
 * this golden record's own native records. So a person whom any CRM places at a company is listed there, even when
 * another CRM's reference wins `Customer.company`; paged like the root lists.
 */
import { parse } from 'graphql';
import type { FieldDefinitionNode, ObjectTypeDefinitionNode } from 'graphql';
import type { GraphQLResolveInfo } from 'graphql';
import type { Database } from '../../db/open-database.ts';
import type { GoldenLink } from '../../db/golden-store.ts';
import DataLoader from 'dataloader';
import { goldenIdsReferencing } from '../../db/relation-store.ts';
import type { ReferencingPage } from '../../db/relation-store.ts';
import { relationReferenceKey } from '../../resolver-engine/index.ts';
import type { MappingConfig } from '../../resolver-engine/index.ts';
import { checkFirst, decodeCursor, encodeCursor } from './list-input.ts';

export interface InverseList {
  /** The type that gets the list (the relation's target). */
  onType: string;
  name: string;
  /** The type listed (the relation's owner) and the relation whose references are followed. */
  sourceType: string;
  relation: string;
}

/** Relation shapes as the identity SDL needs them (a MappingConfig has them; older partial configs may not). */
export interface RelationsConfig { types: Record<string, { relations?: MappingConfig['types'][string]['relations'] }> }

/** The inverse lists of the configuration between the golden types identity serves. */
export function inverseLists(config: RelationsConfig, goldenTypes: readonly string[]): InverseList[] {
  const out: InverseList[] = [];
  for (const [sourceType, type] of Object.entries(config.types)) {
    for (const [relation, r] of Object.entries(type.relations ?? {})) {
      if (!r.inverse || !goldenTypes.includes(r.target) || !goldenTypes.includes(sourceType)) continue;
      if (out.some((l) => l.onType === r.target && l.name === r.inverse)) continue; // validation reports the clash
      out.push({ onType: r.target, name: r.inverse, sourceType, relation });
    }
  }
  return out;
}

/** The SDL field of one inverse list, for the identity type definition it is added to. */
export function inverseListField(list: InverseList): FieldDefinitionNode {
  const parsed = parse(`type X {
  "${list.sourceType} records a linked CRM record of which points to this ${list.onType} (${list.sourceType}.${list.relation}), oldest first, paged with \`first\` (at most 500) and \`after\`."
  ${list.name}(first: Int = 20, after: String): ${list.sourceType}Connection!
}`).definitions[0] as ObjectTypeDefinitionNode;
  return parsed.fields![0]!;
}

type LinksOf = (id: string, info: GraphQLResolveInfo) => Promise<GoldenLink[]>;

/**
 * The resolver of one inverse list: this record's live links → reference keys → the referencing records' page. The
 * records of one fetch asking the same list with the same arguments share one query (a DataLoader per operation).
 */
export function inverseListResolver(db: Database, list: InverseList, linksOf: LinksOf) {
  const perOperation = new WeakMap<object, Map<string, DataLoader<string, ReferencingPage>>>();
  return async (parent: { id: string }, args: { first?: number | null; after?: string | null }, _ctx: unknown, info: GraphQLResolveInfo) => {
    const first = checkFirst(args.first);
    const afterId = decodeCursor(list.sourceType, args.after);
    let loaders = perOperation.get(info.operation);
    if (!loaders) perOperation.set(info.operation, (loaders = new Map()));
    const loaderKey = `${first}|${afterId ?? ''}`;
    let loader = loaders.get(loaderKey);
    if (!loader) {
      loader = new DataLoader<string, ReferencingPage>(async (parents) => {
        // Loaded together, so the links of every parent come in one batch too.
        const links = await Promise.all(parents.map((id) => linksOf(id, info)));
        const keysByParent = new Map(parents.map((id, i) => [id, links[i]!.map((l) => relationReferenceKey(list.relation, { crm: l.crm, objectType: l.objectType, recordId: l.recordId }))]));
        const pages = await goldenIdsReferencing(db, { entityType: list.sourceType, keysByParent, first, afterId });
        return parents.map((id) => pages.get(id)!);
      });
      loaders.set(loaderKey, loader);
    }
    const page = await loader.load(parent.id);
    return {
      totalCount: page.totalCount,
      edges: page.ids.map((id) => ({ cursor: encodeCursor(id), node: { id } })),
      pageInfo: { hasNextPage: page.hasNextPage, endCursor: page.ids.length ? encodeCursor(page.ids[page.ids.length - 1]!) : null },
    };
  };
}
