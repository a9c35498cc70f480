import { describe, expect, it } from 'vitest';
import { call, startSandbox } from './helpers.ts';

describe('Pipedrive sandbox: v1 recents', () => {
  it('lists changes since a timestamp oldest first, deleted records with active_flag false', async () => {
    const sandbox = await startSandbox({
      seed: {
        persons: [{ name: 'Old', update_time: '2024-04-01T00:00:00Z' }, { name: 'Ada', update_time: '2024-05-01T12:00:00Z' }, { name: 'Bob', update_time: '2024-05-01T12:00:00Z' }],
        deals: [{ title: 'Deal', update_time: '2024-05-02T08:00:00Z' }],
      },
    });
    await call(sandbox, 'DELETE', '/api/v2/persons/1');
    const answer = await call(sandbox, 'GET', '/api/v1/recents?since_timestamp=2024-05-01 12:00:00');
    expect(answer.status).toBe(200);
    const items = answer.body.data.map((x: { item: string; id: number; data: { active_flag: boolean } }) => [x.item, x.id, x.data.active_flag]);
    expect(items).toEqual([['person', 2, true], ['person', 3, true], ['deal', 1, true], ['person', 1, false]]);
    expect(answer.body.data[0]).toEqual({
      item: 'person', id: 2,
      data: { id: 2, name: 'Ada', first_name: 'Ada', last_name: null, org_id: null, owner_id: 1, active_flag: true, add_time: '2024-05-01 12:00:00', update_time: '2024-05-01 12:00:00' },
    });
    expect(answer.body.data[3].data.update_time).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
    expect(answer.body.additional_data).toMatchObject({
      since_timestamp: '2024-05-01 12:00:00', last_timestamp_on_page: answer.body.data[3].data.update_time,
      pagination: { start: 0, limit: 100, more_items_in_collection: false, next_start: null },
    });

    const persons = await call(sandbox, 'GET', '/api/v1/recents?since_timestamp=2024-05-01 12:00:01&items=person');
    expect(persons.body.data.map((x: { id: number; data: { active_flag: boolean } }) => [x.id, x.data.active_flag])).toEqual([[1, false]]);
  });

  it('deleted deals say status deleted; pages with start and limit', async () => {
    const deals = Array.from({ length: 5 }, (_, i) => ({ title: `D${i}`, update_time: `2024-05-01T12:00:0${i}Z` }));
    const sandbox = await startSandbox({ seed: { deals } });
    await call(sandbox, 'DELETE', '/api/v2/deals/2');
    const first = await call(sandbox, 'GET', '/api/v1/recents?since_timestamp=2024-01-01 00:00:00&items=deal&limit=2');
    expect(first.body.data.map((x: { id: number }) => x.id)).toEqual([1, 3]);
    expect(first.body.additional_data.pagination).toEqual({ start: 0, limit: 2, more_items_in_collection: true, next_start: 2 });
    const last = await call(sandbox, 'GET', '/api/v1/recents?since_timestamp=2024-01-01 00:00:00&items=deal&start=4&limit=2');
    expect(last.body.data).toEqual([expect.objectContaining({ item: 'deal', id: 2, data: expect.objectContaining({ active_flag: false, status: 'deleted' }) })]);
    expect(last.body.additional_data.pagination).toEqual({ start: 4, limit: 2, more_items_in_collection: false, next_start: null });
  });

  it('refuses a missing or malformed since_timestamp, unknown items and limit over 500', async () => {
    const sandbox = await startSandbox();
    for (const query of ['', '?since_timestamp=2024-05-01T12:00:00Z', '?since_timestamp=2024-05-01 12:00:00&items=lead',
      '?since_timestamp=2024-05-01 12:00:00&limit=501']) {
      expect((await call(sandbox, 'GET', `/api/v1/recents${query}`)).status, query).toBe(400);
    }
  });
});
