/**
 * What the webhook end-to-end tests (pipedrive-webhooks, zoho-webhooks, dynamics-webhooks) share: the demo started
 * with one optional CRM on and polling paused (so a change can only arrive by webhook), its subscriptions made at
 * start, one customer holding a record of that CRM, the gateway's webhook path of the demo connector, that
 * connector's rows in the webhook inbox, and a graphql-ws subscriber to the customer's merged phone. Each test keeps
 * what is its CRM's own: how the CRM is called and what its deliveries look like.
 */
import { and, eq } from 'drizzle-orm';
import { expect } from 'vitest';
import { DEMO_SANDBOXES, portVariable } from '../../../cli/demo-sandboxes.ts';
import { webhookInbox } from '../../../db/schema.ts';
import { startTestApp } from '../../support/test-app.ts';
import type { TestApp } from '../../support/test-app.ts';
import { collect, wsClient } from '../../gateway/subscriptions/ws-test-client.ts';
import type { Collected } from '../../gateway/subscriptions/ws-test-client.ts';

const PHONE_SUBSCRIPTION = 'subscription($ids: [ID!]) { customerChanged(ids: $ids, fields: ["phone"]) { customerId changedFields customer { phone } } }';

export interface DemoNode { id: string; phone: string | null; sources: { crm: string; recordId: string }[] }

export interface WebhookDemo {
  t: TestApp;
  /** The demo connector of the CRM under test. */
  connectorId: string;
  /** A customer holding a record of that CRM, and that record's id. */
  customer: DemoNode;
  recordId: string;
  /** `<gateway>/webhooks/<connector id>`. */
  webhookUrl(): string;
  /** POSTs a delivery to the connector's webhook path. */
  post(body: string, headers?: Record<string, string>): Promise<Response>;
  /** The connector's rows in the webhook inbox (only those of `eventId` when given). */
  inboxRows(eventId?: string): Promise<(typeof webhookInbox.$inferSelect)[]>;
  inboxCount(): Promise<number>;
  /** True once the inbox holds an applied event of the customer's record, newer than inbox id `after`. */
  appliedSince(after: number, kind?: string): Promise<boolean>;
  /**
   * A graphql-ws subscriber to the customer's phone. Each test ends its subscription: a new one is registered once
   * the server counts exactly one (a count that merely changed could be the previous one ending).
   */
  subscribePhone(): Promise<Collected>;
  /**
   * The same delivery posted 10 times at once, after the change it reports was made in the CRM: every answer 200,
   * the subscriber told once (the new merged `phone`), one inbox row more.
   */
  expectAppliedOnce(sub: Collected, deliver: () => Promise<Response>, phone: string): Promise<void>;
  /** Subscribing twice: the first call creates `created` subscriptions, the second finds exactly those. */
  expectSubscribingAgainFinds(created: number): Promise<void>;
  close(): Promise<void>;
}

export async function startWebhookDemo(crm: string): Promise<WebhookDemo> {
  const sandbox = DEMO_SANDBOXES.find((d) => d.crm === crm);
  if (!sandbox) throw new Error(`no demo sandbox for ${crm}`);
  const connectorId = sandbox.connectorId;
  const t = await startTestApp({ env: { [portVariable(sandbox)]: '0', CUSTOMER_GRAPH_POLL_INTERVAL_MS: '600000' } });
  const clients: { dispose(): unknown }[] = [];
  try {
    t.app.sync.poller!.pause();
    await t.app.sync.subscribed;
    const page = await t.gql<{ customers: { edges: { node: DemoNode }[] } }>('{ customers(first: 500) { edges { node { id phone sources { crm recordId } } } } }');
    const customer = page.data!.customers.edges.map((e) => e.node).find((n) => n.sources.some((s) => s.crm === crm));
    if (!customer) throw new Error(`no demo customer holds a ${crm} record`);
    const recordId = customer.sources.find((s) => s.crm === crm)!.recordId;
    const db = t.app.database.db;
    const webhookUrl = () => `${t.app.server.url}/webhooks/${connectorId}`;
    const inboxRows = (eventId?: string) => db.select().from(webhookInbox)
      .where(eventId === undefined ? eq(webhookInbox.connectorId, connectorId) : and(eq(webhookInbox.connectorId, connectorId), eq(webhookInbox.eventId, eventId)));
    return {
      t, connectorId, customer, recordId, webhookUrl, inboxRows,
      post: (body, headers = {}) => fetch(webhookUrl(), { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } }),
      inboxCount: async () => (await inboxRows()).length,
      appliedSince: async (after, kind) => (await inboxRows()).some((r) => {
        const payload = r.payload as { recordId: string; kind: string };
        return r.id > after && payload.recordId === recordId && (kind === undefined || payload.kind === kind) && r.processedAt !== null;
      }),
      async subscribePhone() {
        const client = wsClient(t.app.server.url);
        clients.push(client);
        await expect.poll(() => t.app.server.subscriptions!.stats().subscribers, { timeout: 5000, interval: 20 }).toBe(0);
        const sub = collect(client, PHONE_SUBSCRIPTION, { ids: [customer.id] });
        await expect.poll(() => t.app.server.subscriptions!.stats().subscribers, { timeout: 5000, interval: 20 }).toBe(1);
        return sub;
      },
      async expectAppliedOnce(sub, deliver, phone) {
        const before = (await inboxRows()).length;
        const answers = await Promise.all(Array.from({ length: 10 }, deliver));
        expect(answers.map((a) => a.status)).toEqual(Array(10).fill(200));
        const [result] = await sub.waitFor(1, 10_000);
        expect(result!.data).toMatchObject({ customerChanged: { customer: { phone } } });
        await t.app.sync.inbox.drain();
        await new Promise((r) => setTimeout(r, 1000));
        expect(sub.results).toHaveLength(1);
        expect((await inboxRows()).length).toBe(before + 1);
      },
      async expectSubscribingAgainFinds(created) {
        const handler = t.app.connectors.get(crm)!.webhooks!;
        const made = await handler.ensureSubscriptions!(webhookUrl());
        expect(made.created).toHaveLength(created);
        expect(await handler.ensureSubscriptions!(webhookUrl())).toEqual({ existing: made.created, created: [], removed: [], notRemoved: [] });
      },
      async close() {
        for (const c of clients) await c.dispose();
        await t.close();
      },
    };
  } catch (err) {
    await t.close();
    throw err;
  }
}
