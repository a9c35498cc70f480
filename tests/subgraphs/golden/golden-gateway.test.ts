/**
 * The golden Customer end to end: Salesforce and HubSpot sandboxes, real connectors and native subgraphs, the
 * email linker, identity and golden in the real gateway. Each rule of the default configuration is shown by
 * changing a record in a "CRM" and watching the golden value follow (or not).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_MAPPING_CONFIG, SurvivorshipFunctionRegistry, builtInSurvivorshipFunctions, parseMappingConfig } from '../../../resolver-engine/index.ts';
import type { MappingConfig } from '../../../resolver-engine/index.ts';
import type { WriteResult } from '../../../connectors/contract/index.ts';
import { fetches, plan } from './support/query-plan.ts';
import { startWorld } from './support/world.ts';
import type { World } from './support/world.ts';

const functions = new SurvivorshipFunctionRegistry({
  ...builtInSurvivorshipFunctions,
  // A custom rule: the longest spelling of a city wins ('New York City' over 'NYC').
  longestText: (candidates) => {
    const winner = [...candidates].sort((a, b) => String(b.value).length - String(a.value).length)[0] ?? null;
    return { value: winner?.value ?? null, winner, detail: 'longest text' };
  },
});
// No clock-skew tolerance: the test writes a few milliseconds apart and wants the newest to win.
const CONFIG: MappingConfig = parseMappingConfig({ ...DEFAULT_MAPPING_CONFIG, clockSkewToleranceMs: 0 }, { functions });

interface Prov { field: string; value: string | null; rule: string; source: { crm: string; recordId: string } | null; unavailableSources: { crm: string; recordId: string }[]; candidates: { status: string; source: { crm: string } }[] }
interface GoldenCustomer {
  id: string; email: string | null; firstName: string | null; title: string | null; phone: string | null; companyName: string | null;
  mailingCity: string | null; emailOptOut: boolean | null; leadSource: string | null; provenance: Prov[]; conflicts: { field: string; values: { value: string; sources: { crm: string }[] }[] }[];
}
const FIELDS = 'id email firstName title phone companyName mailingCity emailOptOut leadSource provenance { field value rule source { crm recordId } unavailableSources { crm recordId } candidates { status source { crm } } } conflicts { field values { value sources { crm } } }';

let world: World;
const ids = { sf: '', hs: '', account: '' };
const pause = () => new Promise((r) => setTimeout(r, 15));
/** The first name a Salesforce user writes last (after HubSpot's 'Augusta Ada'). */
const SF_FIRST_NAME = 'Ada Augusta';

/** The ids of created records; a refused write fails the test with the CRM's reason. */
function created(results: WriteResult[]): [string, ...string[]] {
  return results.map((r) => {
    if (!r.ok) throw new Error(`write refused: ${r.error.message}`);
    return r.id;
  }) as [string, ...string[]];
}

async function ada(): Promise<GoldenCustomer> {
  const r = await world.query<{ customers: { edges: { node: GoldenCustomer }[] } }>(`{ customers(first: 5, filter: { email: "ada@engines.test" }) { edges { node { ${FIELDS} } } } }`);
  expect(r.errors).toBeUndefined();
  expect(r.data.customers.edges).toHaveLength(1);
  return r.data.customers.edges[0]!.node;
}
const prov = (c: GoldenCustomer, field: string) => c.provenance.find((p) => p.field === field)!;

beforeAll(async () => {
  world = await startWorld(CONFIG, { functions });
  const sf = world.connectors.get('salesforce')!;
  const hs = world.connectors.get('hubspot')!;
  [ids.account] = created(await sf.createMany('Account', [{ fields: { Name: 'Analytical Engines Ltd', Website: 'https://engines.test' } }]));
  [ids.sf] = created(await sf.createMany('Contact', [{ fields: {
    FirstName: 'Ada', LastName: 'Lovelace', Email: 'Ada@Engines.test', Title: 'Chief Analyst', Phone: '+1 415 555 0100',
    MailingCity: 'NYC', AccountId: ids.account, HasOptedOutOfEmail: false, LeadSource: 'Web',
  } }]));
  await pause();
  [ids.hs] = created(await hs.createMany('contacts', [{ fields: {
    email: 'ada@engines.test', firstname: 'Ada', lastname: 'Lovelace', jobtitle: 'Analyst', phone: '+1 415 555 0199',
    // hs_analytics_source is read-only in HubSpot (it records the first visit), so it stays unset here.
    city: 'New York City', hs_email_optout: 'true',
  } }]));
  // More people, in one CRM or both, so a page holds several customers.
  created(await sf.createMany('Contact', [1, 2, 3].map((i) => ({ fields: { LastName: `Person${i}`, Email: `person${i}@example.test` } }))));
  created(await hs.createMany('contacts', [2, 3, 4].map((i) => ({ fields: { lastname: `Person${i}`, email: `person${i}@example.test` } }))));
  const report = await world.link();
  expect(report.failed).toEqual([]);
}, 120_000);
afterAll(async () => world?.close());

describe('golden Customer through the gateway', () => {
  it('merges one customer from both CRMs, with provenance, conflicts and the relationship field', async () => {
    const c = await ada();
    expect(c.email).toBe('ada@engines.test'); // HubSpot's spelling is newer (last write wins)
    expect(c.companyName).toBe('Analytical Engines Ltd'); // Salesforce Account.Name through the Contact
    expect(prov(c, 'companyName').source).toEqual({ crm: 'salesforce', recordId: ids.sf });
    expect(c.conflicts.map((x) => x.field)).toContain('phone');
    expect(prov(c, 'phone').candidates.map((x) => x.source.crm).sort()).toEqual(['hubspot', 'salesforce']);
    expect(c.leadSource).toBe('Web');
  });

  it('costs one golden fetch and one upstream call per CRM for a page of customers', async () => {
    const query = '{ customers(first: 100) { edges { node { email phone title provenance { field rule source { crm } } } } } }';
    expect(fetches(plan(world.gateway.supergraphSdl(), query)).filter((s) => s === 'golden')).toHaveLength(1);
    await Promise.all([world.salesforce, world.hubspot].map((s) => fetch(`${s.url}/_sandbox/stats/reset`, { method: 'POST' })));
    const r = await world.query<{ customers: { edges: { node: { email: string } }[] } }>(query);
    expect(r.errors).toBeUndefined();
    expect(r.data.customers.edges).toHaveLength(5);
    for (const s of [world.salesforce, world.hubspot]) {
      const stats = (await (await fetch(`${s.url}/_sandbox/stats`)).json()) as { total: number };
      expect(stats.total).toBe(1);
    }
  });

  it('last write wins: a newer change in either CRM becomes the golden value', async () => {
    await world.connectors.get('hubspot')!.updateMany('contacts', [{ id: ids.hs, fields: { firstname: 'Augusta Ada' } }]);
    let c = await ada();
    expect(c.firstName).toBe('Augusta Ada');
    expect(prov(c, 'firstName')).toMatchObject({ rule: 'last-write-wins', source: { crm: 'hubspot', recordId: ids.hs } });
    await pause();
    // Saving Salesforce's unchanged 'Ada' again is no change of that field: last-write-wins is per field (the link
    // run stored each field's clock), so HubSpot's newer value stays the winner.
    await world.connectors.get('salesforce')!.updateMany('Contact', [{ id: ids.sf, fields: { FirstName: 'Ada' } }]);
    c = await ada();
    expect(c.firstName).toBe('Augusta Ada');
    await pause();
    await world.connectors.get('salesforce')!.updateMany('Contact', [{ id: ids.sf, fields: { FirstName: SF_FIRST_NAME } }]);
    c = await ada();
    expect(c.firstName).toBe(SF_FIRST_NAME);
    expect(prov(c, 'firstName').source).toEqual({ crm: 'salesforce', recordId: ids.sf });
  });

  it('source priority and per-field policy: a newer HubSpot title does not win, while firstName follows the newest', async () => {
    await world.connectors.get('hubspot')!.updateMany('contacts', [{ id: ids.hs, fields: { jobtitle: 'Head of Analysis', firstname: 'Countess Ada' } }]);
    const c = await ada();
    expect(c.title).toBe('Chief Analyst');
    expect(prov(c, 'title')).toMatchObject({ rule: 'source-priority', source: { crm: 'salesforce' } });
    expect(c.firstName).toBe('Countess Ada');
    expect(prov(c, 'firstName')).toMatchObject({ rule: 'last-write-wins', source: { crm: 'hubspot' } });
  });

  it('custom functions decide a field: anyTrue for the opt-out, and one registered by the test after a hot swap', async () => {
    let c = await ada();
    expect(c.emailOptOut).toBe(true);
    expect(prov(c, 'emailOptOut').rule).toBe('custom:anyTrue');
    expect(c.mailingCity).toBe('New York City'); // newest (HubSpot) under the default rule

    const next = structuredClone(CONFIG);
    next.types.Customer!.fields.mailingCity!.rule = { strategy: 'custom', function: 'longestText' };
    await world.connectors.get('salesforce')!.updateMany('Contact', [{ id: ids.sf, fields: { MailingCity: 'New York, New York' } }]);
    await world.setConfig(next);
    c = await ada();
    expect(c.mailingCity).toBe('New York, New York'); // the longest, and also the newest: check the rule
    expect(prov(c, 'mailingCity').rule).toBe('custom:longestText');
    await world.connectors.get('hubspot')!.updateMany('contacts', [{ id: ids.hs, fields: { city: 'NY' } }]);
    c = await ada();
    expect(c.mailingCity).toBe('New York, New York'); // newer HubSpot value, but shorter
    await world.setConfig(CONFIG);
  });

  it('one CRM down: values come from the other, provenance names the unavailable source, the error says CRM_UNAVAILABLE', async () => {
    await world.faults('hubspot', [{ kind: 'server-error', rate: 1 }]);
    try {
      const r = await world.query<{ customers: { edges: { node: GoldenCustomer }[] } }>(`{ customers(first: 5, filter: { email: "ada@engines.test" }) { edges { node { ${FIELDS} } } } }`);
      const c = r.data.customers.edges[0]!.node;
      expect(c.firstName).toBe(SF_FIRST_NAME);
      expect(c.title).toBe('Chief Analyst');
      expect(prov(c, 'firstName').source).toEqual({ crm: 'salesforce', recordId: ids.sf });
      expect(prov(c, 'firstName').unavailableSources).toEqual([{ crm: 'hubspot', recordId: ids.hs }]);
      expect(prov(c, 'firstName').candidates.find((x) => x.source.crm === 'hubspot')?.status).toBe('UNAVAILABLE');
      expect(prov(c, 'department').unavailableSources).toEqual([]); // Salesforce-only field: nothing missing
      expect(r.errors?.some((e) => e.extensions?.code === 'CRM_UNAVAILABLE')).toBe(true);
    } finally {
      await world.faults('hubspot', []);
    }
  });

  it('identity through the gateway: filters, unknown ids and bad input', async () => {
    const both = await world.query<{ customers: { totalCount: number } }>('{ customers(filter: { crm: "hubspot", name: "person" }) { totalCount } }');
    expect(both.data.customers.totalCount).toBe(3);
    const c = await ada();
    const byId = await world.query<{ customer: { id: string; sources: unknown[]; email: string } | null }>(`{ customer(id: "${c.id}") { id email sources { crm recordId } } }`);
    expect(byId.data.customer).toMatchObject({ id: c.id, email: 'ada@engines.test' });
    expect(byId.data.customer!.sources).toHaveLength(2);
    const unknown = await world.query('{ customer(id: "cus_00000000000000000000000000") { id email } }');
    expect(unknown).toEqual({ data: { customer: null } });
    const bad = await world.query('{ customer(id: "42") { id } }');
    expect(bad.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const badProvenance = await world.query(`{ customer(id: "${c.id}") { provenance(fields: ["shoeSize"]) { field } } }`);
    expect(badProvenance.errors?.[0]?.message).toMatch(/'shoeSize' is not a Customer field/);
  });
});
