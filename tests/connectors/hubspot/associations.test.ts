/**
 * Deals' synthetic references from associations (connectors/hubspot/associations.ts): `associatedcompanyid` (the
 * primary company, else the lowest id) and `associatedcontactid` (the lowest contact id), read-only, filled per
 * call or page with one associations v4 batch read per type, and only when asked for. Against the HubSpot sandbox.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { ChangeBatch, Connector, NativeRecord } from '../../../connectors/contract/index.ts';
import type { RunningHubSpotSandbox } from '../../../sandboxes/hubspot/index.ts';
import { countCalls } from '../contract-suite/sandbox-control.ts';
import { CREDENTIALS, connectHubSpot, startHubSpot } from './harness.ts';

const COMPANIES = 'POST /crm/v4/associations/deals/companies/batch/read';
const CONTACTS = 'POST /crm/v4/associations/deals/contacts/batch/read';
const REFS = ['associatedcompanyid', 'associatedcontactid'];

const sandboxes: RunningHubSpotSandbox[] = [];
afterEach(async () => {
  await Promise.all(sandboxes.splice(0).map((s) => s.close()));
});

async function hubspot(method: string, sandbox: RunningHubSpotSandbox, path: string, body?: unknown): Promise<void> {
  const res = await fetch(`${sandbox.url}${path}`, {
    method, headers: { authorization: `Bearer ${CREDENTIALS.accessToken}`, 'content-type': 'application/json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
}

/** Associates a deal through HubSpot's v4 API with one HUBSPOT_DEFINED type (5: primary company, 341: company, 3: contact). */
const associate = (sandbox: RunningHubSpotSandbox, dealId: string, to: 'companies' | 'contacts', toId: string, typeId: number) =>
  hubspot('PUT', sandbox, `/crm/v4/objects/deals/${dealId}/associations/${to}/${toId}`, [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: typeId }]);

function ids(results: Awaited<ReturnType<Connector['createMany']>>): string[] {
  return results.map((r) => {
    if (!r.ok) throw new Error(r.error.message);
    return r.id;
  });
}

/** Two companies, two contacts, a deal associated with both of each (the primary company the higher id) and one with none. */
async function setup() {
  const sandbox = await startHubSpot();
  sandboxes.push(sandbox);
  const connector = connectHubSpot(sandbox, { connectorId: `hs-assoc-${Date.now()}-${Math.random()}` });
  const [lowCompany, primaryCompany] = ids(await connector.createMany('companies', [{ fields: { name: 'Low Id Ltd' } }, { fields: { name: 'Primary plc' } }])) as [string, string];
  const [lowContact, highContact] = ids(await connector.createMany('contacts', [{ fields: { email: 'low@deal.test' } }, { fields: { email: 'high@deal.test' } }])) as [string, string];
  const [associated, bare] = ids(await connector.createMany('deals', [{ fields: { dealname: 'Associated' } }, { fields: { dealname: 'Bare' } }])) as [string, string];
  await associate(sandbox, associated, 'companies', lowCompany, 341);
  await associate(sandbox, associated, 'companies', primaryCompany, 5);
  await associate(sandbox, associated, 'contacts', highContact, 3);
  await associate(sandbox, associated, 'contacts', lowContact, 3);
  return { sandbox, connector, lowCompany, primaryCompany, lowContact, highContact, associated, bare };
}

const refsOf = (r: NativeRecord | undefined) => ({ associatedcompanyid: r?.fields.associatedcompanyid, associatedcontactid: r?.fields.associatedcontactid });

describe('HubSpot deals: company and contact from associations', () => {
  it('describe lists both as read-only references to companies and contacts; other objects do not get them', async () => {
    const { connector } = await setup();
    const [contacts, deals] = await connector.describeObjects(['contacts', 'deals']);
    const field = (name: string) => deals!.fields.find((f) => f.name === name);
    expect(field('associatedcompanyid')).toMatchObject({
      type: 'reference', referenceTo: ['companies'], createable: false, updateable: false, custom: false, unique: false,
      nativeType: 'association/deal_to_company', label: expect.stringMatching(/associations/), separateRead: true,
    });
    // A real property is read with the record: nothing to read apart.
    expect(field('dealname')!.separateRead).toBeUndefined();
    expect(field('associatedcontactid')).toMatchObject({ type: 'reference', referenceTo: ['contacts'], createable: false, updateable: false, custom: false, nativeType: 'association/deal_to_contact' });
    expect(contacts!.fields.map((f) => f.name)).not.toContain('associatedcontactid');
  });

  it('fetchByIds fills them with one association read per type (the primary company, the lowest contact; null without associations)', async () => {
    const { sandbox, connector, primaryCompany, lowContact, associated, bare } = await setup();
    await connector.describeObjects(['deals']); // the property names are cached: only the reads are counted
    const read = await countCalls(sandbox, () => connector.fetchByIds('deals', [associated, bare], { fields: ['dealname', ...REFS] }));
    expect(read.calls.routes).toEqual({ 'POST /crm/v3/objects/deals/batch/read': 1, [COMPANIES]: 1, [CONTACTS]: 1 });
    expect(refsOf(read.result.get(associated))).toEqual({ associatedcompanyid: primaryCompany, associatedcontactid: lowContact });
    expect(refsOf(read.result.get(bare))).toEqual({ associatedcompanyid: null, associatedcontactid: null });
    expect(read.result.get(associated)!.fields.dealname).toBe('Associated');

    // Only the one asked for is read, and asked for alone (a reader holding the records: separateRead) without the
    // deals' own read; none when neither is asked for.
    const one = await countCalls(sandbox, () => connector.fetchByIds('deals', [associated, bare], { fields: ['associatedcontactid'] }));
    expect(one.calls.routes).toEqual({ [CONTACTS]: 1 });
    expect(one.result.get(associated)!.fields).toEqual({ associatedcontactid: lowContact });
    expect(one.result.get(bare)!.fields).toEqual({ associatedcontactid: null });
    const none = await countCalls(sandbox, () => connector.fetchByIds('deals', [associated, bare], { fields: ['dealname', 'amount'] }));
    expect(none.calls.routes).toEqual({ 'POST /crm/v3/objects/deals/batch/read': 1 });
    expect(none.result.get(associated)!.fields).not.toHaveProperty('associatedcompanyid');

    // Without a fields filter every field is read, these included.
    const all = await countCalls(sandbox, () => connector.fetchByIds('deals', [associated]));
    expect(all.calls.routes).toEqual({ 'POST /crm/v3/objects/deals/batch/read': 1, [COMPANIES]: 1, [CONTACTS]: 1 });
    expect(refsOf(all.result.get(associated))).toEqual({ associatedcompanyid: primaryCompany, associatedcontactid: lowContact });
  });

  it('without a primary company the lowest company id is the one', async () => {
    const { sandbox, connector, lowCompany, primaryCompany, bare } = await setup();
    await associate(sandbox, bare, 'companies', primaryCompany, 341);
    await associate(sandbox, bare, 'companies', lowCompany, 341);
    const read = await connector.fetchByIds('deals', [bare], { fields: ['associatedcompanyid'] });
    expect(read.get(bare)!.fields.associatedcompanyid).toBe(lowCompany);
  });

  it('150 deals: fetchByIds makes two record reads and one association read per type; pageRecords one per type per page', async () => {
    const { sandbox, connector, primaryCompany, lowContact, associated } = await setup();
    const more = ids(await connector.createMany('deals', Array.from({ length: 148 }, (_, i) => ({ fields: { dealname: `Deal ${i}` } }))));
    await associate(sandbox, more[147]!, 'companies', primaryCompany, 5);
    await connector.describeObjects(['deals']);
    const everyId = [associated, ...more];
    const fetched = await countCalls(sandbox, () => connector.fetchByIds('deals', everyId, { fields: ['dealname', ...REFS] }));
    expect(fetched.calls.routes).toEqual({ 'POST /crm/v3/objects/deals/batch/read': 2, [COMPANIES]: 1, [CONTACTS]: 1 });
    expect(fetched.result.get(more[147]!)!.fields.associatedcompanyid).toBe(primaryCompany);

    const paged = await countCalls(sandbox, async () => {
      const pages: NativeRecord[][] = [];
      for await (const page of connector.pageRecords('deals', { fields: ['dealname', ...REFS], pageSize: 100 })) pages.push(page);
      return pages;
    });
    expect(paged.result.map((p) => p.length)).toEqual([100, 50]);
    expect(paged.calls.routes).toEqual({ 'GET /crm/v3/objects/deals': 2, [COMPANIES]: 2, [CONTACTS]: 2 });
    const byId = new Map(paged.result.flat().map((r) => [r.id, r]));
    expect(refsOf(byId.get(associated))).toEqual({ associatedcompanyid: primaryCompany, associatedcontactid: lowContact });
    expect(byId.get(more[147]!)!.fields.associatedcompanyid).toBe(primaryCompany);
    expect(byId.get(more[0]!)!.fields.associatedcompanyid).toBeNull();

    const plain = await countCalls(sandbox, async () => {
      for await (const page of connector.pageRecords('deals', { fields: ['dealname'], pageSize: 100 })) void page;
    });
    expect(plain.calls.routes).toEqual({ 'GET /crm/v3/objects/deals': 2 });
  });

  it('readChanges fills them per page; a re-association does not change the deal\'s modification time', async () => {
    const { sandbox, connector, primaryCompany, lowCompany, lowContact, associated } = await setup();
    await connector.describeObjects(['deals']);
    const read = await countCalls(sandbox, async () => {
      const batches: ChangeBatch[] = [];
      for await (const batch of connector.readChanges('deals', null, { fields: ['dealname', ...REFS] })) batches.push(batch);
      return batches;
    });
    const records = read.result.flatMap((b) => b.records);
    expect(refsOf(records.find((r) => r.id === associated))).toEqual({ associatedcompanyid: primaryCompany, associatedcontactid: lowContact });
    expect(read.calls.routes[COMPANIES]).toBe(1);
    expect(read.calls.routes[CONTACTS]).toBe(1);

    // HubSpot (and the sandbox) keep hs_lastmodifieddate when only associations change: the change feed does not see it.
    const before = (await connector.fetchByIds('deals', [associated], { fields: ['hs_lastmodifieddate'] })).get(associated)!.modifiedAt;
    await associate(sandbox, associated, 'companies', lowCompany, 5);
    const after = (await connector.fetchByIds('deals', [associated], { fields: ['hs_lastmodifieddate', 'associatedcompanyid'] })).get(associated)!;
    expect(after.modifiedAt).toBe(before);
    expect(after.fields.associatedcompanyid).toBe(lowCompany);
  });

  it('a write naming one fails that item with CRM_VALIDATION and sends nothing for it; the others are written', async () => {
    const { sandbox, connector, primaryCompany, associated } = await setup();
    const write = await countCalls(sandbox, () => connector.updateMany('deals', [
      { id: associated, fields: { associatedcompanyid: primaryCompany } },
      { id: associated, fields: { dealname: 'Renamed' } },
    ]));
    expect(write.result[0]).toMatchObject({ ok: false, error: { code: 'CRM_VALIDATION', message: expect.stringMatching(/associatedcompanyid.*associations/) } });
    expect(write.result[1]).toMatchObject({ ok: true, id: associated });
    expect(write.calls.routes['POST /crm/v3/objects/deals/batch/update']).toBe(1);
    const created = await connector.createMany('deals', [{ fields: { dealname: 'New', associatedcontactid: '1' } }]);
    expect(created[0]).toMatchObject({ ok: false, error: { code: 'CRM_VALIDATION' } });
  });

  it('a portal with a real deal property of that name keeps it: no synthetic field and no association read', async () => {
    const { sandbox, primaryCompany, associated } = await setup();
    await hubspot('POST', sandbox, '/crm/v3/properties/deals', { name: 'associatedcompanyid', label: 'Our company id', type: 'string', fieldType: 'text', groupName: 'dealinformation' });
    const connector = connectHubSpot(sandbox, { connectorId: `hs-assoc-real-${Date.now()}` });
    const [deals] = await connector.describeObjects(['deals']);
    expect(deals!.fields.filter((f) => f.name === 'associatedcompanyid')).toEqual([expect.objectContaining({ label: 'Our company id', type: 'string', createable: true })]);
    expect(deals!.fields.find((f) => f.name === 'associatedcontactid')).toMatchObject({ type: 'reference', createable: false });
    expect((await connector.updateMany('deals', [{ id: associated, fields: { associatedcompanyid: 'ours-42' } }]))[0]).toMatchObject({ ok: true });
    const read = await countCalls(sandbox, () => connector.fetchByIds('deals', [associated], { fields: ['associatedcompanyid'] }));
    expect(read.calls.routes).toEqual({ 'POST /crm/v3/objects/deals/batch/read': 1 });
    expect(read.result.get(associated)!.fields.associatedcompanyid).toBe('ours-42');
    expect(read.result.get(associated)!.fields.associatedcompanyid).not.toBe(primaryCompany);
  });
});
