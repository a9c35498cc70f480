/**
 * The golden Deal's stage from a Dynamics 365 org: a Salesforce deployment (the demo off) joins a Dataverse org whose
 * opportunities Salesforce does not know. Their golden deals get `stage` from the connector's synthetic `stage_name`
 * (Won / Lost from statecode, else the sales stage) through the default picklist map, with provenance naming
 * Dynamics, and a golden stage written back moves the opportunity to the matching sales stage (reopening a closed
 * one) or closes it through Dataverse's WinOpportunity action.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDemoSeed } from '../../sandboxes/demo/index.ts';
import { startDynamicsSandbox } from '../../sandboxes/dynamics/index.ts';
import type { RunningDynamicsSandbox } from '../../sandboxes/dynamics/index.ts';
import { DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, startSalesforceSandbox } from '../../sandboxes/salesforce/index.ts';
import type { SalesforceSandbox } from '../../sandboxes/salesforce/index.ts';
import { startTestApp } from '../support/test-app.ts';
import type { TestApp } from '../support/test-app.ts';

const SAVE = `mutation($input: SaveConnectorInput!) { saveConnector(input: $input) { applied connector { id running } } }`;
const DEALS = `{ deals(first: 500) { edges { node { id name stage sources { crm recordId } provenance(fields: ["stage"]) { field value rule source { crm recordId } } } } } }`;
type Deal = { id: string; name: string; stage: string | null; sources: { crm: string; recordId: string }[]; provenance: { field: string; value: unknown; rule: string; source: { crm: string; recordId: string } | null }[] };

const guid = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const ACCOUNT = guid(71);
const AT = '2030-01-01T09:00:00Z';
const OPPORTUNITIES = [
  { opportunityid: guid(81), name: 'Stage test: proposal sent', salesstage: 2 },
  { opportunityid: guid(82), name: 'Stage test: signed', salesstage: 3, statecode: 1, statuscode: 3 },
  { opportunityid: guid(83), name: 'Stage test: closing', salesstage: 3 },
  { opportunityid: guid(84), name: 'Stage test: lost', salesstage: 1, statecode: 2, statuscode: 5 },
].map((o) => ({ ...o, _parentaccountid_value: ACCOUNT, createdon: AT, modifiedon: AT }));

describe('Dynamics opportunity stages in the golden Deal', () => {
  let salesforce: SalesforceSandbox;
  let dynamics: RunningDynamicsSandbox;
  let t: TestApp;
  beforeAll(async () => {
    salesforce = await startSalesforceSandbox({ port: 0, demoSeed: generateDemoSeed({ customers: 10 }).salesforce });
    dynamics = await startDynamicsSandbox({ port: 0, seed: { accounts: [{ accountid: ACCOUNT, name: 'Stage Test GmbH', modifiedon: AT }], opportunities: OPPORTUNITIES } });
    t = await startTestApp({
      demo: false,
      env: { SALESFORCE_LOGIN_URL: salesforce.url, SALESFORCE_CLIENT_ID: DEFAULT_CLIENT_ID, SALESFORCE_CLIENT_SECRET: DEFAULT_CLIENT_SECRET },
    });
    const res = await t.gql(SAVE, { input: {
      id: 'dynamics-sales', crm: 'dynamics', name: 'Dynamics 365 (sales)', baseUrl: dynamics.url, authKind: 'client-credentials',
      credentials: [{ name: 'tenantId', value: dynamics.tenantId }, { name: 'clientId', value: dynamics.clientId }, { name: 'clientSecret', value: dynamics.clientSecret }],
    } });
    expect(res.errors).toBeUndefined();
  }, 240_000);
  afterAll(async () => {
    await t?.close();
    await Promise.allSettled([salesforce?.close(), dynamics?.close()]);
  });

  const deals = async () => {
    const res = await t.gql<{ deals: { edges: { node: Deal }[] } }>(DEALS);
    expect(res.errors).toBeUndefined();
    return res.data!.deals.edges.map((e) => e.node);
  };
  const ofDynamics = async (n: number) => (await deals()).find((d) => d.sources.some((s) => s.crm === 'dynamics' && s.recordId === guid(n)));

  it('gives Dynamics-only opportunities a golden stage from the sales stage or the won / lost state, with provenance naming Dynamics', async () => {
    await expect.poll(async () => (await deals()).filter((d) => d.sources.some((s) => s.crm === 'dynamics')).length, { timeout: 60_000, interval: 500 }).toBe(4);
    const expected: Record<number, string> = { 81: 'Proposal/Price Quote', 82: 'Closed Won', 83: 'Negotiation/Review', 84: 'Closed Lost' };
    for (const [n, stage] of Object.entries(expected)) {
      const deal = (await ofDynamics(Number(n)))!;
      expect(deal.sources.map((s) => s.crm)).toEqual(['dynamics']);
      expect(deal.stage).toBe(stage);
      expect(deal.provenance).toEqual([expect.objectContaining({ field: 'stage', value: stage, source: { crm: 'dynamics', recordId: guid(Number(n)) } })]);
    }
  }, 90_000);

  it('writes a golden stage back: an open one as salesstage (the reverse map choosing, a closed one reopened), Closed Won through WinOpportunity', async () => {
    const update = async (n: number, stage: string) => {
      const deal = (await ofDynamics(n))!;
      const res = await t.gql<{ updateDeal: { enqueued: number } }>('mutation($id: ID!, $stage: String) { updateDeal(id: $id, input: { stage: $stage }) { enqueued } }', { id: deal.id, stage });
      expect(res.errors).toBeUndefined();
      expect(res.data!.updateDeal.enqueued).toBe(1);
    };
    await update(81, 'Closed Won');
    await update(83, 'Id. Decision Makers');
    await update(84, 'Prospecting');
    const row = (n: number) => dynamics.store.get('opportunities', guid(n));
    await expect.poll(() => row(81)?.statecode, { timeout: 30_000, interval: 250 }).toBe(1);
    expect(row(81)).toMatchObject({ statuscode: 3, actualclosedate: new Date().toISOString().slice(0, 10) });
    await expect.poll(() => row(83)?.salesstage, { timeout: 30_000, interval: 250 }).toBe(1);
    expect(row(83)?.statecode).toBe(0);
    await expect.poll(() => row(84)?.statecode, { timeout: 30_000, interval: 250 }).toBe(0);
    expect(row(84)).toMatchObject({ statuscode: 1, salesstage: 0 });
    // Closed through Dataverse's action, never by PATCHing statecode (the sandbox would refuse that).
    const ledger = ((await (await fetch(`${dynamics.url}/_sandbox/ledger`)).json()) as { entries: { route: string; recordId: string }[] }).entries;
    expect(ledger.filter((e) => e.recordId === guid(81)).map((e) => e.route)).toContain('POST /api/data/vXX.X/WinOpportunity');
  }, 90_000);
});
