/**
 * Pipedrive writes against the sandbox: one call per item (no batch endpoints), results in input order, and
 * upsert as an exact-match search then PATCH or POST, on email or on a custom field.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { RunningPipedriveSandbox } from '../../../sandboxes/pipedrive/index.ts';
import { countCalls } from '../contract-suite/sandbox-control.ts';
import { connectPipedrive, createField, startPipedrive } from './harness.ts';

const open: RunningPipedriveSandbox[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});

async function setup() {
  const sandbox = await startPipedrive();
  open.push(sandbox);
  return { sandbox, connector: connectPipedrive(sandbox, { connectorId: `pd-writes-${Date.now()}-${Math.random()}` }) };
}

const idOf = (r: { ok: boolean; id?: string } | undefined) => (r?.ok ? r.id! : '');

describe('pipedrive writes', () => {
  it('upsert on email: updates the one match, creates when none, and the same email twice in one call creates once', async () => {
    const { sandbox, connector } = await setup();
    const [existing] = await connector.createMany('persons', [{ fields: { name: 'Ada', email: 'ada@acme.test' } }]);
    const { result, calls } = await countCalls(sandbox, () => connector.upsertMany('persons', [
      { externalId: 'ada@acme.test', fields: { phone: '+1 555 0100' } },
      { externalId: 'grace@navy.test', fields: { name: 'Grace' } },
      { externalId: 'grace@navy.test', fields: { phone: '+1 555 0199' } },
    ], { externalIdField: 'email' }));
    expect(result[0]).toEqual({ ok: true, id: idOf(existing), created: false });
    expect(result[1]).toMatchObject({ ok: true, created: true });
    expect(result[2]).toEqual({ ok: true, id: idOf(result[1]), created: false });
    // Three searches, one POST, two PATCHes: one call per step, no batch; each PATCH of a phone reads the current list.
    expect(calls.routes).toEqual({ 'GET /api/v2/persons/search': 3, 'POST /api/v2/persons': 1, 'PATCH /api/v2/persons/:id': 2, 'GET /api/v2/persons': 2 });
    const grace = sandbox.store.get('persons', Number(idOf(result[1])))!;
    expect(grace.emails).toEqual([{ value: 'grace@navy.test', primary: true, label: 'work' }]);
    expect(grace.phones).toEqual([{ value: '+1 555 0199', primary: true, label: 'work' }]);
    // The matched record keeps its email list: an upsert update does not re-send the external id.
    expect(sandbox.store.get('persons', Number(idOf(existing)))!.emails).toHaveLength(1);
  });

  it('writing email or phone sets the primary entry and keeps the person\'s other addresses and numbers', async () => {
    const { sandbox, connector } = await setup();
    const [created] = await connector.createMany('persons', [{ fields: { name: 'Mary Jackson' } }]);
    const id = Number(idOf(created));
    // Set up as a Pipedrive user would, straight through the API: two addresses and two numbers.
    const setUp = await fetch(`${sandbox.url}/api/v2/persons/${id}`, {
      method: 'PATCH', headers: { 'x-api-token': sandbox.apiToken, 'content-type': 'application/json' },
      body: JSON.stringify({
        emails: [{ value: 'mary.home@example.test', primary: false, label: 'home' }, { value: 'mary@nasa.test', primary: true, label: 'work' }],
        phones: [{ value: '+1 757 555 0101', primary: true, label: 'work' }, { value: '+1 757 555 0199', primary: false, label: 'mobile' }],
      }),
    });
    expect(setUp.status).toBe(200);
    const { result, calls } = await countCalls(sandbox, () => connector.updateMany('persons', [
      { id: String(id), fields: { email: 'mary.jackson@nasa.test' } },
      { id: String(id), fields: { phone: '+1 757 555 0102' } },
    ]));
    expect(result.map((r) => r.ok)).toEqual([true, true]);
    // One read of the current lists for both items, then one PATCH each.
    expect(calls.routes).toEqual({ 'GET /api/v2/persons': 1, 'PATCH /api/v2/persons/:id': 2 });
    const after = sandbox.store.get('persons', id)!;
    expect(after.emails).toEqual([{ value: 'mary.jackson@nasa.test', primary: true, label: 'work' }, { value: 'mary.home@example.test', primary: false, label: 'home' }]);
    expect(after.phones).toEqual([{ value: '+1 757 555 0102', primary: true, label: 'work' }, { value: '+1 757 555 0199', primary: false, label: 'mobile' }]);
    expect((await connector.fetchByIds('persons', [String(id)])).get(String(id))?.fields).toMatchObject({ email: 'mary.jackson@nasa.test', phone: '+1 757 555 0102' });

    // Promoting an address the person already has does not list it twice; an empty value removes only the primary.
    await connector.updateMany('persons', [{ id: String(id), fields: { email: 'Mary.Home@example.test', phone: '' } }]);
    const promoted = sandbox.store.get('persons', id)!;
    expect(promoted.emails).toEqual([{ value: 'Mary.Home@example.test', primary: true, label: 'work' }]);
    // The number left becomes primary, as Pipedrive makes the first entry primary when none is.
    expect(promoted.phones).toEqual([{ value: '+1 757 555 0199', primary: true, label: 'mobile' }]);
  });

  it('upsert on a custom field and on organizations by name; an unsearchable field is refused', async () => {
    const { connector, sandbox } = await setup();
    const ref = await createField(sandbox, 'persons', { name: 'External ref', field_type: 'varchar' });
    const first = await connector.upsertMany('persons', [{ externalId: 'ext-42', fields: { name: 'Linus' } }], { externalIdField: ref.key });
    expect(first[0]).toMatchObject({ ok: true, created: true });
    const record = await connector.fetchByIds('persons', [idOf(first[0])]);
    expect(record.get(idOf(first[0]))?.fields[ref.key]).toBe('ext-42');
    const second = await connector.upsertMany('persons', [{ externalId: 'ext-42', fields: { name: 'Linus T.' } }], { externalIdField: ref.key });
    expect(second[0]).toEqual({ ok: true, id: idOf(first[0]), created: false });

    const orgs = await connector.upsertMany('organizations', [{ externalId: 'Acme', fields: {} }, { externalId: 'Acme', fields: { address: 'Main St' } }], { externalIdField: 'name' });
    expect(orgs.map((r) => r.ok && r.created)).toEqual([true, false]);

    await expect(connector.upsertMany('persons', [{ externalId: 'x', fields: {} }], { externalIdField: 'job_title' }))
      .rejects.toMatchObject({ code: 'CRM_VALIDATION', crm: 'pipedrive', details: { fields: ['job_title'] } });
  });

  it('two records matching the external id: CRM_CONFLICT for that item, nothing written', async () => {
    const { connector } = await setup();
    await connector.createMany('persons', [{ fields: { name: 'A', email: 'twin@x.test' } }, { fields: { name: 'B', email: 'twin@x.test' } }]);
    const [result] = await connector.upsertMany('persons', [{ externalId: 'twin@x.test', fields: { name: 'C' } }], { externalIdField: 'email' });
    expect(!result!.ok && result!.error).toMatchObject({ code: 'CRM_CONFLICT', crm: 'pipedrive' });
  });

  it('per-item failures keep their ids and codes; an update of an id Pipedrive cannot have makes no call', async () => {
    const { sandbox, connector } = await setup();
    const [a] = await connector.createMany('persons', [{ fields: { name: 'A' } }]);
    const { result, calls } = await countCalls(sandbox, () => connector.updateMany('persons', [
      { id: 'not-a-number', fields: { name: 'X' } }, { id: idOf(a), fields: { nonsense_field: 1 } }, { id: idOf(a), fields: { name: 'A2' } },
    ]));
    expect(result[0]).toMatchObject({ ok: false, id: 'not-a-number', error: { code: 'CRM_NOT_FOUND' } });
    expect(result[1]).toMatchObject({ ok: false, id: idOf(a), error: { code: 'CRM_VALIDATION', status: 400 } });
    expect(result[2]).toEqual({ ok: true, id: idOf(a) });
    expect(calls.total).toBe(2);
    expect(connector.limits).toEqual({ fetchByIds: 100, create: 100, update: 100, upsert: 100, delete: 100, maxPageSize: 500 });
  });
});
