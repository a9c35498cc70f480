/**
 * HubSpot specifics of reads, writes and metadata beyond the shared suite: call counts per batch size,
 * "all fields" reads, value conversion, duplicate ids, property type mapping and the rate-limit state.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { RunningHubSpotSandbox } from '../../../sandboxes/hubspot/index.ts';
import { countCalls } from '../contract-suite/sandbox-control.ts';
import { connectHubSpot, startHubSpot } from './harness.ts';

const sandboxes: RunningHubSpotSandbox[] = [];
afterEach(async () => {
  await Promise.all(sandboxes.splice(0).map((s) => s.close()));
});

const T = '2024-02-01T00:00:00.000Z';
async function setup(count = 0) {
  const seed = Array.from({ length: count }, (_, i) => ({ objectType: 'contacts', fields: { email: `p${i}@example.test`, firstname: `P${i}` }, modifiedAt: T }));
  const sandbox = await startHubSpot(seed);
  sandboxes.push(sandbox);
  const connector = connectHubSpot(sandbox, { connectorId: `hs-rw-${Date.now()}-${Math.random()}` });
  const ids = sandbox.portal().records.all('contacts').map((r) => r.id);
  return { sandbox, connector, ids };
}

describe('HubSpot reads', () => {
  it('150 ids are two batch reads; 250 creates are three batch creates', async () => {
    const { sandbox, connector, ids } = await setup(150);
    const read = await countCalls(sandbox, () => connector.fetchByIds('contacts', ids, { fields: ['email'] }));
    expect(read.calls.routes).toEqual({ 'POST /crm/v3/objects/contacts/batch/read': 2 });
    expect(read.result.size).toBe(150);
    const items = Array.from({ length: 250 }, (_, i) => ({ fields: { email: `new${i}@example.test` } }));
    const created = await countCalls(sandbox, () => connector.createMany('contacts', items));
    expect(created.calls.routes).toEqual({ 'POST /crm/v3/objects/contacts/batch/create': 3 });
    expect(created.result.every((r) => r.ok)).toBe(true);
  });

  it('without fields every property is read; the property list is fetched once and cached', async () => {
    const { sandbox, connector, ids } = await setup(2);
    const first = await countCalls(sandbox, () => connector.fetchByIds('contacts', ids));
    expect(first.calls.routes).toEqual({ 'GET /crm/v3/properties/contacts': 1, 'POST /crm/v3/objects/contacts/batch/read': 1 });
    const record = first.result.get(ids[0]!)!;
    expect(Object.keys(record.fields)).toEqual(expect.arrayContaining(['email', 'firstname', 'lifecyclestage', 'hs_object_id', 'lastmodifieddate']));
    expect(record.modifiedAt).toBe(T);
    const second = await countCalls(sandbox, () => connector.fetchByIds('contacts', ids));
    expect(second.calls.total).toBe(1);
  });

  it('rateLimitState reflects the portal headers: the ten-second window and the private-app daily limit', async () => {
    const { connector, ids } = await setup(1);
    await connector.fetchByIds('contacts', ids, { fields: ['email'] });
    const state = connector.rateLimitState();
    expect(state).toMatchObject({ crm: 'hubspot', window: { max: 190, intervalMs: 10_000 }, daily: { limit: 1_000_000 }, blockedUntil: null });
    expect(state.totals.sent).toBeGreaterThanOrEqual(1);
  });

  it('describe maps HubSpot types and keeps the native type, options, uniqueness and read-only flags', async () => {
    const { connector } = await setup();
    const [contacts, , deals] = await connector.describeObjects();
    const field = (o: typeof contacts, name: string) => o!.fields.find((f) => f.name === name)!;
    expect(field(contacts, 'email')).toMatchObject({ type: 'email', nativeType: 'string/text', unique: true, externalId: true, custom: false });
    expect(field(contacts, 'phone')).toMatchObject({ type: 'phone', nativeType: 'string/phonenumber' });
    expect(field(contacts, 'website').type).toBe('url');
    expect(field(contacts, 'lifecyclestage')).toMatchObject({ type: 'picklist', nativeType: 'enumeration/radio' });
    expect(field(contacts, 'lifecyclestage').picklistValues).toContainEqual({ value: 'lead', label: 'Lead', active: true });
    expect(field(contacts, 'hs_object_id')).toMatchObject({ type: 'id', createable: false, updateable: false });
    expect(field(contacts, 'lastmodifieddate')).toMatchObject({ type: 'datetime', updateable: false });
    expect(field(contacts, 'hubspot_owner_id')).toMatchObject({ type: 'reference', referenceTo: ['owners'] });
    expect(field(deals, 'amount').type).toBe('currency');
    expect(field(deals, 'closedate').type).toBe('datetime');
    expect(field(deals, 'hs_is_closed_won')).toMatchObject({ type: 'boolean', createable: false });
    expect(field(deals, 'hs_deal_stage_probability').type).toBe('percent');
    expect(deals).toMatchObject({ name: 'deals', label: 'Deals', modifiedField: 'hs_lastmodifieddate', custom: false });
  });
});

describe('HubSpot writes', () => {
  it('numbers, booleans, dates, lists and null are sent as HubSpot strings; an unsendable value fails its item alone', async () => {
    const { connector, ids } = await setup(1);
    const results = await connector.createMany('deals', [
      { fields: { dealname: 'Big', amount: 1000.5, closedate: new Date('2024-06-30T00:00:00.000Z'), pipeline: 'default', dealstage: 'closedwon' } },
      { fields: { dealname: 'Odd', amount: { value: 1 } } },
    ]);
    expect(results[0]!.ok).toBe(true);
    expect(!results[1]!.ok && results[1]!.error).toMatchObject({ code: 'CRM_VALIDATION', message: 'hubspot: property amount must be a string, number, boolean, date or list of options' });
    const id = results[0]!.ok ? results[0]!.id : '';
    const deal = (await connector.fetchByIds('deals', [id], { fields: ['amount', 'closedate', 'hs_is_closed_won'] })).get(id)!;
    expect(deal.fields).toMatchObject({ amount: '1000.5', closedate: '2024-06-30T00:00:00.000Z', hs_is_closed_won: 'true' });
    const cleared = await connector.updateMany('contacts', [{ id: ids[0]!, fields: { firstname: null } }]);
    expect(cleared[0]!.ok).toBe(true);
    // HubSpot answers a cleared property as "" or null.
    expect([null, '']).toContain((await connector.fetchByIds('contacts', ids, { fields: ['firstname'] })).get(ids[0]!)!.fields.firstname);
  });

  it('two updates of one record in one call go into separate batches (HubSpot refuses duplicate ids) and both apply in order', async () => {
    const { sandbox, connector, ids } = await setup(2);
    const { result, calls } = await countCalls(sandbox, () => connector.updateMany('contacts', [
      { id: ids[0]!, fields: { jobtitle: 'first' } }, { id: ids[1]!, fields: { jobtitle: 'other' } }, { id: ids[0]!, fields: { jobtitle: 'second' } },
    ]));
    expect(result.map((r) => r.ok && r.id)).toEqual([ids[0], ids[1], ids[0]]);
    expect(calls.routes).toEqual({ 'POST /crm/v3/objects/contacts/batch/update': 2 });
    expect((await connector.fetchByIds('contacts', [ids[0]!], { fields: ['jobtitle'] })).get(ids[0]!)!.fields.jobtitle).toBe('second');
  });

  it('upsert on email creates or updates, reporting which', async () => {
    const { connector, ids } = await setup(1);
    const results = await connector.upsertMany('contacts', [
      { externalId: 'p0@example.test', fields: { jobtitle: 'CEO' } }, { externalId: 'brand.new@example.test', fields: { firstname: 'New' } },
    ], { externalIdField: 'email' });
    expect(results[0]).toEqual({ ok: true, id: ids[0], created: false });
    expect(results[1]).toMatchObject({ ok: true, created: true });
  });
});
