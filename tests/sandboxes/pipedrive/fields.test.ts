import { describe, expect, it } from 'vitest';
import { call, startSandbox } from './helpers.ts';

describe('Pipedrive sandbox: v1 field metadata and custom fields', () => {
  it('lists the standard fields of each object with v1 pagination', async () => {
    const sandbox = await startSandbox();
    const persons = await call(sandbox, 'GET', '/api/v1/personFields');
    expect(persons.status).toBe(200);
    const byKey = Object.fromEntries(persons.body.data.map((f: { key: string; field_type: string }) => [f.key, f.field_type]));
    expect(byKey).toEqual({
      id: 'int', name: 'varchar', first_name: 'varchar', last_name: 'varchar', email: 'varchar', phone: 'phone', org_id: 'org',
      owner_id: 'user', add_time: 'datetime', update_time: 'datetime', label_ids: 'set', visible_to: 'visible_to',
    });
    expect(persons.body.data.find((f: { key: string }) => f.key === 'email')).toMatchObject({
      id: expect.any(Number), name: 'Email', edit_flag: false, mandatory_flag: false, bulk_edit_allowed: true,
    });
    expect(persons.body.additional_data.pagination).toEqual({ start: 0, limit: 100, more_items_in_collection: false, next_start: null });
    const orgKeys = (await call(sandbox, 'GET', '/api/v1/organizationFields')).body.data.map((f: { key: string }) => f.key);
    expect(orgKeys).toEqual(['id', 'name', 'owner_id', 'address', 'add_time', 'update_time', 'visible_to']);
    const deals = (await call(sandbox, 'GET', '/api/v1/dealFields')).body.data;
    expect(Object.fromEntries(deals.map((f: { key: string; field_type: string }) => [f.key, f.field_type]))).toMatchObject({
      title: 'varchar', value: 'monetary', status: 'status', stage_id: 'stage', probability: 'double', expected_close_date: 'date', person_id: 'people',
    });
    const paged = await call(sandbox, 'GET', '/api/v1/personFields?start=10&limit=5');
    expect(paged.body.data.map((f: { key: string }) => f.key)).toEqual(['label_ids', 'visible_to']);
    expect(paged.body.additional_data.pagination).toEqual({ start: 10, limit: 5, more_items_in_collection: false, next_start: null });
    expect((await call(sandbox, 'GET', '/api/v1/leadFields')).status).toBe(404);
  });

  it('creates an enum custom field (201, 40-hex key) and takes its option ids in custom_fields', async () => {
    const sandbox = await startSandbox();
    const created = await call(sandbox, 'POST', '/api/v1/personFields', { name: 'Loyalty tier', field_type: 'enum', options: [{ label: 'Gold' }, { label: 'Silver' }] });
    expect(created.status).toBe(201);
    const field = created.body.data;
    expect(field).toMatchObject({ name: 'Loyalty tier', field_type: 'enum', edit_flag: true, options: [{ id: expect.any(Number), label: 'Gold' }, { id: expect.any(Number), label: 'Silver' }] });
    expect(field.key).toMatch(/^[0-9a-f]{40}$/);
    expect((await call(sandbox, 'GET', `/api/v1/personFields/${field.id}`)).body.data).toEqual(field);
    const listed = (await call(sandbox, 'GET', '/api/v1/personFields')).body.data;
    expect(listed.at(-1)).toEqual(field);

    const gold = field.options[0].id;
    const person = await call(sandbox, 'POST', '/api/v2/persons', { name: 'Ada', custom_fields: { [field.key]: gold } });
    expect(person.body.data.custom_fields).toEqual({ [field.key]: gold });
    const other = await call(sandbox, 'POST', '/api/v2/persons', { name: 'Bob' });
    expect(other.body.data.custom_fields).toEqual({ [field.key]: null });
    expect((await call(sandbox, 'POST', '/api/v2/persons', { name: 'Bad', custom_fields: { [field.key]: 99999 } })).status).toBe(400);
    const cleared = await call(sandbox, 'PATCH', '/api/v2/persons/1', { custom_fields: { [field.key]: null } });
    expect(cleared.body.data.custom_fields).toEqual({ [field.key]: null });
  });

  it('numeric, set, date and text custom fields check their values; the key is per object', async () => {
    const sandbox = await startSandbox();
    const make = async (path: string, body: Record<string, unknown>) => (await call(sandbox, 'POST', `/api/v1/${path}`, body)).body.data;
    const revenue = await make('dealFields', { name: 'Margin', field_type: 'monetary' });
    const seats = await make('dealFields', { name: 'Seats', field_type: 'int' });
    const tags = await make('organizationFields', { name: 'Tags', field_type: 'set', options: ['A', 'B', 'C'] });
    const since = await make('organizationFields', { name: 'Customer since', field_type: 'date' });
    const externalId = await make('personFields', { name: 'External id', field_type: 'varchar' });

    const deal = await call(sandbox, 'POST', '/api/v2/deals', { title: 'D', custom_fields: { [revenue.key]: 99.5, [seats.key]: 3 } });
    expect(deal.body.data.custom_fields).toEqual({ [revenue.key]: 99.5, [seats.key]: 3 });
    for (const bad of [{ [revenue.key]: '99.5' }, { [seats.key]: 2.5 }, { [externalId.key]: 'x' }]) {
      expect((await call(sandbox, 'POST', '/api/v2/deals', { title: 'Bad', custom_fields: bad })).status).toBe(400);
    }
    const [a, , c] = tags.options.map((o: { id: number }) => o.id);
    const org = await call(sandbox, 'POST', '/api/v2/organizations', { name: 'Acme', custom_fields: { [tags.key]: `${a},${c}`, [since.key]: '2020-02-29' } });
    expect(org.body.data.custom_fields).toEqual({ [tags.key]: `${a},${c}`, [since.key]: '2020-02-29' });
    expect((await call(sandbox, 'POST', '/api/v2/organizations', { name: 'Bad', custom_fields: { [since.key]: '2021-02-29' } })).status).toBe(400);
    const person = await call(sandbox, 'POST', '/api/v2/persons', { name: 'Ada', custom_fields: { [externalId.key]: 'ext-1' } });
    expect((await call(sandbox, 'GET', `/api/v2/persons/${person.body.data.id}`)).body.data.custom_fields).toEqual({ [externalId.key]: 'ext-1' });
    expect(sandbox.store.all('deals')).toHaveLength(1);
  });

  it('deleting a custom field removes it from metadata, records and writes; standard fields cannot be deleted', async () => {
    const sandbox = await startSandbox();
    const field = (await call(sandbox, 'POST', '/api/v1/personFields', { name: 'Nickname', field_type: 'varchar' })).body.data;
    await call(sandbox, 'POST', '/api/v2/persons', { name: 'Ada', custom_fields: { [field.key]: 'Countess' } });
    const deleted = await call(sandbox, 'DELETE', `/api/v1/personFields/${field.id}`);
    expect(deleted.body).toEqual({ success: true, data: { id: field.id } });
    expect((await call(sandbox, 'GET', '/api/v1/personFields')).body.data.map((f: { key: string }) => f.key)).not.toContain(field.key);
    expect((await call(sandbox, 'GET', '/api/v2/persons/1')).body.data.custom_fields).toEqual({});
    expect((await call(sandbox, 'PATCH', '/api/v2/persons/1', { custom_fields: { [field.key]: 'x' } })).status).toBe(400);
    expect((await call(sandbox, 'DELETE', `/api/v1/personFields/${field.id}`)).status).toBe(404);
    const standard = (await call(sandbox, 'GET', '/api/v1/personFields')).body.data[1];
    expect((await call(sandbox, 'DELETE', `/api/v1/personFields/${standard.id}`)).status).toBe(400);
  });

  it('refuses fields without a name, with an unknown type, or enum without options', async () => {
    const sandbox = await startSandbox();
    for (const body of [{ field_type: 'varchar' }, { name: 'X', field_type: 'hologram' }, { name: 'X', field_type: 'enum' }, { name: 'X', field_type: 'set', options: [{}] }]) {
      expect((await call(sandbox, 'POST', '/api/v1/personFields', body)).status, JSON.stringify(body)).toBe(400);
    }
    expect((await call(sandbox, 'GET', '/api/v1/personFields')).body.data.every((f: { edit_flag: boolean }) => !f.edit_flag)).toBe(true);
  });
});
