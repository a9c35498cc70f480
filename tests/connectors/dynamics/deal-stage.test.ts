/**
 * Opportunities' synthetic `stage_name` against the sandbox: 'Won' / 'Lost' from statecode, else the label of the
 * sales stage, at no extra call (the two columns come with the row); described as a picklist of the sales stages
 * plus Won and Lost; written as `salesstage` (a closed opportunity reopened in the same PATCH) or through
 * WinOpportunity / LoseOpportunity inside the one $batch, a bad name failing its item alone with CRM_VALIDATION.
 */
import { describe, expect, it } from 'vitest';
import type { NativeRecord } from '../../../connectors/contract/index.ts';
import { clearFaults, countCalls, setFaults } from '../contract-suite/sandbox-control.ts';
import { HOUR_AGO, connect, guid, readAll, start } from './helpers.ts';

const BATCH = 'POST /api/data/vXX.X/$batch';
const LIST = 'GET /api/data/vXX.X/opportunities';
const today = () => new Date().toISOString().slice(0, 10);
const opp = (n: number, name: string, extra: Record<string, unknown>) => ({ opportunityid: guid(n), name, modifiedon: HOUR_AGO, ...extra });
const SEED = {
  opportunities: [
    opp(1, 'Open, develop', { salesstage: 1 }),
    opp(2, 'Won', { salesstage: 3, statecode: 1, statuscode: 3 }),
    opp(3, 'Lost', { salesstage: 2, statecode: 2, statuscode: 5 }),
    opp(4, 'Open, propose', { salesstage: 2 }),
    opp(5, 'Open, no stage', { salesstage: 1 }),
    opp(6, 'Open, close', { salesstage: 3 }),
    opp(7, 'Won too', { salesstage: 1, statecode: 1, statuscode: 3 }),
    opp(8, 'Open, qualify', { salesstage: 0 }),
    opp(9, 'Open, qualify 2', { salesstage: 0 }),
  ],
};

async function setup() {
  const sandbox = await start(SEED);
  const connector = connect(sandbox);
  return { sandbox, connector };
}

async function pages(gen: AsyncGenerator<NativeRecord[]>): Promise<NativeRecord[]> {
  const out: NativeRecord[] = [];
  for await (const page of gen) out.push(...page);
  return out;
}
const stageOf = (records: Iterable<NativeRecord>) => Object.fromEntries([...records].map((r) => [r.id, r.fields.stage_name]));
const ledger = async (url: string) => ((await (await fetch(`${url}/_sandbox/ledger`)).json()) as { entries: { route: string; recordId: string; fields: Record<string, unknown> }[] }).entries;

describe('dynamics opportunity stage_name', () => {
  it('is described as a writable picklist of the sales stages plus Won and Lost, on opportunities only', async () => {
    const { connector } = await setup();
    const [opportunities, accounts] = await connector.describeObjects(['opportunities', 'accounts']);
    const field = opportunities!.fields.find((f) => f.name === 'stage_name');
    expect(field).toMatchObject({ type: 'picklist', createable: true, updateable: true, nillable: true, custom: false, externalId: false });
    expect(field!.picklistValues!.map((v) => v.value)).toEqual(['Qualify', 'Develop', 'Propose', 'Close', 'Won', 'Lost']);
    expect(accounts!.fields.some((f) => f.name === 'stage_name')).toBe(false);
  });

  it('reads Won / Lost from statecode, else the sales stage, with no call beyond the read itself', async () => {
    const { sandbox, connector } = await setup();
    await connector.describeObjects(['opportunities']);
    expect((await connector.updateMany('opportunities', [{ id: guid(5), fields: { salesstage: null } }]))[0]!.ok).toBe(true);
    const paged = await countCalls(sandbox, () => pages(connector.pageRecords('opportunities', { pageSize: 4, fields: ['name', 'stage_name'] })));
    expect(stageOf(paged.result)).toEqual({
      [guid(1)]: 'Develop', [guid(2)]: 'Won', [guid(3)]: 'Lost', [guid(4)]: 'Propose', [guid(5)]: null,
      [guid(6)]: 'Close', [guid(7)]: 'Won', [guid(8)]: 'Qualify', [guid(9)]: 'Qualify',
    });
    expect(paged.calls.routes).toEqual({ [LIST]: 3 });
    expect(Object.keys(paged.result[0]!.fields).sort()).toEqual(['name', 'stage_name']);
    // All fields: stage_name beside the columns it is made of; a read not naming it has none.
    const all = await connector.fetchByIds('opportunities', [guid(3)]);
    expect(all.get(guid(3))!.fields).toMatchObject({ statecode: 'Lost', statuscode: 'Out-Sold', salesstage: 'Propose', stage_name: 'Lost' });
    const plain = await connector.fetchByIds('opportunities', [guid(3)], { fields: ['name'] });
    expect(plain.get(guid(3))!.fields).toEqual({ name: 'Lost' });
    // The change feed carries it too.
    const changes = await readAll(connector, 'opportunities', null, { fields: ['stage_name'] });
    expect(stageOf(changes.records)[guid(2)]).toBe('Won');
    expect(stageOf(changes.records)[guid(6)]).toBe('Close');
  });

  it('writes a stage as salesstage (reopening a closed one), Won / Lost through the actions, in one $batch; a bad name fails alone', async () => {
    const { sandbox, connector } = await setup();
    await connector.describeObjects(['opportunities']);
    const { result, calls } = await countCalls(sandbox, () => connector.updateMany('opportunities', [
      { id: guid(1), fields: { stage_name: 'Propose' } },
      { id: guid(2), fields: { stage_name: 'qualify' } },
      { id: guid(4), fields: { stage_name: 'Won' } },
      { id: guid(6), fields: { stage_name: 'lost', name: 'Lost to a rival' } },
      { id: guid(3), fields: { stage_name: 'Won' } },
      { id: guid(7), fields: { stage_name: 'Won' } },
      { id: guid(8), fields: { stage_name: 'Closed Won' } },
      { id: guid(9), fields: { stage_name: null } },
      { id: guid(5), fields: { stage_name: '' } },
    ]));
    expect(result.slice(0, 6)).toEqual([guid(1), guid(2), guid(4), guid(6), guid(3), guid(7)].map((id) => ({ ok: true, id })));
    for (const [i, failed] of result.slice(6).entries()) {
      expect(failed.ok).toBe(false);
      if (!failed.ok) {
        expect(failed.id).toBe([guid(8), guid(9), guid(5)][i]);
        expect(failed.error).toMatchObject({ code: 'CRM_VALIDATION', crm: 'dynamics', details: { fields: ['stage_name'] } });
      }
    }
    if (!result[6]!.ok) expect(result[6]!.error.message).toContain('"Closed Won"');
    // One state read, one $batch.
    expect(calls.routes).toEqual({ [LIST]: 1, [BATCH]: 1 });
    const row = (n: number) => sandbox.store.get('opportunities', guid(n))!;
    expect(row(1)).toMatchObject({ statecode: 0, statuscode: 1, salesstage: 2 });
    expect(row(2)).toMatchObject({ statecode: 0, statuscode: 1, salesstage: 0 });
    expect(row(4)).toMatchObject({ statecode: 1, statuscode: 3, salesstage: 2, actualclosedate: today() });
    expect(row(6)).toMatchObject({ statecode: 2, statuscode: 4, name: 'Lost to a rival' });
    expect(row(3)).toMatchObject({ statecode: 1, statuscode: 3 });
    expect(row(7)).toMatchObject({ statecode: 1, statuscode: 3, modifiedon: HOUR_AGO });
    for (const n of [8, 9, 5]) expect(row(n)).toMatchObject({ statecode: 0, modifiedon: HOUR_AGO });
    const writes = (await ledger(sandbox.url)).map((e) => [e.route.replace(/\(.*\)/, '(:id)'), e.recordId]);
    expect(writes).toEqual([
      ['PATCH /api/data/vXX.X/opportunities(:id)', guid(1)],
      ['PATCH /api/data/vXX.X/opportunities(:id)', guid(2)],
      ['POST /api/data/vXX.X/WinOpportunity', guid(4)],
      ['PATCH /api/data/vXX.X/opportunities(:id)', guid(6)], ['POST /api/data/vXX.X/LoseOpportunity', guid(6)],
      ['PATCH /api/data/vXX.X/opportunities(:id)', guid(3)], ['POST /api/data/vXX.X/WinOpportunity', guid(3)],
    ]);
  });

  it('costs nothing when no item names stage_name', async () => {
    const { sandbox, connector } = await setup();
    await connector.describeObjects(['opportunities']);
    const { result, calls } = await countCalls(sandbox, () => connector.updateMany('opportunities', [{ id: guid(1), fields: { name: 'Renamed' } }, { id: guid(4), fields: { salesstage: 'Close' } }]));
    expect(result.every((r) => r.ok)).toBe(true);
    expect(calls.routes).toEqual({ [BATCH]: 1 });
    expect(sandbox.store.get('opportunities', guid(4))).toMatchObject({ salesstage: 3 });
  });

  it('creates and upserts: at a stage, or created and then won / lost in one changeset', async () => {
    const { sandbox, connector } = await setup();
    await connector.describeObjects(['opportunities']);
    const created = await countCalls(sandbox, () => connector.createMany('opportunities', [
      { fields: { name: 'New, develop', stage_name: 'Develop' } },
      { fields: { name: 'New, won', stage_name: 'Won' } },
      { fields: { name: 'New, bad', stage_name: 'Signed' } },
    ]));
    expect(created.calls.routes).toEqual({ [BATCH]: 1 });
    const [develop, won, bad] = created.result;
    expect(develop!.ok && won!.ok && !bad!.ok).toBe(true);
    if (develop!.ok) expect(sandbox.store.get('opportunities', develop!.id)).toMatchObject({ statecode: 0, salesstage: 1 });
    if (won!.ok) expect(sandbox.store.get('opportunities', won!.id)).toMatchObject({ name: 'New, won', statecode: 1, statuscode: 3 });
    const upserted = await countCalls(sandbox, () => connector.upsertMany('opportunities', [
      { externalId: 'ext-1', fields: { name: 'Upserted lost', stage_name: 'Lost' } },
      { externalId: 'ext-1', fields: { stage_name: 'Lost' } },
    ], { externalIdField: 'cg_externalid' }));
    // The second item was read as new too (one state read before the batch), so it tried to close a closed one.
    expect(upserted.result.map((r) => r.ok)).toEqual([true, false]);
    const row = sandbox.store.all('opportunities').find((o) => o.cg_externalid === 'ext-1')!;
    expect(row).toMatchObject({ name: 'Upserted lost', statecode: 2, statuscode: 4 });
    expect(upserted.result[0]).toEqual({ ok: true, id: row.opportunityid, created: true });
    expect(upserted.calls.routes).toEqual({ [LIST]: 1, [BATCH]: 1 });
    // Known now: a win reopens and wins it through its id, answering with that id.
    const again = await connector.upsertMany('opportunities', [{ externalId: 'EXT-1', fields: { stage_name: 'Won' } }], { externalIdField: 'cg_externalid' });
    expect(again).toEqual([{ ok: true, id: row.opportunityid, created: false }]);
    expect(sandbox.store.all('opportunities').find((o) => o.cg_externalid === 'ext-1')).toMatchObject({ statecode: 1, statuscode: 3 });
  });

  it('a failed state read fails the items naming stage_name only; the others are written', async () => {
    const { sandbox, connector } = await setup();
    await connector.describeObjects(['opportunities']);
    const flaky = connect(sandbox, { retry: { maxAttempts: 1 } });
    await flaky.describeObjects(['opportunities']);
    await setFaults(sandbox, [{ kind: 'server-error', match: '^GET .*opportunities', rate: 1 }]);
    const updated = await flaky.updateMany('opportunities', [{ id: guid(1), fields: { stage_name: 'Won' } }, { id: guid(4), fields: { name: 'Still written' } }]);
    const upserted = await flaky.upsertMany('opportunities', [
      { externalId: 'x-1', fields: { name: 'Staged', stage_name: 'Close' } }, { externalId: 'x-2', fields: { name: 'Plain upsert' } },
    ], { externalIdField: 'cg_externalid' });
    await clearFaults(sandbox);
    for (const [failed, ok] of [updated, upserted]) {
      expect(failed!.ok).toBe(false);
      if (!failed!.ok) expect(failed!.error.code).toBe('CRM_UNAVAILABLE');
      expect(ok!.ok).toBe(true);
    }
    expect(sandbox.store.get('opportunities', guid(1))).toMatchObject({ statecode: 0 });
    expect(sandbox.store.get('opportunities', guid(4))).toMatchObject({ name: 'Still written' });
    expect(sandbox.store.all('opportunities').map((o) => o.cg_externalid).filter(Boolean)).toEqual(['x-2']);
  });

  it('allOrNone: a win and a stage in one changeset, all or nothing', async () => {
    const { sandbox, connector } = await setup();
    await connector.describeObjects(['opportunities']);
    const ok = await connector.updateMany('opportunities', [{ id: guid(1), fields: { stage_name: 'Won' } }, { id: guid(4), fields: { stage_name: 'Close' } }], { allOrNone: true });
    expect(ok.map((r) => r.ok)).toEqual([true, true]);
    expect(sandbox.store.get('opportunities', guid(1))).toMatchObject({ statecode: 1 });
    const failed = await connector.updateMany('opportunities', [{ id: guid(6), fields: { stage_name: 'Lost' } }, { id: guid(99), fields: { stage_name: 'Won' } }], { allOrNone: true });
    expect(failed.map((r) => r.ok)).toEqual([false, false]);
    expect(sandbox.store.get('opportunities', guid(6))).toMatchObject({ statecode: 0, salesstage: 3 });
  });
});

