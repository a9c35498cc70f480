/**
 * The identity subgraph: owns the ids of golden Customer, Company and Deal records and their links to native CRM
 * records (Postgres), and serves lookup, listing, filtering and paging. Runs in the gateway process
 * (LocalGraphQLDataSource) or standalone over HTTP. Its SDL depends on the mapping configuration (one link field
 * per native object), so `rebuild()` renders it again when the configuration changes.
 */
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse } from 'graphql';
import type { GraphQLResolveInfo, GraphQLSchema } from 'graphql';
import DataLoader from 'dataloader';
import type { Database } from '../../db/open-database.ts';
import { linksOf, listGolden, resolveGoldenIds } from '../../db/golden-store.ts';
import type { GoldenLink } from '../../db/golden-store.ts';
import { DEFAULT_MAPPING_CONFIG } from '../../resolver-engine/index.ts';
import type { MappingConfig } from '../../resolver-engine/index.ts';
import { GOLDEN_TYPES, linkedSources, renderIdentitySdl } from './identity-sdl.ts';
import { inverseListResolver, inverseLists } from './inverse-lists.ts';
import { checkFirst, checkId, decodeCursor, encodeCursor, toGoldenFilter } from './list-input.ts';
import { customerChanges } from './change-feed.ts';
import type { CustomerChangesArgs } from './change-feed.ts';

export interface IdentitySubgraphOptions {
  db: Database;
  /** The mapping configuration in force; read again by `rebuild()`. Default: the shipped configuration. */
  getConfig?: () => MappingConfig;
}

export interface IdentitySubgraph {
  name: 'identity';
  kind: 'local';
  typeDefs(): string;
  schema(): GraphQLSchema;
  /** Renders the SDL and schema again from `getConfig()`; the gateway then recomposes. */
  rebuild(): void;
}

/** Root fields per golden type: single lookup and list. */
const ROOT_FIELDS: Record<string, { one: string; list: string }> = {
  Customer: { one: 'customer', list: 'customers' },
  Company: { one: 'company', list: 'companies' },
  Deal: { one: 'deal', list: 'deals' },
};

interface Loaders {
  links: DataLoader<string, GoldenLink[]>;
  live: Map<string, DataLoader<string, string | null>>;
}

export function createIdentitySubgraph(options: IdentitySubgraphOptions): IdentitySubgraph {
  const { db } = options;
  const getConfig = options.getConfig ?? (() => DEFAULT_MAPPING_CONFIG);
  // One set of loaders per executed operation: every fetch the gateway sends is its own operation, so a page of
  // 100 customers costs one links query, and nothing is cached across requests.
  const perOperation = new WeakMap<object, Loaders>();
  const loaders = (info: GraphQLResolveInfo): Loaders => {
    let l = perOperation.get(info.operation);
    if (!l) {
      l = { links: new DataLoader(async (ids) => { const m = await linksOf(db, ids); return ids.map((id) => m.get(id) ?? []); }), live: new Map() };
      perOperation.set(info.operation, l);
    }
    return l;
  };
  const liveId = (entityType: string, id: string, info: GraphQLResolveInfo): Promise<string | null> => {
    const l = loaders(info);
    let loader = l.live.get(entityType);
    if (!loader) {
      loader = new DataLoader(async (ids) => { const m = await resolveGoldenIds(db, entityType, ids); return ids.map((i) => m.get(i) ?? null); });
      l.live.set(entityType, loader);
    }
    return loader.load(id);
  };

  const build = (config: MappingConfig) => {
    const typeDefs = renderIdentitySdl(config);
    const sources = linkedSources(config);
    const crms = [...new Set(sources.map((s) => s.crm))].sort();
    const resolvers: Record<string, Record<string, unknown>> = {
      Query: { customerChanges: (_: unknown, args: CustomerChangesArgs) => customerChanges(db, args) },
    };
    for (const entityType of GOLDEN_TYPES) {
      const root = ROOT_FIELDS[entityType]!;
      resolvers.Query![root.one] = async (_: unknown, args: { id: string }, _ctx: unknown, info: GraphQLResolveInfo) => {
        checkId(entityType, args.id);
        const id = await liveId(entityType, args.id, info);
        return id ? { id } : null;
      };
      resolvers.Query![root.list] = async (_: unknown, args: { first?: number | null; after?: string | null; filter?: Record<string, unknown> | null }) => {
        const first = checkFirst(args.first);
        const afterId = decodeCursor(entityType, args.after);
        const filter = toGoldenFilter(entityType, args.filter, crms, { defaultRegion: config.defaultRegion });
        const page = await listGolden(db, { entityType, first, afterId, filter });
        return {
          totalCount: page.totalCount,
          edges: page.ids.map((id) => ({ cursor: encodeCursor(id), node: { id } })),
          pageInfo: { hasNextPage: page.hasNextPage, endCursor: page.ids.length ? encodeCursor(page.ids[page.ids.length - 1]!) : null },
        };
      };
      const typeResolvers: Record<string, unknown> = {
        // A reference to a merged-away id resolves to the survivor; unknown or deleted ids to null.
        __resolveReference: async (ref: { id: string }, _ctx: unknown, info: GraphQLResolveInfo) => {
          const id = await liveId(entityType, ref.id, info);
          return id ? { id } : null;
        },
        sources: async (parent: { id: string }, _: unknown, _ctx: unknown, info: GraphQLResolveInfo) =>
          (await loaders(info).links.load(parent.id)).map(({ crm, objectType, recordId }) => ({ crm, objectType, recordId })),
        sourceFieldClocks: async (parent: { id: string }, _: unknown, _ctx: unknown, info: GraphQLResolveInfo) => {
          const clocks = Object.fromEntries((await loaders(info).links.load(parent.id))
            .filter((l) => l.fieldClock).map((l) => [`${l.crm}|${l.objectType}|${l.recordId}`, l.fieldClock]));
          return Object.keys(clocks).length > 0 ? JSON.stringify(clocks) : null;
        },
      };
      for (const s of sources.filter((src) => src.goldenType === entityType)) {
        typeResolvers[s.linkField] = async (parent: { id: string }, _: unknown, _ctx: unknown, info: GraphQLResolveInfo) =>
          (await loaders(info).links.load(parent.id))
            .filter((l) => l.crm === s.crm && l.objectType === s.objectType)
            .map((l) => ({ __typename: s.typeName, [s.keyField]: l.recordId }));
      }
      for (const list of inverseLists(config, GOLDEN_TYPES).filter((l) => l.onType === entityType)) {
        typeResolvers[list.name] = inverseListResolver(db, list, (id, info) => loaders(info).links.load(id));
      }
      resolvers[entityType] = typeResolvers;
    }
    const schema = buildSubgraphSchema([{ typeDefs: parse(typeDefs), resolvers: resolvers as never }]);
    return { typeDefs, schema };
  };

  let current = build(getConfig());
  return {
    name: 'identity',
    kind: 'local',
    typeDefs: () => current.typeDefs,
    schema: () => current.schema,
    rebuild() {
      current = build(getConfig());
    },
  };
}

export { renderIdentitySdl } from './identity-sdl.ts';
