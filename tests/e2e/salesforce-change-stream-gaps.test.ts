/**
 * Salesforce Change Data Capture beyond Contact changes, end to end with polling off (a change can only arrive
 * through the stream): with Lead mapped as a source of Customer, a Lead's phone and email change reaches the golden
 * record over `/data/LeadChangeEvent`; a GAP_UPDATE for a Contact (header only, no fields) makes the gateway read the
 * contact again and the golden record shows the new value, in the stored snapshot too (the API reads the CRMs live); a GAP_DELETE ends the link as a normal delete does (the
 * gap is handed over as "updated", the read finds the record gone). The sandbox's control routes raise the gaps.
 */
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordLinks, webhookInbox } from '../../db/schema.ts';
import { storedStreamPosition } from '../../sync/change-stream.ts';
import { startSalesforceCdc } from './support/salesforce-cdc.ts';
import type { CdcCustomer, SalesforceCdcSetting } from './support/salesforce-cdc.ts';

const CONNECTOR_ID = 'salesforce';
const SAVE = 'mutation($d: String!, $c: String) { saveMappingConfiguration(document: $d, comment: $c) { version } }';

type Mapping = { crm: string; objectType: string } & Record<string, unknown>;
type Doc = { types: Record<string, { objects: Mapping[]; fields: Record<string, { mappings: Mapping[] }> }> };

/** The CDC change type an inbox row was made from (the raw event is kept in the payload). */
const changeTypeOf = (payload: unknown) => (payload as { raw?: { payload?: { ChangeEventHeader?: { changeType?: string } } } }).raw?.payload?.ChangeEventHeader?.changeType;

describe('Salesforce Lead changes and gap events through Change Data Capture', () => {
  let cdc: SalesforceCdcSetting;
  let contact: CdcCustomer;
  let contactId: string;

  const inboxOf = (recordId: string) => cdc.t.app.database.db.select().from(webhookInbox).where(eq(webhookInbox.connectorId, CONNECTOR_ID))
    .then((rows) => rows.filter((r) => r.eventId.startsWith('cdc:') && (r.payload as { recordId: string }).recordId === recordId));
  const streaming = async () => (await (await fetch(`${cdc.sb.url}/_sandbox/salesforce/streaming`)).json()) as { subscriptions: number; gaps: Record<string, number> };

  beforeAll(async () => {
    cdc = await startSalesforceCdc();
    contact = (await cdc.customers()).find((n) => n.sources.some((s) => s.crm === 'salesforce' && s.objectType === 'Contact'))!;
    contactId = contact.sources.find((s) => s.crm === 'salesforce' && s.objectType === 'Contact')!.recordId;
    await cdc.streamOpen();
  }, 240_000);
  afterAll(async () => {
    await cdc?.close();
  });

  it('polling is off and the default mapping streams Account, Contact and Opportunity only', async () => {
    const { t } = cdc;
    expect(t.app.sync.poller).toBeUndefined();
    await expect.poll(async () => (await streaming()).subscriptions, { timeout: 10_000, interval: 20 }).toBe(3);
  });

  it('a GAP_UPDATE for a contact makes the gateway read it again; the golden record shows the new phone', async () => {
    const { rest, customerWith, stored, sandboxPost } = cdc;
    expect(await sandboxPost('/_sandbox/salesforce/streaming/gaps', { object: 'Contact', count: 1 })).toEqual({ object: 'Contact', gaps: 1 });
    const [result] = await rest.updateMany('Contact', [{ id: contactId, fields: { Phone: '+14155550171' } }]);
    expect(result?.ok).toBe(true);
    expect((await streaming()).gaps).toEqual({});
    await expect.poll(async () => (await customerWith(contactId))?.phone, { timeout: 15_000, interval: 50 }).toBe('+14155550171');
    await expect.poll(async () => (await stored(contact.id)).phone, { timeout: 15_000, interval: 50 }).toBe('+14155550171');
    const gapRow = async () => (await inboxOf(contactId)).find((r) => changeTypeOf(r.payload) === 'GAP_UPDATE');
    const gap = await gapRow();
    expect(gap?.payload).toMatchObject({ crm: 'salesforce', objectType: 'Contact', recordId: contactId, kind: 'updated' });
    expect(gap?.payload).not.toHaveProperty('changedFields');
    await expect.poll(async () => (await gapRow())?.processedAt ?? null, { timeout: 10_000, interval: 50 }).not.toBeNull();
  });

  it('with Lead mapped, a Lead phone and email change reaches the golden record through /data/LeadChangeEvent', async () => {
    const { t, rest, customerWith, stored } = cdc;
    const current = await t.gql<{ mappingConfiguration: { document: string } }>('{ mappingConfiguration { document } }');
    const doc = JSON.parse(current.data!.mappingConfiguration.document) as Doc;
    const customer = doc.types.Customer!;
    const fromLead = (m: Mapping | undefined) => ({ ...m!, objectType: 'Lead' });
    customer.objects.push(fromLead(customer.objects.find((o) => o.crm === 'salesforce' && o.objectType === 'Contact')));
    for (const field of ['email', 'phone', 'firstName', 'lastName']) {
      const mappings = customer.fields[field]!.mappings;
      mappings.push(fromLead(mappings.find((m) => m.crm === 'salesforce' && m.objectType === 'Contact')));
    }
    const saved = await t.gql(SAVE, { d: JSON.stringify(doc), c: 'Lead as a Customer source' });
    expect(saved.errors).toBeUndefined();
    t.app.sync.changeStreams.refresh();
    // The stream reopens with the Lead channel as well.
    await expect.poll(async () => (await streaming()).subscriptions, { timeout: 10_000, interval: 20 }).toBe(4);
    await expect.poll(() => t.app.sync.changeStreams.open(), { timeout: 10_000, interval: 20 }).toEqual(['salesforce']);

    const [created] = await rest.createMany('Lead', [{ fields: { FirstName: 'Lena', LastName: 'Streamed', Company: 'Streamed Ltd', Email: 'lena.streamed@example.test' } }]);
    expect(created?.ok).toBe(true);
    const leadId = created!.id!;
    await expect.poll(async () => (await customerWith(leadId))?.email, { timeout: 15_000, interval: 50 }).toBe('lena.streamed@example.test');
    const [updated] = await rest.updateMany('Lead', [{ id: leadId, fields: { Phone: '+14155550172', Email: 'lena.s@example.test' } }]);
    expect(updated?.ok).toBe(true);
    await expect.poll(async () => {
      const node = await customerWith(leadId);
      return node && { phone: node.phone, email: node.email };
    }, { timeout: 15_000, interval: 50 }).toEqual({ phone: '+14155550172', email: 'lena.s@example.test' });
    const goldenId = (await customerWith(leadId))!.id;
    await expect.poll(() => stored(goldenId), { timeout: 15_000, interval: 50 }).toEqual({ phone: '+14155550172', email: 'lena.s@example.test' });
    const rows = await inboxOf(leadId);
    expect(rows.map((r) => (r.payload as { kind: string }).kind)).toEqual(['created', 'updated']);
    expect(rows.every((r) => r.eventId.startsWith('cdc:/data/LeadChangeEvent:'))).toBe(true);
    await expect.poll(() => storedStreamPosition(t.app.database.db, CONNECTOR_ID), { timeout: 5000, interval: 50 }).toMatch(/LeadChangeEvent":\d+/);
  });

  it('a GAP_DELETE for a contact ends its link as a normal delete does', async () => {
    const { t, rest, customerWith, sandboxPost } = cdc;
    const link = () => t.app.database.db.select().from(recordLinks).where(and(eq(recordLinks.objectType, 'Contact'), eq(recordLinks.recordId, contactId)));
    expect((await link())[0]?.deletedAt).toBeNull();
    await sandboxPost('/_sandbox/salesforce/streaming/gaps', { object: 'Contact', count: 1 });
    const [result] = await rest.deleteMany('Contact', [contactId]);
    expect(result?.ok).toBe(true);
    await expect.poll(async () => (await link())[0]?.deletedAt ?? null, { timeout: 15_000, interval: 50 }).not.toBeNull();
    const gap = (await inboxOf(contactId)).find((r) => changeTypeOf(r.payload) === 'GAP_DELETE');
    expect(gap?.payload).toMatchObject({ kind: 'updated', recordId: contactId });
    // The golden record no longer lists the contact as a source.
    await expect.poll(async () => (await customerWith(contactId))?.id ?? null, { timeout: 10_000, interval: 50 }).toBeNull();
  });
});
