/**
 * Subscriptions end to end on the real app (embedded PGlite, or Postgres with DATABASE_URL): graphql-ws clients on
 * /graphql, change events through LISTEN/NOTIFY, payloads resolved through the gateway.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp } from '../../../cli/app.ts';
import type { RunningApp } from '../../../cli/app.ts';
import { publishCustomerChanged } from '../../../db/change-events.ts';
import { newGoldenId } from '../../../db/golden-ids.ts';
import { openDatabase } from '../../../db/open-database.ts';
import type { DatabaseHandle } from '../../../db/open-database.ts';
import { goldenRecords } from '../../../db/schema.ts';
import { loadConfig } from '../../../lib/config.ts';
import { DEFAULT_MAPPING_CONFIG_INPUT } from '../../../resolver-engine/index.ts';
import { createLogger } from '../../../lib/logger.ts';
import { withDatabase } from '../../support/test-database.ts';
import { collect, until, wsClient } from './ws-test-client.ts';

const TOKEN = 'subscriptions-test-token';
const PHONE_SUBSCRIPTION = `subscription($ids: [ID!]) {
  customerChanged(ids: $ids, fields: ["phone"]) { customerId changedFields customer { id } }
}`;

describe('customerChanged over graphql-ws', () => {
  let app: RunningApp;
  let publisher: DatabaseHandle;
  const x = newGoldenId('Customer');
  const y = newGoldenId('Customer');
  const clients: { dispose(): unknown }[] = [];
  const client = (params: Record<string, unknown> | null = { authorization: `Bearer ${TOKEN}` }, onClosed?: (code: number) => void) => {
    const c = wsClient(app.server.url, params ?? undefined, onClosed);
    clients.push(c);
    return c;
  };
  const stats = () => app.server.subscriptions!.stats();
  // On Postgres: a database of this file's own, dropped at the end.
  const serverUrl = process.env.DATABASE_URL;
  const databaseName = `cg_subs_${process.pid}_${crypto.randomBytes(4).toString('hex')}`;
  const adminSql = (statement: string) => {
    const admin = postgres(serverUrl!, { max: 1, onnotice: () => {} });
    return admin.unsafe(statement).finally(() => admin.end());
  };

  const dataDirs: string[] = [];
  const tempDir = (prefix: string) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
    dataDirs.push(dir);
    return dir;
  };

  beforeAll(async () => {
    process.env.CUSTOMER_GRAPH_API_TOKENS = `other-token, ${TOKEN}`;
    process.env.CUSTOMER_GRAPH_DEMO = 'off';
    const dataDir = tempDir('cg-subs-');
    if (serverUrl) await adminSql(`create database ${databaseName}`);
    const config = loadConfig({
      PORT: '0', HOST: '127.0.0.1', CUSTOMER_GRAPH_DATA_DIR: dataDir, CUSTOMER_GRAPH_SECRET_KEY: Buffer.alloc(32, 5).toString('base64'),
      ...(serverUrl ? { DATABASE_URL: withDatabase(serverUrl, databaseName) } : {}),
    });
    app = await startApp(config, createLogger('test', 'silent'));
    // Golden records as the linker would write them (test data: the linker is not part of this test).
    await app.database.db.insert(goldenRecords).values([
      { id: x, entityType: 'Customer', status: 'active', snapshot: { phone: '+14155550100' } },
      { id: y, entityType: 'Customer', status: 'active', snapshot: { phone: '+14155550199' } },
    ]);
    // Events from another connection, as another gateway replica or the sync worker would send them. PGlite is
    // one process-local database, so there the app's own handle stands in.
    publisher = config.databaseUrl ? await openDatabase({ url: config.databaseUrl, maxConnections: 2 }) : app.database;
  }, 60_000);

  afterAll(async () => {
    for (const c of clients) await c.dispose();
    if (publisher && publisher !== app?.database) await publisher.close();
    await app?.close();
    if (serverUrl) await adminSql(`drop database if exists ${databaseName} with (force)`);
    for (const dir of dataDirs) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('delivers a change of a watched field of a watched customer, resolved through the gateway', async () => {
    const sub = collect(client(), PHONE_SUBSCRIPTION, { ids: [x] });
    await until(() => stats().subscribers === 1);
    await publishCustomerChanged(publisher, { customerId: x, changedFields: ['phone', 'email'], version: 3 });
    const [result] = await sub.waitFor(1);
    expect(result).toEqual({ data: { customerChanged: { customerId: x, changedFields: ['phone', 'email'], customer: { id: x } } } });
    sub.unsubscribe();
    await until(() => stats().subscribers === 0);
  });

  it('stays silent for other fields and other customers', async () => {
    const sub = collect(client(), PHONE_SUBSCRIPTION, { ids: [x] });
    await until(() => stats().subscribers === 1);
    await publishCustomerChanged(publisher, [
      { customerId: x, changedFields: ['title'] },
      { customerId: y, changedFields: ['phone'] },
      { customerId: x, changedFields: ['phone'], version: 9 },
    ]);
    await sub.waitFor(1);
    await new Promise((r) => setTimeout(r, 150));
    // Events reach a subscriber in publish order, so a wrongly delivered one would have come first.
    expect(sub.results).toHaveLength(1);
    expect(sub.results[0]!.data).toEqual({ customerChanged: { customerId: x, changedFields: ['phone'], customer: { id: x } } });
    sub.unsubscribe();
    await until(() => stats().subscribers === 0);
  });

  it('without `fields`, fires for the fields selected under customer; without ids, for every customer', async () => {
    const sub = collect(client(), `subscription { customerChanged { customerId who: customer { id phone } } }`);
    await until(() => stats().subscribers === 1);
    await publishCustomerChanged(publisher, [{ customerId: y, changedFields: ['title'] }, { customerId: y, changedFields: ['phone'] }]);
    const [result] = await sub.waitFor(1);
    await new Promise((r) => setTimeout(r, 100));
    expect(sub.results).toHaveLength(1);
    const change = (result!.data as { customerChanged: { customerId: string; who: { id: string } } }).customerChanged;
    expect(change.customerId).toBe(y);
    expect(change.who.id).toBe(y);
    sub.unsubscribe();
    await until(() => stats().subscribers === 0);
  });

  it('resolves `customer` exactly like the same query over HTTP (aliases, fragments, variables, provenance)', async () => {
    const selection = `who: id ...Contact decided: provenance(fields: $watched) { field value rule detail } links: sources @include(if: $withLinks) { crm }`;
    const fragment = `fragment Contact on Customer { phone email }`;
    const sub = collect(client(), `subscription($ids: [ID!], $watched: [String!], $withLinks: Boolean!) {
      customerChanged(ids: $ids) { customerId changedFields customer { ${selection} } } } ${fragment}`, { ids: [x], watched: ['phone'], withLinks: true });
    await until(() => stats().subscribers === 1);
    // Interest comes from the selection: phone, email, and the provenance fields (phone) — not title.
    await publishCustomerChanged(publisher, [{ customerId: x, changedFields: ['title'] }, { customerId: x, changedFields: ['email'] }]);
    const [result] = await sub.waitFor(1);
    const res = await fetch(`${app.server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: `query($id: ID!, $watched: [String!], $withLinks: Boolean!) { customer(id: $id) { ${selection} } } ${fragment}`, variables: { id: x, watched: ['phone'], withLinks: true } }),
    });
    const viaHttp = (await res.json()) as { data: { customer: unknown } };
    expect(viaHttp.data.customer).toMatchObject({ who: x, decided: [{ field: 'phone' }], links: [] });
    expect(result).toEqual({ data: { customerChanged: { customerId: x, changedFields: ['email'], customer: viaHttp.data.customer } } });
    expect(sub.results).toHaveLength(1);
    sub.unsubscribe();
    await until(() => stats().subscribers === 0);
  });

  it('reports the gateway\'s errors for `customer` under the subscription path, as the query would', async () => {
    const sub = collect(client(), `subscription { customerChanged(ids: ["${x}"], fields: ["phone"]) { customerId customer { id provenance(fields: ["noSuchField"]) { field } } } }`);
    await until(() => stats().subscribers === 1);
    await publishCustomerChanged(publisher, { customerId: x, changedFields: ['phone'] });
    const [result] = await sub.waitFor(1);
    const res = await fetch(`${app.server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: `{ customer(id: "${x}") { id provenance(fields: ["noSuchField"]) { field } } }` }),
    });
    const viaHttp = (await res.json()) as { data: { customer: unknown }; errors: { message: string; path: (string | number)[] }[] };
    expect(viaHttp.errors.length).toBeGreaterThan(0);
    expect(result!.data).toEqual({ customerChanged: { customerId: x, customer: viaHttp.data.customer } });
    expect(result!.errors?.map((e) => e.message)).toEqual(viaHttp.errors.map((e) => e.message));
    expect(result!.errors?.map((e) => e.path)).toEqual(viaHttp.errors.map((e) => ['customerChanged', ...e.path]));
    sub.unsubscribe();
    await until(() => stats().subscribers === 0);
  });

  it('refuses a connection with a wrong or missing token with 4403', async () => {
    const codes: number[] = [];
    for (const params of [{ authorization: 'Bearer wrong' }, null]) {
      const sub = collect(client(params, (code) => codes.push(code)), PHONE_SUBSCRIPTION, { ids: [x] });
      await until(() => sub.error !== undefined);
      expect((sub.error as { code?: number }).code).toBe(4403);
      expect((sub.error as { reason?: string }).reason).toBe('Forbidden');
    }
    expect(codes).toEqual([4403, 4403]);
    expect(stats().subscribers).toBe(0);
  });

  it('accepts the token in `token` as well as in `authorization`', async () => {
    const sub = collect(client({ token: TOKEN }), PHONE_SUBSCRIPTION, { ids: [x] });
    await until(() => stats().subscribers === 1);
    await publishCustomerChanged(publisher, { customerId: x, changedFields: ['phone'] });
    await sub.waitFor(1);
    sub.unsubscribe();
    await until(() => stats().subscribers === 0);
  });

  it('resolves identical selections once per event, and different ones separately', async () => {
    const a = collect(client(), PHONE_SUBSCRIPTION, { ids: [x] });
    // Same selection written differently (formatting, field order) and with another id list: same resolution.
    const b = collect(client(), `subscription { customerChanged(fields: ["phone"]) { customer {   id } changedFields customerId } }`);
    const c = collect(client(), `subscription { customerChanged(ids: ["${x}"], fields: ["phone"]) { customer { id sources { crm } } } }`);
    await until(() => stats().subscribers === 3);
    const before = stats().resolutions;
    await publishCustomerChanged(publisher, { customerId: x, changedFields: ['phone'] });
    await Promise.all([a.waitFor(1), b.waitFor(1), c.waitFor(1)]);
    expect(stats().resolutions - before).toBe(2);
    await publishCustomerChanged(publisher, { customerId: x, changedFields: ['phone'] });
    await Promise.all([a.waitFor(2), b.waitFor(2), c.waitFor(2)]);
    expect(stats().resolutions - before).toBe(4);
    expect(c.results[1]!.data).toEqual({ customerChanged: { customer: { id: x, sources: [] } } });
    for (const s of [a, b, c]) s.unsubscribe();
    await until(() => stats().subscribers === 0);
  });

  it('publishes from a transaction only when it commits', async () => {
    const sub = collect(client(), PHONE_SUBSCRIPTION, { ids: [x] });
    await until(() => stats().subscribers === 1);
    await publisher.db.transaction(async (tx) => {
      await publishCustomerChanged(tx, { customerId: x, changedFields: ['phone'], version: 100 });
      tx.rollback();
    }).catch(() => {});
    await publisher.db.transaction(async (tx) => {
      await tx.execute(sql`select 1`);
      await publishCustomerChanged(tx, { customerId: x, changedFields: ['phone'], version: 101 });
    });
    await sub.waitFor(1);
    await new Promise((r) => setTimeout(r, 100));
    expect(sub.results).toHaveLength(1);
    sub.unsubscribe();
    await until(() => stats().subscribers === 0);
  });

  it('treats an ids-only event (field list too long to NOTIFY) as a change of any field', async () => {
    const sub = collect(client(), `subscription { customerChanged(ids: ["${x}"], fields: ["phone"]) { changedFields } }`);
    await until(() => stats().subscribers === 1);
    const many = Array.from({ length: 600 }, (_, i) => `customField${i}__c`);
    await publishCustomerChanged(publisher, { customerId: x, changedFields: many });
    const [result] = await sub.waitFor(1);
    expect(result!.data).toEqual({ customerChanged: { changedFields: ['*'] } });
    sub.unsubscribe();
    await until(() => stats().subscribers === 0);
  });

  it('rejects malformed ids, empty field lists and unknown fields with errors, not silence', async () => {
    const badId = collect(client(), `subscription { customerChanged(ids: ["not-an-id"]) { customerId } }`);
    const noFields = collect(client(), `subscription { customerChanged(fields: []) { customerId } }`);
    const unknown = collect(client(), `subscription { customerChanged { nope } }`);
    // A misspelt field name would otherwise make a subscription that never fires.
    const misspelt = collect(client(), `subscription { customerChanged(fields: ["phnoe", "email"]) { customerId } }`);
    const all = [badId, noFields, unknown, misspelt];
    await until(() => all.every((s) => s.error !== undefined || s.results.length > 0 || s.completed));
    const message = (s: typeof badId) => JSON.stringify(s.error ?? s.results);
    expect(message(badId)).toContain('not a Customer id');
    expect(message(noFields)).toContain('at least one golden field');
    expect(message(unknown)).toContain('Cannot query field');
    expect(message(misspelt)).toContain("names no golden Customer field 'phnoe' (did you mean 'phone'?)");
    const codes = (s: typeof badId) => ((s.error ?? s.results[0]?.errors ?? []) as { extensions?: { code?: string } }[]).map((e) => e.extensions?.code);
    expect(codes(misspelt)).toEqual(['BAD_USER_INPUT']);
    expect(codes(badId)).toEqual(['BAD_USER_INPUT']);
    // Validation errors carry the code the HTTP endpoint gives them.
    expect(codes(unknown)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
    expect(stats().subscribers).toBe(0);
  });

  it('follows a merged-away id to the surviving customer, as queries do', async () => {
    const mergedAway = newGoldenId('Customer');
    await app.database.db.insert(goldenRecords).values({ id: mergedAway, entityType: 'Customer', status: 'merged', mergedInto: x });
    const sub = collect(client(), PHONE_SUBSCRIPTION, { ids: [mergedAway] });
    await until(() => stats().subscribers === 1);
    await publishCustomerChanged(publisher, [{ customerId: y, changedFields: ['phone'] }, { customerId: x, changedFields: ['phone'] }]);
    const [result] = await sub.waitFor(1);
    expect(result!.data).toEqual({ customerChanged: { customerId: x, changedFields: ['phone'], customer: { id: x } } });
    sub.unsubscribe();
    await until(() => stats().subscribers === 0);
  });

  it('executes queries sent over the socket through the gateway', async () => {
    const q = collect(client(), `query($id: ID!) { customer(id: $id) { id } }`, { id: y });
    const [result] = await q.waitFor(1);
    expect(result).toEqual({ data: { customer: { id: y } } });
  });

  it('validates against the hot-swapped schema after a mapping change', async () => {
    const withTitle = `subscription { customerChanged(ids: ["${x}"]) { customer { id title } } }`;
    const before = collect(client(), withTitle);
    await until(() => stats().subscribers === 1);
    before.unsubscribe();
    await until(() => stats().subscribers === 0);
    const next = structuredClone(DEFAULT_MAPPING_CONFIG_INPUT);
    delete next.types.Customer!.fields.title;
    await app.applyMappingConfig(next, { comment: 'no golden title', allowBreakingChanges: true });
    const after = collect(client(), withTitle);
    await until(() => after.error !== undefined);
    expect(JSON.stringify(after.error)).toContain('Cannot query field \\"title\\" on type \\"Customer\\"');
  });

  // Replicas share one Postgres: every gateway LISTENs, so one NOTIFY reaches the subscribers of all of them.
  it.skipIf(!serverUrl)('serves subscribers on every gateway replica from one published event', async () => {
    const replica = await startApp(loadConfig({
      PORT: '0', HOST: '127.0.0.1', CUSTOMER_GRAPH_DATA_DIR: tempDir('cg-subs-replica-'),
      CUSTOMER_GRAPH_SECRET_KEY: Buffer.alloc(32, 5).toString('base64'), DATABASE_URL: withDatabase(serverUrl!, databaseName),
    }), createLogger('test', 'silent'));
    try {
      const onReplica = wsClient(replica.server.url, { authorization: TOKEN });
      clients.push(onReplica);
      const a = collect(client(), PHONE_SUBSCRIPTION, { ids: [x] });
      const b = collect(onReplica, PHONE_SUBSCRIPTION, { ids: [x] });
      await until(() => stats().subscribers === 1 && replica.server.subscriptions!.stats().subscribers === 1);
      await publishCustomerChanged(publisher, { customerId: x, changedFields: ['phone'] });
      const [[fromA], [fromB]] = await Promise.all([a.waitFor(1), b.waitFor(1)]);
      expect(fromB).toEqual(fromA);
      expect(fromA!.data).toEqual({ customerChanged: { customerId: x, changedFields: ['phone'], customer: { id: x } } });
      a.unsubscribe();
      b.unsubscribe();
      await until(() => stats().subscribers === 0);
    } finally {
      await replica.close();
    }
  });
});
