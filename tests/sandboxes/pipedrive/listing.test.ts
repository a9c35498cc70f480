import { describe, expect, it } from 'vitest';
import { call, listAll, startSandbox } from './helpers.ts';

const T0 = '2024-05-01T12:00:00Z';
const at = (seconds: number) => new Date(Date.parse(T0) + seconds * 1000).toISOString().replace('.000Z', 'Z');

describe('Pipedrive sandbox: v2 list paging', () => {
  it('pages by cursor in id order with limit; every record once', async () => {
    const persons = Array.from({ length: 230 }, (_, i) => ({ name: `Person ${i}`, update_time: at(i) }));
    const sandbox = await startSandbox({ seed: { persons } });
    const pages = await listAll(sandbox, '/api/v2/persons?limit=100');
    expect(pages.map((p) => p.length)).toEqual([100, 100, 30]);
    expect(pages.flat()).toEqual(Array.from({ length: 230 }, (_, i) => i + 1));
    const defaults = await call(sandbox, 'GET', '/api/v2/persons');
    expect(defaults.body.data).toHaveLength(100);
    expect(typeof defaults.body.additional_data.next_cursor).toBe('string');
  });

  it('keeps paging stable when many records share one update_time, in both directions', async () => {
    // 150 records in one second, 10 in the next, seeded out of id order.
    const persons = [
      ...Array.from({ length: 10 }, (_, i) => ({ id: 200 + i, name: `Late ${i}`, update_time: at(1) })),
      ...Array.from({ length: 150 }, (_, i) => ({ id: 150 - i, name: `Tied ${i}`, update_time: T0 })),
    ];
    const sandbox = await startSandbox({ seed: { persons } });
    const asc = await listAll(sandbox, '/api/v2/persons?sort_by=update_time&limit=40');
    const ascending = [...Array.from({ length: 150 }, (_, i) => i + 1), ...Array.from({ length: 10 }, (_, i) => 200 + i)];
    expect(asc.map((p) => p.length)).toEqual([40, 40, 40, 40]);
    expect(asc.flat()).toEqual(ascending);
    const desc = await listAll(sandbox, '/api/v2/persons?sort_by=update_time&sort_direction=desc&limit=40');
    expect(desc.flat()).toEqual([...ascending].reverse());
  });

  it('a cursor keeps its place when records change between pages', async () => {
    const persons = Array.from({ length: 10 }, (_, i) => ({ name: `P${i}`, update_time: T0 }));
    const sandbox = await startSandbox({ seed: { persons } });
    const first = await call(sandbox, 'GET', '/api/v2/persons?sort_by=update_time&limit=5');
    expect(first.body.data.map((r: { id: number }) => r.id)).toEqual([1, 2, 3, 4, 5]);
    await call(sandbox, 'DELETE', '/api/v2/persons/6');
    await call(sandbox, 'PATCH', '/api/v2/persons/1', { name: 'Moved' });
    const next = await call(sandbox, 'GET', `/api/v2/persons?sort_by=update_time&limit=5&cursor=${first.body.additional_data.next_cursor}`);
    // 6 is deleted; 1 was updated (moving to now) and so shows up again at the end: nothing is skipped.
    expect(next.body.data.map((r: { id: number }) => r.id)).toEqual([7, 8, 9, 10, 1]);
    expect(next.body.additional_data.next_cursor).toBeNull();
  });

  it('filters by ids, updated_since (inclusive) and updated_until (exclusive); sorts by add_time', async () => {
    const persons = Array.from({ length: 6 }, (_, i) => ({ name: `P${i}`, add_time: at(100 - i), update_time: at(i * 60) }));
    const sandbox = await startSandbox({ seed: { persons } });
    const ids = (r: { body: { data: { id: number }[] } }) => r.body.data.map((x) => x.id);
    expect(ids(await call(sandbox, 'GET', '/api/v2/persons?ids=5,2,99'))).toEqual([2, 5]);
    expect(ids(await call(sandbox, 'GET', `/api/v2/persons?updated_since=${at(120)}`))).toEqual([3, 4, 5, 6]);
    expect(ids(await call(sandbox, 'GET', `/api/v2/persons?updated_since=${at(60)}&updated_until=${at(180)}`))).toEqual([2, 3]);
    expect(ids(await call(sandbox, 'GET', `/api/v2/persons?updated_since=${encodeURIComponent('2024-05-01T14:02:00+02:00')}`))).toEqual([3, 4, 5, 6]);
    expect(ids(await call(sandbox, 'GET', '/api/v2/persons?sort_by=add_time'))).toEqual([6, 5, 4, 3, 2, 1]);
    expect(ids(await call(sandbox, 'GET', '/api/v2/persons?sort_direction=desc&limit=2'))).toEqual([6, 5]);
  });

  it('never lists deleted records', async () => {
    const sandbox = await startSandbox({ seed: { persons: [{ name: 'A' }, { name: 'B' }, { name: 'C', is_deleted: true }] } });
    await call(sandbox, 'DELETE', '/api/v2/persons/1');
    expect((await listAll(sandbox, '/api/v2/persons')).flat()).toEqual([2]);
    expect((await call(sandbox, 'GET', '/api/v2/persons?ids=1,2,3')).body.data.map((r: { id: number }) => r.id)).toEqual([2]);
  });

  it('refuses bad paging parameters with 400', async () => {
    const sandbox = await startSandbox();
    const tooMany = Array.from({ length: 101 }, (_, i) => i + 1).join(',');
    for (const query of ['limit=501', 'limit=0', 'limit=x', `ids=${tooMany}`, 'ids=1,a', 'sort_by=name', 'sort_by=constructor', 'sort_direction=up',
      'updated_since=yesterday', 'updated_since=2024-05-01 12:00:00', 'cursor=not-a-cursor']) {
      const answer = await call(sandbox, 'GET', `/api/v2/persons?${query}`);
      expect(answer.status, query).toBe(400);
      expect(answer.body.success).toBe(false);
    }
    expect((await call(sandbox, 'GET', '/api/v2/persons?limit=500')).status).toBe(200);
  });
});
