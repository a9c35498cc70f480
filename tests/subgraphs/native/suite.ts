/**
 * One suite for every CRM's native subgraph, run through the CRM's real connector against its sandbox. Upstream
 * calls are counted by the sandbox itself (`/_sandbox/stats`). Called from `tests/subgraphs/<crm>/*.test.ts`.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Connector } from '../../../connectors/contract/index.ts';
import { serveSubgraphHttp } from '../../../subgraphs/native/serve-http.ts';
import { graphqlCjs } from './graphql-cjs.ts';
import type { NativeSubgraphHarness, RunningCrm } from './harness.ts';
import { control, execute, ok, upstreamCalls } from './harness.ts';

const { GraphQLNonNull, GraphQLObjectType, getNamedType } = graphqlCjs;

export function defineNativeSubgraphSuite(h: NativeSubgraphHarness): void {
  describe(`${h.crm} native subgraph (real connector, sandbox)`, () => {
    const key = h.keyField;
    const p = h.primary;
    let crm: RunningCrm;
    let connector: Connector;
    let ids: string[];
    const entities = (selection = h.selection) =>
      `query($r: [_Any!]!) { _entities(representations: $r) { ... on ${p.typeName} { ${selection} } } }`;
    const reps = (list: string[]) => ({ r: list.map((id) => ({ __typename: p.typeName, [key]: id })) });

    beforeAll(async () => {
      crm = await h.start();
      connector = h.connect(crm);
      // Ids through the list query of a subgraph without cache, so the tests below start cold.
      const lister = await h.createSubgraph(connector, { cacheTtlMs: 0 });
      const data = ok<Record<string, { edges: { node: Record<string, string> }[] }>>(
        await execute(lister, `{ ${p.list}(first: 100) { edges { node { ${key} } } } }`));
      ids = data[p.list]!.edges.map((e) => e.node[key]!);
      expect(ids).toHaveLength(100);
    });
    afterEach(() => control(crm, 'DELETE', '/faults'));
    afterAll(() => crm?.close());

    it('builds entity types, native fields, relationships and root fields from the CRM metadata', async () => {
      const sg = await h.createSubgraph(connector);
      const schema = sg.schema();
      for (const [typeName, fields] of Object.entries(h.expectedFields)) {
        expect(sg.typeDefs()).toContain(`type ${typeName} @key(fields: "${key}")`);
        const type = schema.getType(typeName);
        expect(type, typeName).toBeInstanceOf(GraphQLObjectType);
        const own = (type as InstanceType<typeof GraphQLObjectType>).getFields();
        expect(String(own[key]?.type)).toBe('ID!');
        for (const [field, scalar] of Object.entries(fields)) expect(String(own[field]?.type), `${typeName}.${field}`).toBe(scalar);
        expect(Object.keys(own)).toEqual(expect.arrayContaining(['modifiedAt', 'deleted']));
      }
      const primary = schema.getType(p.typeName) as InstanceType<typeof GraphQLObjectType>;
      for (const [field, target] of Object.entries(h.expectedRelations)) {
        expect(getNamedType(primary.getFields()[field]!.type).name, `${p.typeName}.${field}`).toBe(target);
      }
      const query = schema.getQueryType()!.getFields();
      expect(query[p.byId]!.args.map((a) => `${a.name}: ${String(a.type)}`)).toEqual([`${key}: ID!`]);
      expect(query[p.list]!.args.map((a) => a.name)).toEqual(['first', 'after']);
      const mutation = schema.getMutationType()!.getFields();
      expect(Object.keys(mutation)).toEqual(expect.arrayContaining([p.create, p.update, p.delete]));
      expect(mutation[p.create]!.args[0]!.type).toBeInstanceOf(GraphQLNonNull);
    });

    it('resolves 100 entities in one _entities request with exactly one upstream call', async () => {
      const sg = await h.createSubgraph(connector);
      const { result, calls, routes } = await upstreamCalls(crm, () => execute(sg, entities(), reps(ids)));
      const list = ok<{ _entities: Record<string, unknown>[] }>(result)._entities;
      expect(list.map((e) => e[key])).toEqual(ids);
      expect(calls, JSON.stringify(routes)).toBe(1);
    });

    it('serves a second request within the TTL from the cache, and asks the CRM again after it', async () => {
      const sg = await h.createSubgraph(connector, { cacheTtlMs: 600 });
      const some = ids.slice(0, 20);
      expect((await upstreamCalls(crm, () => execute(sg, entities(), reps(some)))).calls).toBe(1);
      const second = await upstreamCalls(crm, () => execute(sg, entities(), reps(some)));
      expect(second.calls).toBe(0);
      expect(ok<{ _entities: unknown[] }>(second.result)._entities).toHaveLength(20);
      await new Promise((r) => setTimeout(r, 700));
      expect((await upstreamCalls(crm, () => execute(sg, entities(), reps(some)))).calls).toBe(1);
    });

    it('shares one CRM call between concurrent requests that miss the cache on the same records', async () => {
      const sg = await h.createSubgraph(connector, { cacheTtlMs: 5_000 });
      const some = ids.slice(20, 60);
      const { result, calls } = await upstreamCalls(crm, () => Promise.all(Array.from({ length: 8 }, () => execute(sg, entities(), reps(some)))));
      for (const r of result) expect(ok<{ _entities: unknown[] }>(r)._entities).toHaveLength(40);
      expect(calls).toBe(1);
    });

    it('CRM down: the entities are null, one error carries CRM_UNAVAILABLE and the CRM, the rest of the response survives', async () => {
      const sg = await h.createSubgraph(connector);
      await control(crm, 'PUT', '/faults', [{ kind: 'server-error', rate: 1 }]);
      const result = await execute(sg, `query($r: [_Any!]!) { _service { sdl } _entities(representations: $r) { ... on ${p.typeName} { ${key} } } }`, reps(ids.slice(0, 3)));
      expect(result.data?._entities).toEqual([null, null, null]);
      expect((result.data?._service as { sdl: string }).sdl).toContain(p.typeName);
      expect(result.errors).toHaveLength(1);
      expect(result.errors![0]!.extensions).toMatchObject({ code: 'CRM_UNAVAILABLE', crm: h.crm });
      expect(result.errors![0]!.message).toMatch(new RegExp(`^${h.crm}: `));
    });

    it('a custom field created in the CRM appears in the schema after refresh(), without a restart, and reads and writes', async () => {
      const sg = await h.createSubgraph(connector);
      const changes: string[] = [];
      sg.onChange(({ typeDefs }) => void changes.push(typeDefs));
      const field = await h.createCustomField(crm);
      expect(sg.typeDefs()).not.toContain(`${field}: String`);
      expect(await sg.refresh()).toBe(true);
      expect(sg.typeDefs()).toContain(`${field}: String`);
      expect(changes).toHaveLength(1);
      expect(changes[0]).toBe(sg.typeDefs());
      expect(await sg.refresh()).toBe(false);

      const id = ids[0]!;
      ok(await execute(sg, `mutation { ${p.update}(${key}: "${id}", input: { ${field}: "gold" }) { ${key} } }`));
      const read = ok<{ _entities: Record<string, unknown>[] }>(await execute(sg, entities(`${key} ${field}`), reps([id])));
      expect(read._entities[0]![field]).toBe('gold');
    });

    it('autoRefresh() picks up a new custom field on its own and tells the listeners', async () => {
      const sg = await h.createSubgraph(connector);
      const changed = new Promise<string>((resolve) => sg.onChange(({ typeDefs }) => resolve(typeDefs)));
      const stop = sg.autoRefresh(50);
      try {
        const field = await h.createCustomField(crm);
        expect(await changed).toContain(`${field}: String`);
        expect(sg.schema().getType(p.typeName)).toBeDefined();
      } finally {
        stop();
      }
    });

    it('native mutations: create, update and delete round-trip; a rejected item is a CRM_VALIDATION error', async () => {
      const sg = await h.createSubgraph(connector);
      const f = h.checkedField;
      const created = ok<Record<string, Record<string, unknown>>>(
        await execute(sg, `mutation($i: ${p.typeName}CreateInput!) { ${p.create}(input: $i) { ${key} ${f} } }`, { i: h.createInput(1) }))[p.create]!;
      const id = created[key] as string;
      expect(id).toBeTruthy();
      expect(created[f]).toBe(h.createInput(1)[f]);

      const updated = ok<Record<string, Record<string, unknown>>>(
        await execute(sg, `mutation($i: ${p.typeName}UpdateInput!) { ${p.update}(${key}: "${id}", input: $i) { ${key} ${f} } }`, { i: h.updateInput }))[p.update]!;
      expect(updated[f]).toBe(h.updateInput[f]);
      const byId = ok<Record<string, Record<string, unknown>>>(await execute(sg, `{ ${p.byId}(${key}: "${id}") { ${f} } }`))[p.byId];
      expect(byId?.[f]).toBe(h.updateInput[f]);

      const deleted = ok<Record<string, string>>(await execute(sg, `mutation { ${p.delete}(${key}: "${id}") }`));
      expect(deleted[p.delete]).toBe(id);
      expect(ok(await execute(sg, `{ ${p.byId}(${key}: "${id}") { ${key} } }`))[p.byId]).toBeNull();

      const rejected = await execute(sg, `mutation($i: ${p.typeName}CreateInput!) { ${p.create}(input: $i) { ${key} } }`, { i: h.invalidInput });
      expect(rejected.data?.[p.create]).toBeNull();
      expect(rejected.errors?.[0]?.extensions).toMatchObject({ code: 'CRM_VALIDATION', crm: h.crm });
    });

    it('lists page with first/after, one upstream call per page', async () => {
      const sg = await h.createSubgraph(connector);
      const page = (after?: string) =>
        `{ ${p.list}(first: 5${after ? `, after: "${after}"` : ''}) { edges { cursor node { ${key} } } pageInfo { hasNextPage endCursor } } }`;
      type Page = Record<string, { edges: { node: Record<string, string> }[]; pageInfo: { hasNextPage: boolean; endCursor: string } }>;
      const one = await upstreamCalls(crm, () => execute(sg, page()));
      const first = ok<Page>(one.result)[p.list]!;
      expect(one.calls).toBe(1);
      expect(first.edges.map((e) => e.node[key])).toEqual(ids.slice(0, 5));
      expect(first.pageInfo.hasNextPage).toBe(true);
      const second = ok<Page>(await execute(sg, page(first.pageInfo.endCursor)))[p.list]!;
      expect(second.edges.map((e) => e.node[key])).toEqual(ids.slice(5, 10));
      const bad = await execute(sg, `{ ${p.list}(first: 5, after: "nonsense") { pageInfo { hasNextPage } } }`);
      expect(bad.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    });

    it('runs standalone over HTTP: /healthz, a query, an _entities query, and a refreshed schema without restart', async () => {
      const sg = await h.createSubgraph(connector);
      const server = await serveSubgraphHttp(sg);
      try {
        const post = async (query: string, variables?: unknown) => {
          const res = await fetch(server.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) });
          expect(res.status).toBe(200);
          return (await res.json()) as { data?: Record<string, unknown>; errors?: unknown[] };
        };
        expect((await fetch(server.url.replace('/graphql', '/healthz'))).status).toBe(200);
        const byId = await post(`{ ${p.byId}(${key}: "${ids[1]}") { ${key} } }`);
        expect(byId).toEqual({ data: { [p.byId]: { [key]: ids[1] } } });
        const ent = await post(entities(key), reps(ids.slice(0, 2)));
        expect(ent.data?._entities).toEqual(ids.slice(0, 2).map((id) => ({ [key]: id })));

        const field = await h.createCustomField(crm);
        await sg.refresh();
        const sdl = await post('{ _service { sdl } }');
        expect((sdl.data?._service as { sdl: string }).sdl).toContain(`${field}: String`);
        const fresh = await post(entities(`${key} ${field}`), reps(ids.slice(0, 1)));
        expect(fresh.errors).toBeUndefined();
      } finally {
        await server.close();
      }
    });
  });
}
