/**
 * Resolvers for the model: entities through the per-request loaders, native scalars coerced, relationships
 * served inline when the connector already returned what the query asks for, lists, and one-item writes
 * through the connector's bulk calls. Parent values are the connector's `NativeRecord`s as they are.
 */
import type { GraphQLResolveInfo } from 'graphql';
import { GraphQLError } from 'graphql';
import type { GraphQLResolverMap } from '@apollo/subgraph';
import type { Connector, NativeRecord, WriteResult } from '../../connectors/contract/index.ts';
import { ConnectorError } from '../../connectors/contract/index.ts';
import { inlineParent, selectionWithin, toScalar } from './field-values.ts';
import { connectorGraphQLError } from './graphql-errors.ts';
import { listPage } from './list-page.ts';
import type { ObjectModel, RelationModel, SubgraphModel } from './object-model.ts';
import type { RecordAccess } from './record-access.ts';

type Resolver = (parent: never, args: never, context: unknown, info: GraphQLResolveInfo) => unknown;
type Args = Record<string, unknown>;

const isDisabled = (err: unknown) => err instanceof ConnectorError && err.details?.disabled === true;

export function buildResolvers(model: SubgraphModel, connector: Connector, access: RecordAccess): GraphQLResolverMap<unknown> {
  const crm = connector.crm;
  const key = model.keyField;

  /**
   * One entity: null when unknown; a CRM failure is reported once per request, the other entities are null. A
   * connector an admin disabled is not a failure: its entities are null without an error, so golden records (which
   * read them for their @requires) show the CRM as an unavailable source in provenance instead of putting an error
   * on every response — a client with Apollo Client's default error policy would drop the whole response.
   */
  async function loadEntity(context: unknown, objectType: string, id: unknown): Promise<NativeRecord | null> {
    if (typeof id !== 'string' || id === '') return null;
    const request = access.forContext(context);
    try {
      return await request.load(objectType, id);
    } catch (err) {
      if (isDisabled(err)) return null;
      if (request.firstReport(err)) throw connectorGraphQLError(crm, err);
      return null;
    }
  }

  /**
   * A native value of a record: as read, or for a separately read field the record does not carry, through the
   * request's second loader (one call for every record of the request selecting it). A failed read fails the field.
   */
  async function nativeValue(o: ObjectModel, record: NativeRecord, native: string, context: unknown): Promise<unknown> {
    if (!o.separateFields.includes(native) || native in record.fields) return record.fields[native];
    const request = access.forContext(context);
    try {
      return await request.loadSeparate(o.objectType, record.id, native);
    } catch (err) {
      if (request.firstReport(err)) throw connectorGraphQLError(crm, err);
      return null;
    }
  }

  function relationResolver(o: ObjectModel, relation: RelationModel): Resolver {
    const target = model.byObjectType.get(relation.target)!;
    const inlineNames = relation.inline.map((n) => target.fields.find((f) => f.native === n)?.name).filter((n): n is string => !!n);
    const keyOnly = new Set([key, '__typename']);
    const inlineAllowed = new Set([...keyOnly, ...inlineNames]);
    return (async (record: NativeRecord, _args: Args, context: unknown, info: GraphQLResolveInfo) => {
      const parentId = await nativeValue(o, record, relation.native, context);
      if (typeof parentId !== 'string' || parentId === '') return null;
      // Asking only for the key (the gateway's usual shape before a jump to another subgraph) costs nothing.
      if (selectionWithin(info, keyOnly)) return { id: parentId, objectType: relation.target, modifiedAt: null, fields: {} };
      const inline = inlineParent(record, relation, parentId);
      if (inline && selectionWithin(info, inlineAllowed)) return inline;
      return loadEntity(context, relation.target, parentId);
    }) as Resolver;
  }

  function entityResolvers(o: ObjectModel): Record<string, unknown> {
    const out: Record<string, unknown> = {
      __resolveReference: (ref: Args, context: unknown) => loadEntity(context, o.objectType, ref[key]),
      [key]: (r: NativeRecord) => r.id,
    };
    for (const f of o.fields) {
      out[f.name] = f.separateRead
        ? async (r: NativeRecord, _args: Args, context: unknown) => toScalar(await nativeValue(o, r, f.native, context), f.scalar, f.name)
        : (r: NativeRecord) => toScalar(r.fields[f.native], f.scalar, f.name);
    }
    for (const rel of o.relations) out[rel.name] = relationResolver(o, rel);
    if (o.helpers.modifiedAt) out.modifiedAt = (r: NativeRecord) => r.modifiedAt;
    if (o.helpers.deleted) out.deleted = (r: NativeRecord) => r.deleted ?? false;
    return out;
  }

  /** Runs a one-item write; a failed item or call becomes a GraphQL error with the connector's code. */
  async function writeOne(call: () => Promise<WriteResult[]>): Promise<string> {
    let results: WriteResult[];
    try {
      results = await call();
    } catch (err) {
      throw connectorGraphQLError(crm, err);
    }
    const result = results[0];
    if (!result) throw connectorGraphQLError(crm, new ConnectorError('CRM_UNAVAILABLE', crm, 'the CRM returned no write result'));
    if (!result.ok) throw connectorGraphQLError(crm, result.error);
    return result.id;
  }

  /** The record as the CRM stores it after a write (server-computed fields included): one more read. */
  async function reread(context: unknown, objectType: string, id: string): Promise<NativeRecord | null> {
    const request = access.forContext(context);
    request.forget(objectType, id);
    try {
      return await request.load(objectType, id);
    } catch (err) {
      // The write happened: say so, so nobody retries a create and makes a duplicate.
      const e = connectorGraphQLError(crm, err);
      throw new GraphQLError(`${e.message} (the write succeeded; record ${id})`, { extensions: { ...e.extensions, writtenId: id } });
    }
  }

  const query: Record<string, unknown> = {};
  const mutation: Record<string, unknown> = {};
  const types: Record<string, Record<string, unknown>> = {};
  for (const o of model.objects) {
    types[o.typeName] = entityResolvers(o);
    query[o.ops.byId] = (_: unknown, args: Args, context: unknown) => loadEntity(context, o.objectType, args[key]);
    query[o.ops.list] = async (_: unknown, args: Args) => {
      try {
        return await listPage(connector, o, access, args.first as number, args.after as string | null);
      } catch (err) {
        throw connectorGraphQLError(crm, err);
      }
    };
    mutation[o.ops.create] = async (_: unknown, args: Args, context: unknown) => {
      const id = await writeOne(() => connector.createMany(o.objectType, [{ fields: nativeFields(o, args.input) }]));
      return reread(context, o.objectType, id);
    };
    mutation[o.ops.update] = async (_: unknown, args: Args, context: unknown) => {
      const id = await writeOne(() => connector.updateMany(o.objectType, [{ id: String(args[key]), fields: nativeFields(o, args.input) }]));
      return reread(context, o.objectType, id);
    };
    mutation[o.ops.delete] = async (_: unknown, args: Args, context: unknown) => {
      const id = String(args[key]);
      await writeOne(() => connector.deleteMany(o.objectType, [id]));
      access.forContext(context).forget(o.objectType, id);
      return id;
    };
  }
  return { ...types, Query: query, Mutation: mutation } as GraphQLResolverMap<unknown>;
}

/** A GraphQL input object back to native field names; an explicit null clears the field. */
function nativeFields(o: ObjectModel, input: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries((input ?? {}) as Args)) {
    const field = o.fields.find((f) => f.name === name);
    if (field && value !== undefined) out[field.native] = value;
  }
  return out;
}
