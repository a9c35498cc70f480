/**
 * A person's company changed in a CRM reaches subscribers on the demo (composition root, sandboxes, embedded
 * database or Postgres): the HubSpot contact's association moves to another company, the webhook brings it in, the
 * snapshot's `company` changes, and `customerChanged(fields: ["company"])` fires with the new golden company; the
 * inverse lists follow.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { goldenRecords } from '../../db/schema.ts';
import { eq } from 'drizzle-orm';
import { startTestApp } from '../support/test-app.ts';
import type { TestApp } from '../support/test-app.ts';
import { subscribeRegistered, wsClient } from '../gateway/subscriptions/ws-test-client.ts';

interface Node { id: string; email: string; company: { id: string; name: string } | null; sources: { crm: string; recordId: string }[] }
interface CompanyNode { id: string; name: string; sources: { crm: string; recordId: string }[] }

describe('relation change (demo)', () => {
  let t: TestApp;
  let person: Node;
  let target: CompanyNode;
  const clients: { dispose(): unknown }[] = [];
  const hs = (method: string, path: string, body?: unknown) => fetch(`${t.hubspotUrl}${path}`, {
    method, headers: { 'content-type': 'application/json', authorization: 'Bearer sandbox-token' }, body: body === undefined ? undefined : JSON.stringify(body),
  });

  beforeAll(async () => {
    t = await startTestApp();
    t.app.sync.poller?.pause();
    const people = await t.gql<{ customers: { edges: { node: Node }[] } }>('{ customers(first: 500) { edges { node { id email company { id name } sources { crm recordId } } } } }');
    // A person only HubSpot knows, so HubSpot's association decides the company.
    person = people.data!.customers.edges.map((e) => e.node).find((n) => n.company && n.sources.length === 1 && n.sources[0]!.crm === 'hubspot')!;
    expect(person).toBeDefined();
    const companies = await t.gql<{ companies: { edges: { node: CompanyNode }[] } }>('{ companies(first: 500) { edges { node { id name sources { crm recordId } } } } }');
    target = companies.data!.companies.edges.map((e) => e.node).find((c) => c.id !== person.company!.id && c.sources.some((s) => s.crm === 'hubspot'))!;
    expect(target).toBeDefined();
  }, 240_000);
  afterAll(async () => {
    for (const c of clients) await c.dispose();
    await t?.close();
  });

  it('fires customerChanged with the new company, stores it in the snapshot, and moves the person between the inverse lists', async () => {
    const client = wsClient(t.app.server.url);
    clients.push(client);
    const sub = await subscribeRegistered(() => t.app.server.subscriptions!.stats().subscribers, client,
      'subscription($ids: [ID!]) { customerChanged(ids: $ids, fields: ["company"]) { customerId changedFields customer { company { id name } } } }', { ids: [person.id] });

    const hsCompany = target.sources.find((s) => s.crm === 'hubspot')!.recordId;
    const hsContact = person.sources[0]!.recordId;
    expect((await hs('PATCH', `/crm/v3/objects/contacts/${hsContact}`, { properties: { associatedcompanyid: hsCompany } })).status).toBe(200);
    const [result] = await sub.waitFor(1, 15_000);
    expect(result!.data).toMatchObject({ customerChanged: { customerId: person.id, changedFields: expect.arrayContaining(['company']), customer: { company: { id: target.id, name: target.name } } } });
    sub.unsubscribe();

    const [row] = await t.app.database.db.select({ snapshot: goldenRecords.snapshot }).from(goldenRecords).where(eq(goldenRecords.id, person.id));
    expect(row!.snapshot).toMatchObject({ company: target.id });
    const lists = await t.gql<{ a: { customers: { edges: { node: { id: string } }[] } }; b: { customers: { edges: { node: { id: string } }[] } } }>(
      `{ a: company(id: "${target.id}") { customers(first: 500) { edges { node { id } } } } b: company(id: "${person.company!.id}") { customers(first: 500) { edges { node { id } } } } }`);
    expect(lists.data!.a.customers.edges.map((e) => e.node.id)).toContain(person.id);
    expect(lists.data!.b.customers.edges.map((e) => e.node.id)).not.toContain(person.id);
  }, 40_000);
});
