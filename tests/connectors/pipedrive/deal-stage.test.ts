/**
 * Deals' synthetic `stage_name` against the sandbox: "won"/"lost" from `status`, else the name of the deal's stage
 * from `/api/v2/stages` (read once, held across pages, re-read once for a stage it does not know); described as a
 * picklist of the stage names plus won and lost; written back as `{status}` or `{stage_id, status: 'open'}`, an
 * unknown name failing its item alone with CRM_VALIDATION.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { NativeRecord } from '../../../connectors/contract/index.ts';
import { createPipedriveConnector } from '../../../connectors/pipedrive/index.ts';
import { startPipedriveSandbox } from '../../../sandboxes/pipedrive/index.ts';
import type { RunningPipedriveSandbox } from '../../../sandboxes/pipedrive/index.ts';
import { countCalls } from '../contract-suite/sandbox-control.ts';
import { CREDENTIALS, connectPipedrive } from './harness.ts';

const open: RunningPipedriveSandbox[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});

const AT = '2024-05-01T12:00:00Z';
const DEALS = [
  { id: 1, title: 'Open, qualified', status: 'open', stage_id: 1 },
  { id: 2, title: 'Open, demo', status: 'open', stage_id: 3 },
  { id: 3, title: 'Won', status: 'won', stage_id: 5 },
  { id: 4, title: 'Lost', status: 'lost', stage_id: 2 },
  { id: 5, title: 'Open, proposal', status: 'open', stage_id: 4 },
].map((d) => ({ ...d, add_time: AT, update_time: AT }));

async function setup() {
  const sandbox = await startPipedriveSandbox({ port: 0, ...CREDENTIALS, seed: { deals: DEALS } });
  open.push(sandbox);
  const connector = connectPipedrive(sandbox, { connectorId: `pd-stage-${Date.now()}-${Math.random()}` });
  const api = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${sandbox.url}${path}`, {
      method, headers: { 'x-api-token': sandbox.apiToken, 'content-type': 'application/json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    expect(res.status).toBe(200);
    return ((await res.json()) as { data: { id: number } }).data;
  };
  return { sandbox, connector, api };
}

async function readAll(pages: AsyncGenerator<NativeRecord[]>): Promise<NativeRecord[]> {
  const out: NativeRecord[] = [];
  for await (const page of pages) out.push(...page);
  return out;
}

const stageOf = (records: NativeRecord[]) => Object.fromEntries(records.map((r) => [r.id, r.fields.stage_name]));

describe('pipedrive deal stage_name', () => {
  it('describes a writable picklist of the stage names plus won and lost', async () => {
    const { sandbox, connector } = await setup();
    const { result, calls } = await countCalls(sandbox, () => connector.describeObjects(['deals']));
    const field = result[0]!.fields.find((f) => f.name === 'stage_name');
    expect(field).toMatchObject({ type: 'picklist', createable: true, updateable: true, nillable: true, custom: false });
    expect(field!.picklistValues!.map((v) => v.value)).toEqual(['Qualified', 'Contact Made', 'Demo Scheduled', 'Proposal Made', 'Negotiations Started', 'won', 'lost']);
    expect(calls.routes['GET /api/v2/stages']).toBe(1);
    // The describe's read is held: a page of deals afterwards costs its list call only.
    const page = await countCalls(sandbox, () => readAll(connector.pageRecords('deals', { fields: ['title', 'stage_name'] })));
    expect(page.calls.routes).toEqual({ 'GET /api/v2/deals': 1 });
    const persons = (await connector.describeObjects(['persons']))[0]!;
    expect(persons.fields.some((f) => f.name === 'stage_name')).toBe(false);
  });

  it('reads won/lost from status, else the stage name, with one stage read held across pages', async () => {
    const { sandbox, connector } = await setup();
    const { result, calls } = await countCalls(sandbox, () => readAll(connector.pageRecords('deals', { pageSize: 2, fields: ['title', 'stage_name'] })));
    expect(stageOf(result)).toEqual({ 1: 'Qualified', 2: 'Demo Scheduled', 3: 'won', 4: 'lost', 5: 'Proposal Made' });
    expect(calls.routes).toEqual({ 'GET /api/v2/deals': 3, 'GET /api/v2/stages': 1 });
    // Held: reading by ids (all fields) costs no stage call; a read not asking for it has no stage_name and no call.
    const byIds = await countCalls(sandbox, () => connector.fetchByIds('deals', ['1', '4']));
    expect(byIds.calls.routes).toEqual({ 'GET /api/v2/deals': 1 });
    expect(byIds.result.get('1')!.fields).toMatchObject({ stage_id: '1', status: 'open', stage_name: 'Qualified' });
    const plain = await countCalls(sandbox, () => connector.fetchByIds('deals', ['1'], { fields: ['title'] }));
    expect(plain.result.get('1')!.fields).toEqual({ title: 'Open, qualified' });
    expect(plain.calls.routes).toEqual({ 'GET /api/v2/deals': 1 });
  });

  it('re-reads the stages once for a stage it does not know; a stage still unknown reads as null without more re-reads', async () => {
    const { sandbox, connector, api } = await setup();
    await readAll(connector.pageRecords('deals', { fields: ['stage_name'] }));
    const added = await api('POST', '/api/v2/stages', { name: 'Contract Signed', pipeline_id: 1 });
    await api('PATCH', '/api/v2/deals/1', { stage_id: added.id });
    await api('PATCH', '/api/v2/deals/2', { stage_id: 99 });
    const first = await countCalls(sandbox, () => connector.fetchByIds('deals', ['1', '2'], { fields: ['stage_name'] }));
    expect(stageOf([...first.result.values()])).toEqual({ 1: 'Contract Signed', 2: null });
    expect(first.calls.routes['GET /api/v2/stages']).toBe(1);
    const again = await countCalls(sandbox, () => connector.fetchByIds('deals', ['2'], { fields: ['stage_name'] }));
    expect(again.calls.routes).toEqual({ 'GET /api/v2/deals': 1 });
    // A write naming a stage renamed since the last read re-reads once too.
    await api('PATCH', '/api/v2/stages/3', { name: 'Demo Held' });
    const write = await countCalls(sandbox, () => connector.updateMany('deals', [{ id: '5', fields: { stage_name: 'Demo Held' } }]));
    expect(write.result).toEqual([{ ok: true, id: '5' }]);
    expect(write.calls.routes).toEqual({ 'GET /api/v2/stages': 1, 'PATCH /api/v2/deals/:id': 1 });
    expect(sandbox.store.get('deals', 5)!.stage_id).toBe(3);
  });

  it('writes a stage name as {stage_id, status: open} and won/lost as {status}; an unknown name fails its item alone', async () => {
    const { sandbox, connector, api } = await setup();
    await api('PATCH', '/api/v2/stages/2', { name: 'Contacted' });
    const { result, calls } = await countCalls(sandbox, () => connector.updateMany('deals', [
      { id: '1', fields: { stage_name: 'Proposal Made' } },
      { id: '2', fields: { stage_name: 'won' } },
      { id: '3', fields: { stage_name: 'Closed Won' } },
      { id: '4', fields: { stage_name: 'contacted', title: 'Reopened' } },
      { id: '5', fields: { stage_name: null } },
    ]));
    expect(result.slice(0, 2)).toEqual([{ ok: true, id: '1' }, { ok: true, id: '2' }]);
    expect(result[3]).toEqual({ ok: true, id: '4' });
    for (const failed of [result[2]!, result[4]!]) {
      expect(failed.ok).toBe(false);
      if (!failed.ok) {
        expect(failed.id).toBe(failed === result[2] ? '3' : '5');
        expect(failed.error.code).toBe('CRM_VALIDATION');
        expect(failed.error.details).toMatchObject({ fields: ['stage_name'] });
      }
    }
    if (!result[2]!.ok) expect(result[2]!.error.message).toContain('"Closed Won"');
    // One stage read, then a PATCH for each translatable item only; "Contacted" is found in that read.
    expect(calls.routes).toEqual({ 'GET /api/v2/stages': 1, 'PATCH /api/v2/deals/:id': 3 });
    expect(sandbox.store.get('deals', 1)).toMatchObject({ stage_id: 4, status: 'open' });
    expect(sandbox.store.get('deals', 2)).toMatchObject({ stage_id: 3, status: 'won' });
    expect(sandbox.store.get('deals', 3)).toMatchObject({ stage_id: 5, status: 'won' });
    // A lost deal named into a stage is reopened there.
    expect(sandbox.store.get('deals', 4)).toMatchObject({ stage_id: 2, status: 'open', title: 'Reopened' });
    expect(sandbox.store.get('deals', 5)).toMatchObject({ stage_id: 4, status: 'open' });
  });

  it('a name two pipelines share picks the deal\'s current pipeline, and the first pipeline on create', async () => {
    const { sandbox, connector, api } = await setup();
    const qualified2 = await api('POST', '/api/v2/stages', { name: 'Qualified', pipeline_id: 2 });
    const intake2 = await api('POST', '/api/v2/stages', { name: 'Intake', pipeline_id: 2 });
    await api('PATCH', '/api/v2/deals/2', { stage_id: intake2.id });
    const { result, calls } = await countCalls(sandbox, () => connector.updateMany('deals', [
      { id: '2', fields: { stage_name: 'Qualified' } },
      { id: '5', fields: { stage_name: 'Qualified' } },
    ]));
    expect(result.every((r) => r.ok)).toBe(true);
    // The current stages of the deals whose name is ambiguous: one list call for both.
    expect(calls.routes).toEqual({ 'GET /api/v2/stages': 1, 'GET /api/v2/deals': 1, 'PATCH /api/v2/deals/:id': 2 });
    expect(sandbox.store.get('deals', 2)!.stage_id).toBe(qualified2.id);
    expect(sandbox.store.get('deals', 5)!.stage_id).toBe(1);
    const [created] = await connector.createMany('deals', [{ fields: { title: 'New', stage_name: 'Qualified' } }]);
    expect(created!.ok).toBe(true);
    if (created!.ok) expect(sandbox.store.get('deals', Number(created!.id))).toMatchObject({ stage_id: 1, status: 'open' });
  });

  it('a webhook change of a deal\'s stage_id or status names stage_name among the changed fields', () => {
    const connector = createPipedriveConnector({ connectorId: 'pd-hooks', auth: { kind: 'api-token', apiToken: 'unused' }, webhookAuth: { user: 'u', password: 'p' } });
    const parse = (entity: string, previous: Record<string, unknown>) => connector.webhooks!.parse(JSON.stringify({
      meta: { id: `e-${entity}-${Object.keys(previous).join()}`, action: 'change', entity, entity_id: '7', timestamp: AT, version: '2.0' }, data: { id: 7 }, previous,
    }))[0]!.changedFields;
    expect(parse('deal', { stage_id: 1, update_time: AT })).toEqual(['stage_id', 'stage_name']);
    expect(parse('deal', { status: 'open', title: 'Old' })).toEqual(['status', 'title', 'stage_name']);
    expect(parse('deal', { title: 'Old' })).toEqual(['title']);
    expect(parse('person', { status: 'x' })).toEqual(['status']);
  });
});
