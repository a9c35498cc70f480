/**
 * The golden Deal's stage from a Pipedrive sales division: a Salesforce deployment (the demo off) joins a Pipedrive
 * company whose deals Salesforce does not know. Their golden deals get `stage` from the connector's synthetic
 * `stage_name` (the stage's name, or won/lost from the status) through the default picklist map, with provenance
 * naming Pipedrive, and a golden stage written back moves the Pipedrive deal to the matching stage (or closes it).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDemoSeed } from '../../sandboxes/demo/index.ts';
import { startPipedriveSandbox } from '../../sandboxes/pipedrive/index.ts';
import type { RunningPipedriveSandbox } from '../../sandboxes/pipedrive/index.ts';
import { DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, startSalesforceSandbox } from '../../sandboxes/salesforce/index.ts';
import type { SalesforceSandbox } from '../../sandboxes/salesforce/index.ts';
import { startTestApp } from '../support/test-app.ts';
import type { TestApp } from '../support/test-app.ts';

const SAVE = `mutation($input: SaveConnectorInput!) { saveConnector(input: $input) { applied connector { id running } } }`;
const DEALS = `{ deals(first: 500) { edges { node { id name stage sources { crm recordId } provenance(fields: ["stage"]) { field value rule source { crm recordId } } } } } }`;
type Deal = { id: string; name: string; stage: string | null; sources: { crm: string; recordId: string }[]; provenance: { field: string; value: unknown; rule: string; source: { crm: string; recordId: string } | null }[] };

const AT = '2030-01-01T09:00:00Z';
const PIPEDRIVE_DEALS = [
  { id: 81, title: 'Stage test: demo booked', org_id: 71, status: 'open', stage_id: 3 },
  { id: 82, title: 'Stage test: signed', org_id: 71, status: 'won', stage_id: 5 },
  { id: 83, title: 'Stage test: in negotiation', org_id: 71, status: 'open', stage_id: 5 },
].map((d) => ({ ...d, add_time: AT, update_time: AT }));

describe('Pipedrive deal stages in the golden Deal', () => {
  let salesforce: SalesforceSandbox;
  let pipedrive: RunningPipedriveSandbox;
  let t: TestApp;
  beforeAll(async () => {
    salesforce = await startSalesforceSandbox({ port: 0, demoSeed: generateDemoSeed({ customers: 10 }).salesforce });
    pipedrive = await startPipedriveSandbox({ port: 0, seed: { organizations: [{ id: 71, name: 'Stage Test Ltd', add_time: AT, update_time: AT }], deals: PIPEDRIVE_DEALS } });
    t = await startTestApp({
      demo: false,
      env: { SALESFORCE_LOGIN_URL: salesforce.url, SALESFORCE_CLIENT_ID: DEFAULT_CLIENT_ID, SALESFORCE_CLIENT_SECRET: DEFAULT_CLIENT_SECRET },
    });
    const res = await t.gql(SAVE, { input: {
      id: 'pipedrive-sales', crm: 'pipedrive', name: 'Pipedrive (sales)', baseUrl: pipedrive.url, authKind: 'api-token',
      credentials: [{ name: 'apiToken', value: pipedrive.apiToken }],
    } });
    expect(res.errors).toBeUndefined();
  }, 240_000);
  afterAll(async () => {
    await t?.close();
    await Promise.allSettled([salesforce?.close(), pipedrive?.close()]);
  });

  const deals = async () => {
    const res = await t.gql<{ deals: { edges: { node: Deal }[] } }>(DEALS);
    expect(res.errors).toBeUndefined();
    return res.data!.deals.edges.map((e) => e.node);
  };
  const ofPipedrive = async (id: number) => (await deals()).find((d) => d.sources.some((s) => s.crm === 'pipedrive' && s.recordId === String(id)));

  it('gives Pipedrive-only deals a golden stage from the stage name or the won status, with provenance naming Pipedrive', async () => {
    await expect.poll(async () => (await deals()).filter((d) => d.sources.some((s) => s.crm === 'pipedrive')).length, { timeout: 60_000, interval: 500 }).toBe(3);
    const expected: Record<number, string> = { 81: 'Value Proposition', 82: 'Closed Won', 83: 'Negotiation/Review' };
    for (const [id, stage] of Object.entries(expected)) {
      const deal = (await ofPipedrive(Number(id)))!;
      expect(deal.sources.map((s) => s.crm)).toEqual(['pipedrive']);
      expect(deal.stage).toBe(stage);
      expect(deal.provenance).toEqual([expect.objectContaining({ field: 'stage', value: stage, source: { crm: 'pipedrive', recordId: id } })]);
    }
  }, 90_000);

  it('writes a golden stage back as the Pipedrive stage, the reverse map choosing for stages Pipedrive lacks', async () => {
    const update = async (id: number, stage: string) => {
      const deal = (await ofPipedrive(id))!;
      const res = await t.gql<{ updateDeal: { enqueued: number } }>('mutation($id: ID!, $stage: String) { updateDeal(id: $id, input: { stage: $stage }) { enqueued } }', { id: deal.id, stage });
      expect(res.errors).toBeUndefined();
      expect(res.data!.updateDeal.enqueued).toBe(1);
    };
    await update(81, 'Closed Lost');
    await update(83, 'Id. Decision Makers');
    await expect.poll(() => pipedrive.store.get('deals', 81)?.status, { timeout: 30_000, interval: 250 }).toBe('lost');
    await expect.poll(() => pipedrive.store.get('deals', 83)?.stage_id, { timeout: 30_000, interval: 250 }).toBe(3);
    expect(pipedrive.store.get('deals', 83)?.status).toBe('open');
  }, 90_000);
});
