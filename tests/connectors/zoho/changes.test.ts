/**
 * The change feed: Modified_Time ascending with a keyset cursor (same-second ties across page boundaries and polls),
 * the overlap asked through If-Modified-Since, deletions from `/deleted`, cursors resumable, changeCursorAt local,
 * latestChangeAt one call.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_OVERLAP_MS } from '../../../connectors/zoho/index.ts';
import { countCalls } from '../contract-suite/sandbox-control.ts';
import { HOUR_AGO, connect, plusSeconds, readAll, seedMore, start, startBodyProxy } from './helpers.ts';

const id = (n: number) => `4150868000000${String(200000 + n).padStart(6, '0')}`;
const contact = (n: number, modified: string) => ({ id: id(n), Last_Name: `Tie${n}`, Email: `tie${n}@example.test`, Modified_Time: modified, Created_Time: modified });

describe('change feed', () => {
  it('seven records of one second over pages of three: each once, in (time, id) order; every cursor resumes after its batch', async () => {
    const t = HOUR_AGO;
    const sandbox = await start({ Contacts: [...[5, 1, 7, 3, 2, 6, 4].map((n) => contact(n, t)), contact(8, plusSeconds(t, 1))] });
    const connector = connect(sandbox);
    const all = await readAll(connector, 'Contacts', null, { pageSize: 3, fields: ['Last_Name'] });
    expect(all.records.map((r) => r.id)).toEqual([1, 2, 3, 4, 5, 6, 7, 8].map(id));
    expect(all.batches.filter((b) => b.records.length > 0).map((b) => b.records.length)).toEqual([3, 3, 2]);
    expect(all.batches[0]!.cursor).toMatchObject({ modified: { at: t, id: id(3) }, deleted: { at: null, id: null } });
    expect(Object.keys((all.batches[0]!.cursor as { modified: { seen: object } }).modified.seen)).toEqual([1, 2, 3].map(id));
    for (const [k, batch] of all.batches.entries()) {
      const rest = await readAll(connector, 'Contacts', batch.cursor, { pageSize: 3, fields: ['Last_Name'] });
      expect(rest.records.map((r) => r.id), `after batch ${k}`).toEqual(all.records.slice(all.batches.slice(0, k + 1).flatMap((b) => b.records).length).map((r) => r.id));
    }
    expect(await readAll(connector, 'Contacts', all.cursor, { fields: ['Last_Name'] })).toMatchObject({ records: [], deletions: [] });
  });

  it('a record with a lower id changed later in the cursor\'s own second is delivered (a plain {at, id} keyset would skip it)', async () => {
    const t = HOUR_AGO;
    const sandbox = await start({ Contacts: [1, 2, 3].map((n) => contact(n, t)) });
    const connector = connect(sandbox);
    const first = await readAll(connector, 'Contacts', null, { fields: ['Last_Name'] });
    expect((first.cursor as { modified: { id: string } }).modified.id).toBe(id(3));
    // Imported again with the same Modified_Time (a change within the same second), content changed.
    await seedMore(sandbox, { Contacts: [{ ...contact(1, t), Last_Name: 'Changed' }] });
    const second = await readAll(connector, 'Contacts', first.cursor, { fields: ['Last_Name'] });
    expect(second.records.map((r) => [r.id, r.fields.Last_Name])).toEqual([[id(1), 'Changed']]);
    expect((await readAll(connector, 'Contacts', second.cursor, { fields: ['Last_Name'] })).records).toEqual([]);
    // A cursor without `seen` still reads (by id): nothing after id 3 at t.
    expect((await readAll(connector, 'Contacts', { modified: { at: t, id: id(3) }, deleted: { at: null, id: null } }, { fields: ['Last_Name'] })).records).toEqual([]);
  });

  it('asks Zoho from the cursor minus the overlap minus one second, sorted by Modified_Time ascending, fields named', async () => {
    const sandbox = await start({ Contacts: [contact(1, HOUR_AGO)] });
    const proxy = await startBodyProxy(sandbox.url);
    const connector = connect(sandbox, { baseUrl: proxy.url });
    const first = await readAll(connector, 'Contacts', null, { fields: ['Last_Name'] });
    await readAll(connector, 'Contacts', first.cursor, { overlapMs: DEFAULT_OVERLAP_MS, fields: ['Last_Name'] });
    const lists = proxy.requests.filter((r) => r.method === 'GET' && r.path.startsWith('/crm/v8/Contacts?'));
    const last = lists.at(-1)!;
    const query = new URL(last.path, proxy.url).searchParams;
    expect(Object.fromEntries(query)).toMatchObject({ sort_by: 'Modified_Time', sort_order: 'asc', per_page: '200', page: '1', fields: 'Modified_Time,Last_Name' });
    expect(last.headers['if-modified-since']).toBe(new Date(Date.parse(HOUR_AGO) - DEFAULT_OVERLAP_MS - 1000).toISOString().replace('.000Z', '+00:00'));
    expect(last.headers.authorization).toMatch(/^Zoho-oauthtoken 1000\./);
    expect(lists[0]!.headers['if-modified-since']).toBeUndefined();
  });

  it('deletions come from /deleted oldest first with their time; a resumed cursor neither repeats nor loses one', async () => {
    const sandbox = await start({ Contacts: [1, 2, 3, 4].map((n) => contact(n, HOUR_AGO)) });
    const connector = connect(sandbox);
    const first = await readAll(connector, 'Contacts', null);
    expect(first.records).toHaveLength(4);
    expect((await connector.deleteMany('Contacts', [id(3), id(1)])).every((r) => r.ok)).toBe(true);
    const second = await readAll(connector, 'Contacts', first.cursor);
    expect(second.records).toEqual([]);
    expect(second.deletions.map((d) => d.id).sort()).toEqual([id(1), id(3)]);
    for (const d of second.deletions) expect(d.deletedAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    expect((await connector.deleteMany('Contacts', [id(2)]))[0]).toEqual({ ok: true, id: id(2) });
    const third = await readAll(connector, 'Contacts', second.cursor);
    expect(third.deletions.map((d) => d.id)).toEqual([id(2)]);
    expect(await readAll(connector, 'Contacts', third.cursor)).toMatchObject({ records: [], deletions: [] });
    // The deletion cursor is kept apart from the records' one.
    expect((third.cursor as { deleted: { id: string } }).deleted.id).toBe(id(2));
  });

  it('changeCursorAt is local and includes the whole second of `at`; latestChangeAt is one sorted call; a foreign cursor is refused', async () => {
    const t = HOUR_AGO;
    const sandbox = await start({ Contacts: [contact(1, plusSeconds(t, -120)), contact(2, t), contact(3, plusSeconds(t, 30))] });
    const connector = connect(sandbox);
    await connector.describeObjects(['Contacts']);
    const { result: cursor, calls: none } = await countCalls(sandbox, async () => connector.changeCursorAt('Contacts', new Date(Date.parse(t) + 400)));
    expect(none.total).toBe(0);
    expect((await readAll(connector, 'Contacts', cursor)).records.map((r) => r.id)).toEqual([id(2), id(3)]);
    const { result: latest, calls } = await countCalls(sandbox, () => connector.latestChangeAt('Contacts'));
    expect(latest?.toISOString()).toBe(new Date(plusSeconds(t, 30)).toISOString());
    expect(calls).toEqual({ total: 1, routes: { 'GET /crm/v8/Contacts': 1 } });
    await expect(drainChanges(connector.readChanges('Contacts', { since: 5 }))).rejects.toMatchObject({ code: 'CRM_VALIDATION', crm: 'zoho' });
    expect(await connect(await start({}, { empty: true })).latestChangeAt('Deals')).toBeNull();
  });
});

async function drainChanges<T>(generator: AsyncGenerator<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of generator) out.push(item);
  return out;
}
