import { describe, expect, it } from 'vitest';
import { call, control, RFC3339_SECONDS, startSandbox } from './helpers.ts';

describe('Pipedrive sandbox: v2 records', () => {
  it('creates, reads, updates and deletes a person with the v2 shape', async () => {
    const sandbox = await startSandbox();
    const created = await call(sandbox, 'POST', '/api/v2/persons', {
      name: 'Ada Lovelace', emails: [{ value: 'ada@acme.test', primary: true, label: 'work' }], phones: [{ value: '+1 555 0100' }], org_id: 5,
    });
    expect(created.status).toBe(200);
    expect(created.headers.get('content-type')).toMatch(/^application\/json/);
    const person = created.body.data;
    expect(created.body.success).toBe(true);
    expect(person).toMatchObject({
      id: 1, name: 'Ada Lovelace', first_name: 'Ada', last_name: 'Lovelace', owner_id: 1, org_id: 5,
      emails: [{ value: 'ada@acme.test', primary: true, label: 'work' }], phones: [{ value: '+1 555 0100', primary: true, label: 'work' }],
      is_deleted: false, visible_to: 3, label_ids: [], custom_fields: {},
    });
    expect(person.add_time).toMatch(RFC3339_SECONDS);
    expect(person.update_time).toMatch(RFC3339_SECONDS);

    const read = await call(sandbox, 'GET', '/api/v2/persons/1');
    expect(read.body).toEqual({ success: true, data: person });

    const patched = await call(sandbox, 'PATCH', '/api/v2/persons/1', { first_name: 'Augusta', emails: [{ value: 'augusta@acme.test' }] });
    expect(patched.status).toBe(200);
    expect(patched.body.data).toMatchObject({ id: 1, name: 'Augusta Lovelace', first_name: 'Augusta', emails: [{ value: 'augusta@acme.test', primary: true }] });

    const deleted = await call(sandbox, 'DELETE', '/api/v2/persons/1');
    expect(deleted.body).toEqual({ success: true, data: { id: 1 } });
    expect((await call(sandbox, 'GET', '/api/v2/persons/1')).body.data.is_deleted).toBe(true);
    expect((await call(sandbox, 'PATCH', '/api/v2/persons/1', { name: 'Again' })).status).toBe(404);
    expect((await call(sandbox, 'DELETE', '/api/v2/persons/1')).status).toBe(404);
    expect(sandbox.store.get('persons', 1)).toMatchObject({ name: 'Augusta Lovelace', is_deleted: true });

    const ledger = (await control(sandbox, 'GET', '/ledger')).body.entries.map((e: { operation: string; objectType: string; recordId: string }) => [e.operation, e.objectType, e.recordId]);
    expect(ledger).toEqual([['create', 'persons', '1'], ['update', 'persons', '1'], ['delete', 'persons', '1']]);
  });

  it('derives name from first/last and first/last from name', async () => {
    const sandbox = await startSandbox();
    expect((await call(sandbox, 'POST', '/api/v2/persons', { first_name: 'Grace', last_name: 'Hopper' })).body.data.name).toBe('Grace Hopper');
    expect((await call(sandbox, 'POST', '/api/v2/persons', { name: 'Alan Mathison Turing' })).body.data).toMatchObject({ first_name: 'Alan', last_name: 'Mathison Turing' });
  });

  it('answers unknown ids with 404 "<Object> not found"', async () => {
    const sandbox = await startSandbox();
    for (const [path, label] of [['persons', 'Person'], ['organizations', 'Organization'], ['deals', 'Deal']] as const) {
      for (const method of ['GET', 'PATCH', 'DELETE']) {
        const answer = await call(sandbox, method, `/api/v2/${path}/999`, method === 'PATCH' ? { name: 'x' } : undefined);
        expect(answer.status).toBe(404);
        expect(answer.body).toMatchObject({ success: false, error: `${label} not found`, data: null, additional_data: null });
        expect(answer.body.error_info).toContain('developers.pipedrive.com');
      }
    }
    expect((await call(sandbox, 'GET', '/api/v2/persons/abc')).status).toBe(404);
  });

  it('organizations and deals: their fields and defaults', async () => {
    const sandbox = await startSandbox();
    const org = await call(sandbox, 'POST', '/api/v2/organizations', { name: 'Acme', address: { value: '1 Main St, Springfield', country: 'US', locality: 'Springfield' } });
    expect(org.body.data).toMatchObject({
      id: 1, name: 'Acme', owner_id: 1, visible_to: 3, label_ids: [], is_deleted: false, custom_fields: {},
      address: { value: '1 Main St, Springfield', country: 'US', locality: 'Springfield', postal_code: null, route: null, street_number: null },
    });
    const deal = await call(sandbox, 'POST', '/api/v2/deals', { title: 'Big deal', value: 1200.5, org_id: 1, person_id: 3, expected_close_date: '2025-01-31' });
    expect(deal.body.data).toMatchObject({
      id: 1, title: 'Big deal', value: 1200.5, currency: 'USD', status: 'open', stage_id: 1, probability: null,
      expected_close_date: '2025-01-31', person_id: 3, org_id: 1, owner_id: 1, is_deleted: false,
    });
    const won = await call(sandbox, 'PATCH', '/api/v2/deals/1', { status: 'won', probability: 100 });
    expect(won.body.data).toMatchObject({ status: 'won', probability: 100 });
  });

  it('refuses invalid writes with 400 and stores nothing', async () => {
    const sandbox = await startSandbox();
    const ada = (await call(sandbox, 'POST', '/api/v2/persons', { name: 'Ada', emails: [{ value: 'ada@acme.test' }] })).body.data;
    const before = sandbox.store.all('persons');
    const cases: Array<[string, string, unknown, string | RegExp]> = [
      ['POST', '/api/v2/persons', {}, 'name is required'],
      ['POST', '/api/v2/persons', { name: '   ' }, 'name is required'],
      ['POST', '/api/v2/persons', { name: 'Bad', emails: [{ value: 'not-an-email' }] }, 'Invalid email address'],
      ['POST', '/api/v2/persons', { name: 'Bad', favourite_colour: 'blue' }, 'Unknown field: favourite_colour'],
      ['POST', '/api/v2/persons', { name: 'Bad', custom_fields: { ['a'.repeat(40)]: 'x' } }, /custom field/],
      ['POST', '/api/v2/persons', { name: 'Bad', owner_id: 'me' }, /owner_id/],
      ['POST', '/api/v2/persons', { name: 'Bad', update_time: '2024-01-01T00:00:00Z' }, /update_time/],
      ['PATCH', `/api/v2/persons/${ada.id}`, { name: '' }, 'name cannot be empty'],
      ['PATCH', `/api/v2/persons/${ada.id}`, { emails: [{ value: 'broken' }] }, 'Invalid email address'],
      ['PATCH', `/api/v2/persons/${ada.id}`, { nickname: 'A' }, 'Unknown field: nickname'],
      ['POST', '/api/v2/organizations', { address: 'Nowhere' }, 'name is required'],
      ['POST', '/api/v2/deals', { value: 10 }, 'title is required'],
      ['POST', '/api/v2/deals', { title: 'D', status: 'maybe' }, /status/],
      ['POST', '/api/v2/deals', { title: 'D', value: 'lots' }, /value/],
      ['POST', '/api/v2/deals', { title: 'D', expected_close_date: '2025-02-30' }, /expected_close_date/],
      ['POST', '/api/v2/persons', [1, 2], /JSON object/],
      ['POST', '/api/v2/persons', { name: 'Bad', constructor: 'x' }, 'Unknown field: constructor'],
      ['POST', '/api/v2/persons', JSON.parse('{"name":"Bad","__proto__":{"x":1}}'), 'Unknown field: __proto__'],
    ];
    for (const [method, path, body, message] of cases) {
      const answer = await call(sandbox, method, path, body);
      expect(answer.status, `${method} ${path} ${JSON.stringify(body)}`).toBe(400);
      expect(answer.body).toMatchObject({ success: false, data: null, additional_data: null, error: message });
    }
    expect(sandbox.store.all('persons')).toEqual(before);
    expect(sandbox.store.all('organizations')).toEqual([]);
    expect(sandbox.store.all('deals')).toEqual([]);
    expect((await control(sandbox, 'GET', '/ledger')).body.entries).toHaveLength(1);
  });

  it('answers a malformed JSON body with a 400 envelope', async () => {
    const sandbox = await startSandbox();
    const res = await fetch(`${sandbox.url}/api/v2/persons`, {
      method: 'POST', headers: { 'x-api-token': sandbox.apiToken, 'content-type': 'application/json' }, body: '{"name":',
    });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await res.json()).toMatchObject({ success: false, data: null });
  });
});
