/**
 * Dynamics writes against the sandbox: one `$batch` request per 100 items under continue-on-error (a bad item
 * fails alone, naming its column), upsert by the `cg_externalid` alternate key, updates that never create,
 * all-or-none as one changeset, deletes of gone rows.
 */
import { describe, expect, it } from 'vitest';
import { countCalls } from '../contract-suite/sandbox-control.ts';
import { HOUR_AGO, connect, guid, start } from './helpers.ts';

const BATCH = 'POST /api/data/vXX.X/$batch';
const contact = (i: number) => ({ firstname: `First${i}`, lastname: `Last${i}`, emailaddress1: `p${i}@example.test` });

describe('dynamics writes', () => {
  it('five creates are ONE $batch request; a bad item in the middle fails alone, naming its column', async () => {
    const sandbox = await start();
    const connector = connect(sandbox);
    await connector.describeObjects(['contacts']);
    const { result, calls } = await countCalls(sandbox, () => connector.createMany('contacts', [
      { fields: contact(0) }, { fields: { ...contact(1), nosuchcolumn: 'x' } }, { fields: contact(2) },
      { fields: { ...contact(3), firstname: 'x'.repeat(60) } }, { fields: contact(4) },
    ]));
    expect(calls).toEqual({ total: 1, routes: { [BATCH]: 1 } });
    expect(result.map((r) => r.ok)).toEqual([true, false, true, false, true]);
    expect(!result[1]!.ok && result[1]!.error).toMatchObject({ code: 'CRM_VALIDATION', crm: 'dynamics', status: 400, details: { nativeCode: '0x80060888', fields: ['nosuchcolumn'] } });
    expect(!result[3]!.ok && result[3]!.error).toMatchObject({ code: 'CRM_VALIDATION', details: { nativeCode: '0x80044331', fields: ['firstname'] } });
    const stored = sandbox.store.all('contacts').map((row) => row.emailaddress1).sort();
    expect(stored).toEqual(['p0@example.test', 'p2@example.test', 'p4@example.test']);
    for (const r of result) if (r.ok) expect(sandbox.store.get('contacts', r.id)).toBeDefined();
  });

  it('150 items are two $batch requests (100 + 50), results in input order', async () => {
    const sandbox = await start();
    const connector = connect(sandbox);
    await connector.describeObjects(['contacts']);
    const { result, calls } = await countCalls(sandbox, () => connector.createMany('contacts', Array.from({ length: 150 }, (_, i) => ({ fields: contact(i) }))));
    expect(calls.routes[BATCH]).toBe(2);
    expect(result.every((r) => r.ok)).toBe(true);
    result.forEach((r, i) => expect(r.ok && sandbox.store.get('contacts', r.id)?.emailaddress1).toBe(`p${i}@example.test`));
  });

  it('upsert by cg_externalid creates, then updates the same row; two items with one new key in one batch make one row', async () => {
    const sandbox = await start();
    const connector = connect(sandbox);
    const first = await connector.upsertMany('contacts', [
      { externalId: 'ext-a', fields: contact(1) }, { externalId: "o'brien/1?#", fields: contact(2) },
    ], { externalIdField: 'cg_externalid' });
    expect(first).toEqual([{ ok: true, id: expect.any(String), created: true }, { ok: true, id: expect.any(String), created: true }]);
    const id = first[0]!.ok ? first[0]!.id : '';
    expect(sandbox.store.get('contacts', first[1]!.ok ? first[1]!.id : '')?.cg_externalid).toBe("o'brien/1?#");

    const second = await connector.upsertMany('contacts', [
      { externalId: 'ext-a', fields: { telephone1: '+1 555 0101' } }, { externalId: 'ext-b', fields: contact(3) }, { externalId: 'ext-b', fields: { jobtitle: 'CTO' } },
    ], { externalIdField: 'cg_externalid' });
    expect(second.map((r) => r.ok && [r.id === id, r.created])).toEqual([[true, false], [false, true], [false, false]]);
    expect(second[1]!.ok && second[2]!.ok && second[1]!.id === second[2]!.id).toBe(true);
    expect(sandbox.store.get('contacts', id)).toMatchObject({ cg_externalid: 'ext-a', firstname: 'First1', telephone1: '+1 555 0101' });
    expect(sandbox.store.get('contacts', second[1]!.ok ? second[1]!.id : '')).toMatchObject({ cg_externalid: 'ext-b', jobtitle: 'CTO' });
    expect(sandbox.store.all('contacts')).toHaveLength(3);

    // Only an alternate key can be upserted on: another column fails every item unsent, naming the table's keys.
    const other = await connector.upsertMany('contacts', [{ externalId: 'p1@example.test', fields: contact(1) }], { externalIdField: 'emailaddress1' });
    expect(!other[0]!.ok && other[0]!.error.code).toBe('CRM_VALIDATION');
  });

  it('an update of a row that does not exist is CRM_NOT_FOUND and creates nothing (If-Match: *)', async () => {
    const sandbox = await start({ contacts: [{ contactid: guid(1), lastname: 'Known', modifiedon: HOUR_AGO }] });
    const connector = connect(sandbox);
    const results = await connector.updateMany('contacts', [
      { id: guid(404), fields: { firstname: 'Ghost' } }, { id: guid(1), fields: { firstname: 'Real' } }, { id: 'not-a-guid', fields: { firstname: 'x' } },
    ]);
    expect(results.map((r) => (r.ok ? r.id : r.error.code))).toEqual(['CRM_NOT_FOUND', guid(1), 'CRM_NOT_FOUND']);
    expect(results[0]).toMatchObject({ ok: false, id: guid(404), error: { details: { nativeCode: '0x80040217' } } });
    expect(sandbox.store.get('contacts', guid(404))).toBeUndefined();
    expect(sandbox.store.get('contacts', guid(1))?.firstname).toBe('Real');
  });

  it('allOrNone sends one changeset: one bad item and nothing is written', async () => {
    const sandbox = await start();
    const connector = connect(sandbox);
    const results = await connector.createMany('contacts', [{ fields: contact(1) }, { fields: { firstname: 'No last name' } }, { fields: contact(3) }], { allOrNone: true });
    expect(results.map((r) => r.ok)).toEqual([false, false, false]);
    expect(results.every((r) => !r.ok && r.error.code === 'CRM_VALIDATION')).toBe(true);
    expect(sandbox.store.all('contacts')).toEqual([]);
    const good = await connector.createMany('contacts', [{ fields: contact(1) }, { fields: contact(2) }], { allOrNone: true });
    expect(good.map((r) => r.ok && r.created)).toEqual([true, true]);
    expect(sandbox.store.all('contacts')).toHaveLength(2);
    // An item that cannot even be mapped stops the batch before it is sent.
    const { result, calls } = await countCalls(sandbox, () => connector.createMany('contacts', [{ fields: contact(5) }, { fields: { lastname: 'x', statecode: 'Sleeping' } }], { allOrNone: true }));
    expect(result.map((r) => r.ok)).toEqual([false, false]);
    expect(calls.total).toBe(0);
  });

  it('deleting a row already gone, or an id no row can have, counts as done', async () => {
    const sandbox = await start({ contacts: [{ contactid: guid(1), lastname: 'A', modifiedon: HOUR_AGO }, { contactid: guid(2), lastname: 'B', modifiedon: HOUR_AGO }] });
    const connector = connect(sandbox);
    expect(await connector.deleteMany('contacts', [guid(1), guid(1), guid(404), 'nope'])).toEqual([
      { ok: true, id: guid(1) }, { ok: true, id: guid(1) }, { ok: true, id: guid(404) }, { ok: true, id: 'nope' },
    ]);
    expect(sandbox.store.all('contacts').map((r) => r.contactid)).toEqual([guid(2)]);
  });
});
