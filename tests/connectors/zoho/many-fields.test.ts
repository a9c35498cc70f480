/**
 * More than 50 fields: v8 takes at most 50 names per read, so the connector reads the first 50 (with Modified_Time)
 * for the records the read selects, the rest for exactly those ids, and merges them by id.
 */
import { describe, expect, it } from 'vitest';
import { MAX_FIELDS } from '../../../connectors/zoho/index.ts';
import { countCalls } from '../contract-suite/sandbox-control.ts';
import { createField } from './harness.ts';
import { HOUR_AGO, connect, readAll, start, startBodyProxy } from './helpers.ts';

describe('more than 50 fields', () => {
  it('reads 65 named fields (by ids, by pages, by changes) in groups of at most 50, merged by id', async () => {
    // Custom fields are made through Zoho's API, each call with a fresh token: no token limit in this test.
    const sandbox = await start({}, { empty: true, tokenLimitPer10Min: 0 });
    const custom: string[] = [];
    for (let i = 1; i <= 60; i++) custom.push(await createField(sandbox, 'Contacts', { field_label: `Extra ${i}`, data_type: 'text', length: 50 }));
    expect(custom[0]).toBe('Extra_1');
    const fields = ['Last_Name', 'Email', 'First_Name', 'Phone', 'External_Id', ...custom];
    expect(fields.length).toBeGreaterThan(MAX_FIELDS);
    const connector = connect(sandbox);
    const value = (i: number, name: string) => `${name}-${i}`;
    const created = await connector.createMany('Contacts', Array.from({ length: 3 }, (_, i) => ({
      fields: { Last_Name: `L${i}`, Email: `m${i}@example.test`, ...Object.fromEntries(custom.map((name) => [name, value(i, name)])) },
    })));
    const ids = created.map((r) => (r.ok ? r.id : ''));
    expect(ids.every((id) => /^\d{19}$/.test(id))).toBe(true);

    const expectComplete = (record: { id: string; fields: Record<string, unknown> } | undefined, i: number) => {
      expect(Object.keys(record!.fields).sort()).toEqual([...fields].sort());
      expect(record!.fields.Last_Name).toBe(`L${i}`);
      for (const name of custom) expect(record!.fields[name], name).toBe(value(i, name));
    };
    const { result: byId, calls } = await countCalls(sandbox, () => connector.fetchByIds('Contacts', ids, { fields }));
    ids.forEach((id, i) => expectComplete(byId.get(id), i));
    // 65 names: one call with Modified_Time + 49, one with the other 16 for the same ids.
    expect(calls.routes['GET /crm/v8/Contacts']).toBe(2);

    const pages = [];
    for await (const page of connector.pageRecords('Contacts', { fields, pageSize: 2 })) pages.push(page);
    expect(pages.map((p) => p.length)).toEqual([2, 1]);
    pages.flat().forEach((r) => expectComplete(r, ids.indexOf(r.id)));

    const changes = await readAll(connector, 'Contacts', null, { fields });
    expect(changes.records.map((r) => r.id).sort()).toEqual([...ids].sort());
    changes.records.forEach((r) => expectComplete(r, ids.indexOf(r.id)));
  });

  it('a read naming no fields reads every field the module lists, never more than 50 names a call', async () => {
    const sandbox = await start({ Contacts: [{ id: '4150868000000300001', Last_Name: 'Doe', Modified_Time: HOUR_AGO }] }, { tokenLimitPer10Min: 0 });
    for (let i = 1; i <= 40; i++) await createField(sandbox, 'Contacts', { field_label: `More ${i}`, data_type: 'text', length: 20 });
    const proxy = await startBodyProxy(sandbox.url);
    const connector = connect(sandbox, { baseUrl: proxy.url });
    const record = (await connector.fetchByIds('Contacts', ['4150868000000300001'])).get('4150868000000300001')!;
    expect(record.fields).toMatchObject({ Last_Name: 'Doe', More_1: null, More_40: null, Modified_Time: HOUR_AGO });
    const reads = proxy.requests.filter((r) => r.path.startsWith('/crm/v8/Contacts?'));
    expect(reads.length).toBe(2);
    for (const r of reads) expect(new URL(r.path, proxy.url).searchParams.get('fields')!.split(',').length).toBeLessThanOrEqual(MAX_FIELDS);
  });
});
