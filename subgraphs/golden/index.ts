/**
 * The golden subgraph (the merge layer): golden Customer, Company and Deal fields computed at query time from the
 * native records identity links, by the rules of the mapping configuration (resolver-engine). In-process in the
 * gateway. Its SDL is generated from the configuration; `rebuild()` renders it again after a configuration (or
 * CRM metadata) change, and the gateway recomposes and hot-swaps.
 */
import { buildSubgraphSchema } from '@apollo/subgraph';
import { GraphQLError, parse } from 'graphql';
import type { GraphQLSchema } from 'graphql';
import type { MappingConfig, SurvivorshipFunctionRegistry } from '../../resolver-engine/index.ts';
import { buildGoldenModel } from './golden-model.ts';
import type { GoldenModel, GoldenProblem, GoldenTypeModel } from './golden-model.ts';
import { renderGoldenSdl } from './golden-sdl.ts';
import { indexNativeTypes } from './native-types.ts';
import { renderConflict, renderProvenance } from './render-value.ts';
import { resolveEntity } from './resolve-entity.ts';
import type { GoldenRepresentation, ResolvedEntity } from './resolve-entity.ts';
import { createRelationResolver } from './relations.ts';
import type { GoldenIdsOfRecords, RelationResolver } from './relations.ts';

export interface GoldenSubgraphOptions {
  getConfig(): MappingConfig;
  /**
   * The SDL of every CRM subgraph in the supergraph. `@external` fields must carry the type their owner declares,
   * so golden copies types from here; native fields the mapping needs but no subgraph serves are left out and
   * reported by `problems()`. Without it, types are guessed from the converters (boolean → Boolean, number → Float).
   */
  nativeTypeDefs?: () => readonly string[];
  /** Registry of custom survivorship functions (default: the process-wide one). */
  functions?: SurvivorshipFunctionRegistry;
  /**
   * Golden ids of native records (identity's links), for relations such as Customer.company. Without it every
   * relation answers null, its candidates flagged TARGET_NOT_LINKED.
   */
  goldenIdsOfRecords?: GoldenIdsOfRecords;
}

export interface GoldenSubgraph {
  name: 'golden';
  kind: 'local';
  typeDefs(): string;
  schema(): GraphQLSchema;
  /** Renders SDL and schema again from `getConfig()` and `nativeTypeDefs()`; throws (keeping the old ones) if that fails. */
  rebuild(): void;
  /** Native fields the configuration maps that the CRM subgraphs do not serve (empty without `nativeTypeDefs`). */
  problems(): GoldenProblem[];
}

interface Built {
  typeDefs: string;
  schema: GraphQLSchema;
  model: GoldenModel;
}

export function createGoldenSubgraph(options: GoldenSubgraphOptions): GoldenSubgraph {
  const build = (): Built => {
    const config = options.getConfig();
    const nativeIndex = options.nativeTypeDefs ? indexNativeTypes(options.nativeTypeDefs()) : null;
    const model = buildGoldenModel(config, nativeIndex);
    const descriptions = Object.fromEntries(Object.entries(config.types).map(([name, t]) => [name, t.description]));
    const typeDefs = renderGoldenSdl(model, descriptions);
    const resolvers: Record<string, Record<string, unknown>> = {};
    for (const type of model.types) {
      resolvers[type.typeName] = typeResolvers(config, type, options.functions, createRelationResolver(config, type, options.goldenIdsOfRecords, options.functions));
    }
    const schema = buildSubgraphSchema([{ typeDefs: parse(typeDefs), resolvers: resolvers as never }]);
    return { typeDefs, schema, model };
  };
  let current = build();
  return {
    name: 'golden',
    kind: 'local',
    typeDefs: () => current.typeDefs,
    schema: () => current.schema,
    rebuild() {
      current = build();
    },
    problems: () => current.model.problems,
  };
}

function typeResolvers(config: MappingConfig, type: GoldenTypeModel, functions: SurvivorshipFunctionRegistry | undefined, relations: RelationResolver): Record<string, unknown> {
  const fieldNames = new Set(type.fields.map(([name]) => name));
  const relationNames = new Set(type.relations.map(([name]) => name));
  const known = [...fieldNames, ...relationNames];
  const resolvers: Record<string, unknown> = {
    // Runs once per representation, so resolveRecord runs once per entity whatever number of fields is asked.
    __resolveReference: (rep: GoldenRepresentation): ResolvedEntity => resolveEntity(config, type, rep, functions),
    provenance: async (entity: ResolvedEntity, args: { fields?: string[] | null }) => {
      if (args.fields) {
        const unknown = args.fields.filter((f) => !known.includes(f));
        if (unknown.length > 0) {
          throw new GraphQLError(`provenance(fields:): ${unknown.map((f) => `'${f}'`).join(', ')} ${unknown.length === 1 ? 'is not a' : 'are not'} ${type.typeName} field${unknown.length === 1 ? '' : 's'}; known: ${known.join(', ')}`, {
            extensions: { code: 'BAD_USER_INPUT', argumentName: 'fields' },
          });
        }
      }
      const wanted = args.fields ? new Set(args.fields) : null;
      // Relations are read only when asked for: they need identity's links.
      const needsRelations = relationNames.size > 0 && (!wanted || [...relationNames].some((r) => wanted.has(r)));
      const provenance = [...entity.resolved.provenance, ...(needsRelations ? (await relations.of(entity)).provenance : [])];
      return provenance.filter((p) => !wanted || wanted.has(p.field)).map(renderProvenance);
    },
    conflicts: async (entity: ResolvedEntity) => [...entity.resolved.conflicts, ...(await relations.of(entity)).conflicts].map(renderConflict),
  };
  for (const name of fieldNames) resolvers[name] = (entity: ResolvedEntity) => entity.resolved.values[name] ?? null;
  for (const name of relationNames) {
    resolvers[name] = async (entity: ResolvedEntity) => {
      const id = (await relations.of(entity)).values[name];
      return typeof id === 'string' ? { id } : null;
    };
  }
  return resolvers;
}

export type { GoldenProblem } from './golden-model.ts';
export { buildGoldenModel } from './golden-model.ts';
export { renderGoldenSdl } from './golden-sdl.ts';
export type { GoldenIdsOfRecords } from './relations.ts';
