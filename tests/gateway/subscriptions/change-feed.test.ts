/**
 * The durable change feed on the real app (embedded PGlite, or Postgres with DATABASE_URL): a graphql-ws subscriber
 * that was away catches up from its last cursor (`customerChanged(after:)`) with exactly the changes it missed, then
 * live ones, in order, none twice; `customerChanges(after:)` pages the same log over HTTP; expired and malformed
 * cursors answer CURSOR_EXPIRED and BAD_USER_INPUT.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp } from '../../../cli/app.ts';
import type { RunningApp } from '../../../cli/app.ts';
import { publishCustomerChanged } from '../../../db/change-events.ts';
import { newGoldenId } from '../../../db/golden-ids.ts';
import { openDatabase } from '../../../db/open-database.ts';
import type { DatabaseHandle } from '../../../db/open-database.ts';
import { customerChangeLog, goldenRecords } from '../../../db/schema.ts';
import { loadConfig } from '../../../lib/config.ts';
import { createLogger } from '../../../lib/logger.ts';
import { withDatabase } from '../../support/test-database.ts';
import { collect, subscribeRegistered, until, wsClient } from './ws-test-client.ts';
import type { Collected } from './ws-test-client.ts';

const TOKEN = 'change-feed-test-token';
const CHANGES = `subscription($ids: [ID!], $after: String) {
  customerChanged(ids: $ids, after: $after) { cursor customerId changedFields version customer { id } }
}`;
const PAGE = `query($after: String, $first: Int, $ids: [ID!]) {
  customerChanges(after: $after, first: $first, ids: $ids) {
    edges { cursor node { cursor customerId changedFields version customer { id sources { crm } } } }
    pageInfo { hasNextPage endCursor } headCursor
  }
}`;

interface Change { cursor: string; customerId: string; changedFields: string[]; version: number | null; customer: { id: string } | null }
interface Page { edges: { cursor: string; node: Change }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null }; headCursor: string }

describe('the customer change feed', () => {
  let app: RunningApp;
  let publisher: DatabaseHandle;
  const x = newGoldenId('Customer');
  const y = newGoldenId('Customer');
  const z = newGoldenId('Customer');
  const clients: { dispose(): unknown }[] = [];
  const client = () => {
    const c = wsClient(app.server.url, { authorization: `Bearer ${TOKEN}` });
    clients.push(c);
    return c;
  };
  const subscribers = () => app.server.subscriptions!.stats().subscribers;
  const serverUrl = process.env.DATABASE_URL;
  const databaseName = `cg_feed_${process.pid}_${crypto.randomBytes(4).toString('hex')}`;
  const adminSql = (statement: string) => {
    const admin = postgres(serverUrl!, { max: 1, onnotice: () => {} });
    return admin.unsafe(statement).finally(() => admin.end());
  };
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cg-feed-'));
  const changesOf = (sub: Collected) => sub.results.map((r) => (r.data as { customerChanged: Change }).customerChanged);
  const query = async (variables: Record<string, unknown>) => {
    const res = await fetch(`${app.server.url}/graphql`, {
      method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` }, body: JSON.stringify({ query: PAGE, variables }),
    });
    return (await res.json()) as { data?: { customerChanges: Page } | null; errors?: { message: string; extensions?: { code?: string } }[] };
  };
  /** Every page after `after`, `first` at a time. */
  const readAll = async (after: string | null, first: number, ids?: string[]) => {
    const out: Change[] = [];
    let cursor = after;
    for (;;) {
      const page = (await query({ after: cursor, first, ids })).data!.customerChanges;
      out.push(...page.edges.map((e) => e.node));
      for (const e of page.edges) expect(e.cursor).toBe(e.node.cursor);
      cursor = page.pageInfo.endCursor;
      if (!page.pageInfo.hasNextPage) return { changes: out, endCursor: cursor, headCursor: page.headCursor };
    }
  };
  const headCursor = async () => (await query({ first: 0 })).data!.customerChanges.headCursor;

  beforeAll(async () => {
    process.env.CUSTOMER_GRAPH_API_TOKENS = TOKEN;
    process.env.CUSTOMER_GRAPH_DEMO = 'off';
    if (serverUrl) await adminSql(`create database ${databaseName}`);
    const config = loadConfig({
      PORT: '0', HOST: '127.0.0.1', CUSTOMER_GRAPH_DATA_DIR: dataDir, CUSTOMER_GRAPH_SECRET_KEY: Buffer.alloc(32, 5).toString('base64'),
      ...(serverUrl ? { DATABASE_URL: withDatabase(serverUrl, databaseName) } : {}),
    });
    app = await startApp(config, createLogger('test', 'silent'));
    await app.database.db.insert(goldenRecords).values([x, y, z].map((id) => ({ id, entityType: 'Customer', status: 'active', snapshot: {} })));
    // Another connection on Postgres, as the sync worker would publish; PGlite is process-local, so its own handle.
    publisher = config.databaseUrl ? await openDatabase({ url: config.databaseUrl, maxConnections: 2 }) : app.database;
  }, 60_000);

  afterAll(async () => {
    for (const c of clients) await c.dispose();
    if (publisher && publisher !== app?.database) await publisher.close();
    await app?.close();
    if (serverUrl) await adminSql(`drop database if exists ${databaseName} with (force)`);
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('logs every published event with its cursor, in the statement that notifies, and nothing of a rollback', async () => {
    const sub = await subscribeRegistered(subscribers, client(), CHANGES, { ids: [x] });
    await publisher.db.transaction(async (tx) => {
      await publishCustomerChanged(tx, { customerId: x, changedFields: ['phone'], version: 1 });
      tx.rollback();
    }).catch(() => {});
    await publishCustomerChanged(publisher, { customerId: x, changedFields: ['email'], version: 2 });
    const [live] = changesOf(await sub.waitFor(1).then(() => sub));
    expect(live).toMatchObject({ customerId: x, changedFields: ['email'], version: 2, customer: { id: x } });
    const rows = await app.database.db.select().from(customerChangeLog).where(eq(customerChangeLog.customerId, x));
    expect(rows.map((r) => [r.changedFields, r.snapshotVersion])).toEqual([[['email'], 2]]);
    const page = await readAll(null, 10, [x]);
    expect(page.changes).toEqual([{ ...live, customer: { id: x, sources: [] } }]);
    sub.unsubscribe();
    await until(() => subscribers() === 0);
  });

  it('a subscriber that reconnects with its last cursor receives exactly the changes it missed, then live ones', async () => {
    const first = await subscribeRegistered(subscribers, client(), CHANGES, { ids: [x, y] });
    await publishCustomerChanged(publisher, { customerId: x, changedFields: ['phone'], version: 10 });
    await first.waitFor(1);
    const lastCursor = changesOf(first)[0]!.cursor;
    first.unsubscribe();
    await until(() => subscribers() === 0);

    // Missed while away: six changes of x and y (z is not watched), in two publish calls.
    await publishCustomerChanged(publisher, [
      { customerId: y, changedFields: ['email'], version: 11 },
      { customerId: z, changedFields: ['phone'], version: 12 },
      { customerId: x, changedFields: ['title'], version: 13 },
    ]);
    await publishCustomerChanged(publisher, [
      { customerId: x }, { customerId: y, changedFields: ['phone', 'email'], version: 15 },
      { customerId: x, changedFields: ['phone'], version: 16 }, { customerId: y, changedFields: ['title'], version: 17 },
    ]);
    const again = await subscribeRegistered(subscribers, client(), CHANGES, { ids: [x, y], after: lastCursor });
    await again.waitFor(6);
    await publishCustomerChanged(publisher, [{ customerId: x, changedFields: ['phone'], version: 18 }, { customerId: y, changedFields: ['phone'], version: 19 }]);
    await again.waitFor(8);
    await new Promise((r) => setTimeout(r, 150));
    const got = changesOf(again);
    expect(got.map((c) => [c.customerId, c.version])).toEqual([
      [y, 11], [x, 13], [x, null], [y, 15], [x, 16], [y, 17], [x, 18], [y, 19],
    ]);
    expect(got[2]!.changedFields).toEqual(['*']);
    expect(got.every((c) => c.customer?.id === c.customerId)).toBe(true);
    expect(new Set(got.map((c) => c.cursor)).size).toBe(got.length);

    // The paged query answers the same changes after the same cursor (any page size).
    const paged = await readAll(lastCursor, 3, [x, y]);
    const withoutCustomer = ({ customer: _customer, ...rest }: Change) => rest;
    expect(paged.changes.map(withoutCustomer)).toEqual(got.map(withoutCustomer));
    expect(paged.changes.every((c) => (c.customer as unknown as { sources: unknown[] }).sources.length === 0)).toBe(true);
    expect(paged.endCursor).toBe(got[got.length - 1]!.cursor);
    // ids filter: only y's.
    const onlyY = await readAll(lastCursor, 100, [y]);
    expect(onlyY.changes.map((c) => c.version)).toEqual([11, 15, 17, 19]);
    again.unsubscribe();
    await until(() => subscribers() === 0);
  });

  it('catches up across many pages while changes keep coming, with no gap and none twice', async () => {
    const from = await headCursor();
    const missed = Array.from({ length: 300 }, (_, i) => ({ customerId: i % 2 ? x : z, changedFields: ['phone'], version: 10_000 + i }));
    for (let i = 0; i < missed.length; i += 500) await publishCustomerChanged(publisher, missed.slice(i, i + 500));
    // Changes keep coming from before the subscription starts until it is live: those committed after it registered
    // and before its replay's last page are both in its live queue and in the log; each must arrive once, in place.
    const during: number[] = [];
    let received = () => 0;
    const publishing = (async () => {
      for (let i = 0; i < 3000 && received() < missed.length + 20; i++) {
        await publishCustomerChanged(publisher, { customerId: y, changedFields: ['email'], version: 20_000 + i });
        during.push(20_000 + i);
        await new Promise((r) => setTimeout(r, 2));
      }
    })();
    // The gateway may still be handling the earlier live events (each drops its customer's CRM cache entries first).
    const sub = await subscribeRegistered(subscribers, client(), CHANGES, { after: from }, 30_000);
    received = () => sub.results.length;
    await publishing;
    const expected = [...missed.map((e) => e.version), ...during];
    await sub.waitFor(expected.length, 40_000);
    await new Promise((r) => setTimeout(r, 200));
    expect(changesOf(sub).map((c) => c.version)).toEqual(expected);
    const all = await readAll(from, 500);
    expect(all.changes).toHaveLength(expected.length);
    expect(all.changes.map((c) => c.cursor)).toEqual(changesOf(sub).map((c) => c.cursor));
    sub.unsubscribe();
    await until(() => subscribers() === 0);
  }, 60_000);

  it('starts from the head cursor: a page after it holds only later changes; an empty page keeps the cursor', async () => {
    const head = await headCursor();
    const empty = (await query({ after: head, first: 10 })).data!.customerChanges;
    expect(empty).toMatchObject({ edges: [], pageInfo: { hasNextPage: false, endCursor: head }, headCursor: head });
    await publishCustomerChanged(publisher, { customerId: z, changedFields: ['phone'], version: 3000 });
    const after = await readAll(head, 10);
    expect(after.changes.map((c) => [c.customerId, c.version])).toEqual([[z, 3000]]);
    expect(after.headCursor).toBe(after.endCursor);
  });

  it('refuses a malformed cursor with BAD_USER_INPUT, over HTTP and over the socket', async () => {
    const res = await query({ after: 'bm90LWEtY3Vyc29y', first: 5 });
    expect(res.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(res.errors?.[0]?.message).toContain('is not a customer change cursor');
    const sub = collect(client(), CHANGES, { after: 'nope!' });
    await until(() => sub.error !== undefined || sub.results.length > 0);
    const errors = (sub.error ?? sub.results[0]?.errors) as { extensions?: { code?: string } }[];
    expect(errors.map((e) => e.extensions?.code)).toEqual(['BAD_USER_INPUT']);
    expect(subscribers()).toBe(0);
  });

  // Last: pruning deletes a prefix of the whole log, the changes of the tests above included.
  it('answers CURSOR_EXPIRED for a cursor older than the retention, never a silent gap', async () => {
    const day = 86_400_000;
    await publishCustomerChanged(publisher, { customerId: x, changedFields: ['phone'], version: 4000, at: new Date(Date.now() - 10 * day) });
    await publishCustomerChanged(publisher, { customerId: x, changedFields: ['phone'], version: 4001, at: new Date(Date.now() - 9 * day) });
    await publishCustomerChanged(publisher, { customerId: x, changedFields: ['phone'], version: 4002 });
    const [old, older, recent] = (await readAll(null, 500, [x])).changes.slice(-3);
    expect([old!.version, older!.version, recent!.version]).toEqual([4000, 4001, 4002]);
    expect(await app.sync.changeLogRetention.runNow()).toBeGreaterThan(0);

    const expired = await query({ after: old!.cursor, first: 5 });
    expect(expired.data).toBeNull();
    expect(expired.errors?.map((e) => e.extensions?.code)).toEqual(['CURSOR_EXPIRED']);
    expect(expired.errors?.[0]?.message).toContain('Re-read the customers you hold, then continue from a fresh cursor');
    const sub = collect(client(), CHANGES, { ids: [x], after: old!.cursor });
    await until(() => sub.error !== undefined || sub.results.length > 0);
    const errors = (sub.error ?? sub.results[0]?.errors) as { extensions?: { code?: string } }[];
    expect(errors.map((e) => e.extensions?.code)).toEqual(['CURSOR_EXPIRED']);
    expect(subscribers()).toBe(0);

    // The last pruned change's cursor is still good: nothing after it is gone.
    const fromOlder = await readAll(older!.cursor, 10, [x]);
    expect(fromOlder.changes.map((c) => c.version)).toEqual([4002]);
  });
});
