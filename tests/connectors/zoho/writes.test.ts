/**
 * Writes: batches of at most 100 with `trigger: []`, per-record results in input order mapped to the contract's codes,
 * 201 / 207 / 400 answers alike, upsert on a unique field, deletes, and what `allOrNone` can and cannot do.
 */
import { describe, expect, it } from 'vitest';
import { countCalls } from '../contract-suite/sandbox-control.ts';
import { connect, start, startBodyProxy } from './helpers.ts';

const valid = (i: number) => ({ Last_Name: `Last${i}`, Email: `w${i}@example.test`, External_Id: `wx-${i}` });

describe('writes', () => {
  it('sends at most 100 records per call, always with an empty trigger list', async () => {
    const sandbox = await start({}, { empty: true });
    const proxy = await startBodyProxy(sandbox.url);
    const connector = connect(sandbox, { baseUrl: proxy.url });
    const results = await connector.createMany('Contacts', Array.from({ length: 130 }, (_, i) => ({ fields: valid(i) })));
    expect(results.every((r) => r.ok && r.created === true)).toBe(true);
    const creates = proxy.requests.filter((r) => r.method === 'POST' && r.path === '/crm/v8/Contacts');
    expect(creates.map((r) => (JSON.parse(r.body) as { data: unknown[] }).data.length)).toEqual([100, 30]);
    expect(creates.map((r) => r.status)).toEqual([201, 201]);
    for (const r of creates) expect(JSON.parse(r.body)).toMatchObject({ trigger: [] });
    await connector.updateMany('Contacts', [{ id: results[0]!.ok ? results[0]!.id : '', fields: { Title: 'CTO' } }]);
    await connector.upsertMany('Contacts', [{ externalId: 'wx-1', fields: { Title: 'CFO' } }], { externalIdField: 'External_Id' });
    const [update, upsert] = proxy.requests.filter((r) => r.method === 'PUT' || r.path.endsWith('/upsert'));
    expect(JSON.parse(update!.body)).toEqual({ data: [{ Title: 'CTO', id: results[0]!.ok ? results[0]!.id : '' }], trigger: [] });
    expect(JSON.parse(upsert!.body)).toEqual({ data: [{ Title: 'CFO', External_Id: 'wx-1' }], duplicate_check_fields: ['External_Id'], trigger: [] });
  });

  it('per-record errors in input order: mandatory missing, too long, duplicate, unknown field; a 207 and an all-failed 400 alike', async () => {
    const sandbox = await start({}, { empty: true });
    const proxy = await startBodyProxy(sandbox.url);
    const connector = connect(sandbox, { baseUrl: proxy.url });
    const [first] = await connector.createMany('Contacts', [{ fields: valid(1) }]);
    const results = await connector.createMany('Contacts', [
      { fields: valid(2) }, { fields: { Email: 'no-last@example.test' } }, { fields: { ...valid(3), First_Name: 'x'.repeat(60) } },
      { fields: { ...valid(4), Email: 'w1@example.test' } }, { fields: { ...valid(5), No_Such_Field: 1 } },
    ]);
    expect(results.map((r) => r.ok)).toEqual([true, false, false, false, false]);
    const errors = results.map((r) => (r.ok ? null : r.error));
    expect(errors[1]).toMatchObject({ code: 'CRM_VALIDATION', crm: 'zoho', details: { nativeCode: 'MANDATORY_NOT_FOUND', fields: ['Last_Name'] } });
    expect(errors[2]).toMatchObject({ code: 'CRM_VALIDATION', details: { nativeCode: 'INVALID_DATA', fields: ['First_Name'] } });
    expect(errors[3]).toMatchObject({ code: 'CRM_CONFLICT', details: { nativeCode: 'DUPLICATE_DATA', fields: ['Email'], duplicateId: first!.ok ? first!.id : '' } });
    expect(errors[4]).toMatchObject({ code: 'CRM_VALIDATION', details: { fields: ['No_Such_Field'] } });
    const allBad = await connector.createMany('Contacts', [{ fields: { Email: 'a@example.test' } }, { fields: { Email: 'b@example.test' } }]);
    expect(allBad.map((r) => !r.ok && r.error.code)).toEqual(['CRM_VALIDATION', 'CRM_VALIDATION']);
    expect(proxy.requests.filter((r) => r.method === 'POST' && r.path === '/crm/v8/Contacts').map((r) => r.status)).toEqual([201, 207, 400]);
  });

  it('update of an unknown id is CRM_NOT_FOUND; upsert reports created; delete of an unknown record counts as done', async () => {
    const sandbox = await start({}, { empty: true });
    const connector = connect(sandbox);
    const [a] = await connector.createMany('Contacts', [{ fields: valid(1) }]);
    const id = a!.ok ? a!.id : '';
    const updated = await connector.updateMany('Contacts', [{ id: '4150868000999999998', fields: { Title: 'x' } }, { id, fields: { Title: 'CEO' } }, { id: 'not-an-id', fields: {} }]);
    expect(updated.map((r) => (r.ok ? 'ok' : r.error.code))).toEqual(['CRM_NOT_FOUND', 'ok', 'CRM_NOT_FOUND']);
    expect(updated[0]).toMatchObject({ id: '4150868000999999998' });
    const upserted = await connector.upsertMany('Contacts', [{ externalId: 'wx-1', fields: { Title: 'CFO' } }, { externalId: 'wx-9', fields: { Last_Name: 'New' } }], { externalIdField: 'External_Id' });
    expect(upserted).toEqual([{ ok: true, id, created: false }, { ok: true, id: expect.stringMatching(/^\d{19}$/), created: true }]);
    // A field that is not unique cannot be an upsert key: Zoho refuses the call, every item fails.
    const notUnique = await connector.upsertMany('Contacts', [{ externalId: 'x', fields: {} }], { externalIdField: 'Title' });
    expect(!notUnique[0]!.ok && notUnique[0]!.error.code).toBe('CRM_VALIDATION');
    const deleted = await connector.deleteMany('Contacts', [id, '4150868000999999998', 'nope']);
    expect(deleted).toEqual([{ ok: true, id }, { ok: true, id: '4150868000999999998' }, { ok: true, id: 'nope' }]);
    expect((await connector.fetchByIds('Contacts', [id])).size).toBe(0);
  });

  it('allOrNone is not honoured by Zoho; an item that cannot be sent fails the whole call unsent', async () => {
    const sandbox = await start({}, { empty: true });
    const connector = connect(sandbox);
    await connector.describeObjects(['Contacts']);
    const { result, calls } = await countCalls(sandbox, () =>
      connector.createMany('Contacts', [{ fields: valid(1) }, { fields: { ...valid(2), Account_Name: 'Acme Inc' } }], { allOrNone: true }));
    expect(calls.total).toBe(0);
    expect(result.map((r) => !r.ok && r.error.code)).toEqual(['CRM_VALIDATION', 'CRM_VALIDATION']);
    // Without it the good item is written and the bad one fails alone.
    const loose = await connector.createMany('Contacts', [{ fields: valid(1) }, { fields: { ...valid(2), Account_Name: 'Acme Inc' } }]);
    expect(loose.map((r) => r.ok)).toEqual([true, false]);
  });
});
