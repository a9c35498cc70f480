/**
 * Golden Company and Deal on the demo data set: the linker links accounts/companies and opportunities/deals, and the
 * gateway merges them with picklist conversion (HubSpot industry and deal stage into the golden vocabulary).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_MAPPING_CONFIG } from '../../../resolver-engine/index.ts';
import { SALESFORCE_OPPORTUNITY_STAGES } from '../../../resolver-engine/defaults/picklists.ts';
import { generateDemoSeed } from '../../../sandboxes/demo/index.ts';
import { startWorld } from './support/world.ts';
import type { World } from './support/world.ts';

const seed = generateDemoSeed({ customers: 40 });
let world: World;

beforeAll(async () => {
  world = await startWorld(DEFAULT_MAPPING_CONFIG, { seed });
  expect((await world.link()).failed).toEqual([]);
}, 120_000);
afterAll(async () => world?.close());

interface Node { id: string; name: string | null; sources: { crm: string }[]; provenance: { field: string; rule: string; source: { crm: string } | null }[] }

describe('golden Company and Deal', () => {
  it('merges companies from Salesforce accounts and HubSpot companies', async () => {
    const r = await world.query<{ companies: { totalCount: number; edges: { node: Node & { domain: string | null; industry: string | null; employees: number | null } }[] } }>(
      '{ companies(first: 100) { totalCount edges { node { id name domain industry employees annualRevenue sources { crm } provenance(fields: ["name", "industry"]) { field rule source { crm } } } } } }');
    expect(r.errors).toBeUndefined();
    const nodes = r.data.companies.edges.map((e) => e.node);
    expect(nodes).toHaveLength(r.data.companies.totalCount);
    const merged = nodes.filter((n) => new Set(n.sources.map((s) => s.crm)).size === 2);
    expect(merged.length).toBeGreaterThan(0);
    for (const n of nodes) {
      expect(n.name).toBeTruthy();
      expect(n.provenance.map((p) => p.field)).toEqual(['name', 'industry']);
    }
    // HubSpot industry codes never leak through: golden industries are the Salesforce labels.
    expect(nodes.every((n) => n.industry === null || !/^[A-Z_]+$/.test(n.industry))).toBe(true);
  });

  it('merges deals, with stages in the golden vocabulary and the company name through the opportunity', async () => {
    const r = await world.query<{ deals: { edges: { node: Node & { stage: string | null; amount: number | null; closeDate: string | null; companyName: string | null } }[] } }>(
      '{ deals(first: 100) { edges { node { id name stage amount closeDate companyName sources { crm } provenance(fields: ["stage"]) { field rule source { crm } } } } } }');
    expect(r.errors).toBeUndefined();
    const nodes = r.data.deals.edges.map((e) => e.node);
    // Every deal is linked; same-named deals may merge, so there are at most as many golden deals as native ones.
    expect(nodes.length).toBeGreaterThanOrEqual(Math.max(seed.salesforce.Opportunity.length, seed.hubspot.deals.length));
    expect(nodes.length).toBeLessThanOrEqual(seed.salesforce.Opportunity.length + seed.hubspot.deals.length);
    for (const n of nodes) {
      if (n.stage !== null) expect(SALESFORCE_OPPORTUNITY_STAGES as readonly string[]).toContain(n.stage);
      if (n.closeDate !== null) expect(n.closeDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    }
    const fromSalesforce = nodes.filter((n) => n.sources.some((s) => s.crm === 'salesforce'));
    expect(fromSalesforce.length).toBe(seed.salesforce.Opportunity.length);
    expect(fromSalesforce.filter((n) => n.companyName).length).toBeGreaterThan(0);
  });
});
