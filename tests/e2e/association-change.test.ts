/**
 * A HubSpot deal re-associated to another company reaches the golden inverse lists through the webhook, on the demo
 * (composition root, sandboxes in a child process, embedded database or Postgres). HubSpot leaves a deal's
 * modification time alone when only its associations change, so polling cannot see this; with the poller paused,
 * the sandbox's `deal.associationChange` events make sync re-read the deal and store its new company reference.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { webhookInbox } from '../../db/schema.ts';
import { startTestApp } from '../support/test-app.ts';
import type { TestApp } from '../support/test-app.ts';

interface CompanyNode { id: string; name: string; sources: { crm: string; recordId: string }[] }

const DEAL_NAME = 'Association change e2e';

describe('HubSpot association change (demo)', () => {
  let t: TestApp;
  let from: CompanyNode;
  let to: CompanyNode;
  let dealId: string;
  const hs = (method: string, path: string, body?: unknown) => fetch(`${t.hubspotUrl}${path}`, {
    method, headers: { 'content-type': 'application/json', authorization: 'Bearer sandbox-token' }, body: body === undefined ? undefined : JSON.stringify(body),
  });
  const hsId = (c: CompanyNode) => c.sources.find((s) => s.crm === 'hubspot')!.recordId;
  const dealsOf = async (c: CompanyNode): Promise<string[]> => {
    const r = await t.gql<{ company: { deals: { edges: { node: { name: string } }[] } } }>(`{ company(id: "${c.id}") { deals(first: 500) { edges { node { name } } } } }`);
    expect(r.errors).toBeUndefined();
    return r.data!.company.deals.edges.map((e) => e.node.name);
  };
  const until = async (what: string, pred: () => Promise<boolean>, ms = 15_000) => {
    const end = Date.now() + ms;
    while (!(await pred())) {
      if (Date.now() > end) throw new Error(`timed out waiting until ${what}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  const dealModified = async () => {
    const res = await hs('GET', `/crm/v3/objects/deals/${dealId}?properties=hs_lastmodifieddate`);
    expect(res.status).toBe(200);
    return ((await res.json()) as { properties: { hs_lastmodifieddate: string } }).properties.hs_lastmodifieddate;
  };

  beforeAll(async () => {
    // A poller that would run every second, paused: only the webhook can bring the change in.
    t = await startTestApp({ env: { CUSTOMER_GRAPH_POLL_INTERVAL_MS: '1000' } });
    t.app.sync.poller!.pause();
    const companies = await t.gql<{ companies: { edges: { node: CompanyNode }[] } }>('{ companies(first: 500) { edges { node { id name sources { crm recordId } } } } }');
    const fromHubSpot = companies.data!.companies.edges.map((e) => e.node).filter((c) => c.sources.some((s) => s.crm === 'hubspot'));
    expect(fromHubSpot.length).toBeGreaterThanOrEqual(2);
    [from, to] = fromHubSpot as [CompanyNode, CompanyNode];
    // A deal born associated with `from` (primary): its creation webhook links it, so `from` lists it.
    const created = await hs('POST', '/crm/v3/objects/deals', {
      properties: { dealname: DEAL_NAME, amount: '4200' },
      associations: [{ to: { id: hsId(from) }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 5 }] }],
    });
    expect(created.status).toBe(201);
    dealId = ((await created.json()) as { id: string }).id;
    await until(`${from.name} lists the new deal`, async () => (await dealsOf(from)).includes(DEAL_NAME));
  }, 240_000);
  afterAll(async () => {
    await t?.close();
  });

  it('moves the deal from the old company\'s deals to the new company\'s through the associationChange webhook', async () => {
    expect(await dealsOf(to)).not.toContain(DEAL_NAME);
    const modifiedBefore = await dealModified();

    const put = await hs('PUT', `/crm/v4/objects/deals/${dealId}/associations/companies/${hsId(to)}`, [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 5 }]);
    expect(put.status).toBe(201);
    expect((await hs('DELETE', `/crm/v4/objects/deals/${dealId}/associations/companies/${hsId(from)}`)).status).toBe(204);
    // Nothing else changed on the deal: its modification time is what it was, so a poll would not read it.
    expect(await dealModified()).toBe(modifiedBefore);

    await until(`${to.name} lists the deal`, async () => (await dealsOf(to)).includes(DEAL_NAME));
    expect(await dealsOf(from)).not.toContain(DEAL_NAME);

    const rows = await t.app.database.db.select({ payload: webhookInbox.payload, processedAt: webhookInbox.processedAt }).from(webhookInbox);
    const dealEvents = rows.filter((r) => {
      const p = r.payload as { objectType: string; recordId: string; kind: string };
      return p.objectType === 'deals' && p.recordId === dealId && p.kind === 'associationChanged';
    });
    // The PUT (primary and the unlabeled type it implies) and the DELETE, as the deal sees them; all applied.
    expect(dealEvents.length).toBeGreaterThanOrEqual(3);
    expect(dealEvents.every((r) => r.processedAt !== null)).toBe(true);
  }, 40_000);
});
