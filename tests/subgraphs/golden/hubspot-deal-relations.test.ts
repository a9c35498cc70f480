/**
 * HubSpot deals in the golden relations: a deal names its company and contact only through associations, which the
 * HubSpot connector reads into `associatedcompanyid` / `associatedcontactid`. Through the real gateway (golden's
 * @requires selects them from the HubSpot subgraph), on the HubSpot sandbox and the test database.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_MAPPING_CONFIG, parseMappingConfig } from '../../../resolver-engine/index.ts';
import type { WriteResult } from '../../../connectors/contract/index.ts';
import { pollOnce } from '../../../sync/poller.ts';
import { startWorld } from './support/world.ts';
import type { World } from './support/world.ts';

let world: World;
const ids = { babbage: '', looms: '', charles: '', deal: '', bare: '' };
const TOKEN = 'pat-na1-3c0d2e9f-world-4e8b-9a61-5b1e0c4a7d2f'; // the world's HubSpot private-app token

function created(results: WriteResult[]): [string, ...string[]] {
  return results.map((r) => {
    if (!r.ok) throw new Error(`write refused: ${r.error.message}`);
    return r.id;
  }) as [string, ...string[]];
}

/** Associates a deal through HubSpot's v4 API (type 5: primary company; 3: contact). */
async function associate(dealId: string, to: 'companies' | 'contacts', toId: string, typeId: number): Promise<void> {
  const res = await fetch(`${world.hubspot.url}/crm/v4/objects/deals/${dealId}/associations/${to}/${toId}`, {
    method: 'PUT', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify([{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: typeId }]),
  });
  if (res.status !== 201) throw new Error(`associate: ${res.status} ${await res.text()}`);
}

interface Deal { name: string; company: { id: string; domain: string } | null; contact: { id: string; email: string; company: { domain: string } | null } | null; provenance: { field: string; rule: string; source: { crm: string } | null }[] }

async function deal(name: string): Promise<Deal> {
  const r = await world.query<{ deals: { edges: { node: Deal }[] } }>(
    `{ deals(first: 5, filter: { name: "${name}" }) { edges { node { name company { id domain } contact { id email company { domain } } provenance(fields: ["company", "contact"]) { field rule source { crm } } } } } }`);
  expect(r.errors).toBeUndefined();
  expect(r.data.deals.edges).toHaveLength(1);
  return r.data.deals.edges[0]!.node;
}

async function dealsOf(domain: string): Promise<string[]> {
  const r = await world.query<{ companies: { edges: { node: { deals: { edges: { node: { name: string } }[] } } }[] } }>(
    `{ companies(first: 1, filter: { domain: "${domain}" }) { edges { node { deals(first: 10) { edges { node { name } } } } } } }`);
  expect(r.errors).toBeUndefined();
  return r.data.companies.edges[0]!.node.deals.edges.map((e) => e.node.name).sort();
}

async function goldenId(kind: 'companies' | 'customers', filter: string): Promise<string> {
  const r = await world.query<Record<string, { edges: { node: { id: string } }[] }>>(`{ ${kind}(first: 2, filter: { ${filter} }) { edges { node { id } } } }`);
  expect(r.data[kind]!.edges).toHaveLength(1);
  return r.data[kind]!.edges[0]!.node.id;
}

const poll = async () => {
  // No overlap: the poll reads only what changed since its cursor, as a capture long after the change would.
  const report = await pollOnce({ db: world.db.db, config: world.config(), connectors: world.connectors }, { pageSize: 50, overlapMs: 0 });
  expect(report.failed).toEqual([]);
};

beforeAll(async () => {
  world = await startWorld(parseMappingConfig(DEFAULT_MAPPING_CONFIG));
  const hs = world.connectors.get('hubspot')!;
  [ids.babbage, ids.looms = ''] = created(await hs.createMany('companies', [
    { fields: { name: 'Babbage & Co', domain: 'babbage.test' } },
    { fields: { name: 'Jacquard Looms', domain: 'looms.test' } },
  ]));
  [ids.charles] = created(await hs.createMany('contacts', [{ fields: { email: 'charles@babbage.test', firstname: 'Charles', lastname: 'Babbage', associatedcompanyid: ids.babbage } }]));
  [ids.deal, ids.bare = ''] = created(await hs.createMany('deals', [{ fields: { dealname: 'Difference Engine No. 2', amount: '17000' } }, { fields: { dealname: 'Unattached' } }]));
  await associate(ids.deal, 'companies', ids.babbage, 5);
  await associate(ids.deal, 'contacts', ids.charles, 3);
  const report = await world.link();
  expect(report.failed).toEqual([]);
}, 120_000);
afterAll(async () => world?.close());

describe('HubSpot deals: company and contact from associations', () => {
  it('deal { company contact } resolves to the golden company and customer the associations name', async () => {
    const d = await deal('Difference Engine No. 2');
    expect(d.company).toEqual({ id: await goldenId('companies', 'domain: "babbage.test"'), domain: 'babbage.test' });
    expect(d.contact).toEqual({ id: await goldenId('customers', 'email: "charles@babbage.test"'), email: 'charles@babbage.test', company: { domain: 'babbage.test' } });
    for (const field of ['company', 'contact']) expect(d.provenance.find((p) => p.field === field)).toMatchObject({ rule: 'source-priority', source: { crm: 'hubspot' } });
    const bare = await deal('Unattached');
    expect(bare.company).toBeNull();
    expect(bare.contact).toBeNull();
  });

  it('a page of deals reads the associations once per type, whatever the number of deals', async () => {
    const calls = async (query: string) => {
      await fetch(`${world.hubspot.url}/_sandbox/stats/reset`, { method: 'POST' });
      const r = await world.query(query);
      expect(r.errors).toBeUndefined();
      return ((await (await fetch(`${world.hubspot.url}/_sandbox/stats`)).json()) as { routes: Record<string, number> }).routes;
    };
    const routes = await calls('{ deals(first: 10) { edges { node { name company { domain } contact { email } } } } }');
    // Both deals in one batch read, one association read per type, then the golden company's and customer's own records.
    expect(routes).toEqual({
      'POST /crm/v3/objects/deals/batch/read': 1,
      'POST /crm/v4/associations/deals/companies/batch/read': 1,
      'POST /crm/v4/associations/deals/contacts/batch/read': 1,
      'POST /crm/v3/objects/companies/batch/read': 1,
      'POST /crm/v3/objects/contacts/batch/read': 1,
    });
  });

  it('a page of deals that asks for no relation reads no association: one HubSpot call, the deals\' batch read', async () => {
    const calls = async (query: string) => {
      await fetch(`${world.hubspot.url}/_sandbox/stats/reset`, { method: 'POST' });
      const r = await world.query<{ deals: { edges: { node: { name: string } }[] } }>(query);
      expect(r.errors).toBeUndefined();
      expect(r.data.deals.edges.map((e) => e.node.name)).toContain('Difference Engine No. 2');
      return ((await (await fetch(`${world.hubspot.url}/_sandbox/stats`)).json()) as { routes: Record<string, number> }).routes;
    };
    // The world's subgraphs cache nothing (TTL 0): every query reads HubSpot again.
    expect(await calls('{ deals(first: 10) { edges { node { name amount stage closeDate } } } }')).toEqual({ 'POST /crm/v3/objects/deals/batch/read': 1 });
    // Asking for a relation adds the association reads (relations require every reference), and nothing else.
    expect(await calls('{ deals(first: 10) { edges { node { name company { id } } } } }')).toEqual({
      'POST /crm/v3/objects/deals/batch/read': 1,
      'POST /crm/v4/associations/deals/companies/batch/read': 1,
      'POST /crm/v4/associations/deals/contacts/batch/read': 1,
    });
  });

  it('Company.deals and Customer.deals list it once sync has read it', async () => {
    expect(await dealsOf('babbage.test')).toEqual(['Difference Engine No. 2']);
    expect(await dealsOf('looms.test')).toEqual([]);
    const r = await world.query<{ customers: { edges: { node: { deals: { totalCount: number; edges: { node: { name: string } }[] } } }[] } }>(
      '{ customers(first: 1, filter: { email: "charles@babbage.test" }) { edges { node { deals { totalCount edges { node { name } } } } } } }');
    expect(r.errors).toBeUndefined();
    expect(r.data.customers.edges[0]!.node.deals).toEqual({ totalCount: 1, edges: [{ node: { name: 'Difference Engine No. 2' } }] });
  });

  it('a re-association shows in deal.company at once; the lists follow when change capture next reads the deal', async () => {
    await poll(); // cursors at the present
    await associate(ids.deal, 'companies', ids.looms, 5);
    expect((await deal('Difference Engine No. 2')).company).toMatchObject({ domain: 'looms.test' });
    // HubSpot does not touch a deal's modification time when only its associations change: capture does not see it.
    await poll();
    expect(await dealsOf('babbage.test')).toEqual(['Difference Engine No. 2']);
    // The deal's next change brings the new association along.
    created(await world.connectors.get('hubspot')!.updateMany('deals', [{ id: ids.deal, fields: { amount: '17500' } }]));
    await poll();
    expect(await dealsOf('looms.test')).toEqual(['Difference Engine No. 2']);
    expect(await dealsOf('babbage.test')).toEqual([]);
  });
});
