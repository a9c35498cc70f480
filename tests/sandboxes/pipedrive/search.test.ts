import { describe, expect, it } from 'vitest';
import { call, startSandbox } from './helpers.ts';

describe('Pipedrive sandbox: v2 search', () => {
  it('finds persons by exact email, phone, name or custom field value, never deleted ones', async () => {
    const sandbox = await startSandbox({
      seed: {
        persons: [
          { name: 'Ada Lovelace', emails: [{ value: 'ada@acme.test' }], phones: [{ value: '+1 555 0100' }] },
          { name: 'Ada Byron', emails: [{ value: 'ada.byron@acme.test' }] },
          { name: 'Gone', emails: [{ value: 'gone@acme.test' }], is_deleted: true },
        ],
      },
    });
    const search = async (query: string) => call(sandbox, 'GET', `/api/v2/persons/search?${query}`);
    const exact = await search('term=ADA@acme.test&fields=email&exact_match=true');
    expect(exact.status).toBe(200);
    expect(exact.body).toEqual({
      success: true,
      data: { items: [{ result_score: 1, item: expect.objectContaining({ id: 1, type: 'person', name: 'Ada Lovelace', emails: ['ada@acme.test'] }) }] },
      additional_data: { next_cursor: null },
    });
    expect((await search('term=%2B1 555 0100&fields=phone&exact_match=true')).body.data.items.map((i: { item: { id: number } }) => i.item.id)).toEqual([1]);
    expect((await search('term=ada&fields=name&exact_match=true')).body.data.items).toEqual([]);
    expect((await search('term=ada&fields=name')).body.data.items.map((i: { item: { id: number } }) => i.item.id)).toEqual([1, 2]);
    expect((await search('term=gone@acme.test&exact_match=true')).body.data.items).toEqual([]);

    const field = (await call(sandbox, 'POST', '/api/v1/personFields', { name: 'External id', field_type: 'varchar' })).body.data;
    await call(sandbox, 'PATCH', '/api/v2/persons/2', { custom_fields: { [field.key]: 'EXT-42' } });
    expect((await search('term=EXT-42&fields=custom_fields&exact_match=true')).body.data.items.map((i: { item: { id: number } }) => i.item.id)).toEqual([2]);
    expect((await search('term=EXT-4&fields=custom_fields&exact_match=true')).body.data.items).toEqual([]);
  });

  it('searches organization names; refuses short terms and fields the object does not have', async () => {
    const sandbox = await startSandbox({ seed: { organizations: [{ name: 'Acme Corp' }, { name: 'Globex' }] } });
    const found = await call(sandbox, 'GET', '/api/v2/organizations/search?term=acme corp&fields=name&exact_match=true');
    expect(found.body.data.items.map((i: { item: { id: number; name: string } }) => [i.item.id, i.item.name])).toEqual([[1, 'Acme Corp']]);
    expect((await call(sandbox, 'GET', '/api/v2/organizations/search?term=a')).status).toBe(400);
    expect((await call(sandbox, 'GET', '/api/v2/organizations/search?term=acme&fields=email')).status).toBe(400);
    expect((await call(sandbox, 'GET', '/api/v2/persons/search')).status).toBe(400);
  });

  it('pages results with next_cursor', async () => {
    const persons = Array.from({ length: 5 }, (_, i) => ({ name: `Smith ${i}` }));
    const sandbox = await startSandbox({ seed: { persons } });
    const first = await call(sandbox, 'GET', '/api/v2/persons/search?term=smith&limit=3');
    expect(first.body.data.items).toHaveLength(3);
    const cursor = first.body.additional_data.next_cursor;
    expect(typeof cursor).toBe('string');
    const second = await call(sandbox, 'GET', `/api/v2/persons/search?term=smith&limit=3&cursor=${cursor}`);
    expect(second.body.data.items.map((i: { item: { id: number } }) => i.item.id)).toEqual([4, 5]);
    expect(second.body.additional_data.next_cursor).toBeNull();
  });
});
