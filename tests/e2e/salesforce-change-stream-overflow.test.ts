/**
 * A Salesforce overflow (GAP_OVERFLOW: over 100,000 changes in one transaction, no record named), end to end with
 * polling off: the sandbox swallows a contact's phone change into an overflow event (no change event for it), the
 * stream asks for a catch-up read of Contact since the overflow's commit, and the golden Customer shows the new phone
 * within seconds. The catch-up is gone from the stored stream state once done.
 */
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { webhookInbox } from '../../db/schema.ts';
import { storedCatchUps } from '../../sync/change-stream.ts';
import { startSalesforceCdc } from './support/salesforce-cdc.ts';
import type { SalesforceCdcSetting } from './support/salesforce-cdc.ts';

const CONNECTOR_ID = 'salesforce';

describe('a Salesforce overflow event with polling off', () => {
  let cdc: SalesforceCdcSetting;

  beforeAll(async () => {
    cdc = await startSalesforceCdc();
    await cdc.streamOpen();
  }, 240_000);
  afterAll(async () => {
    await cdc?.close();
  });

  it('a contact phone change told of only by an overflow reaches the golden record by a catch-up read', async () => {
    const { t, rest, customers, customerWith, sandboxPost } = cdc;
    expect(t.app.sync.poller).toBeUndefined();
    const contact = (await customers()).find((n) => n.sources.some((s) => s.crm === 'salesforce' && s.objectType === 'Contact'))!;
    const contactId = contact.sources.find((s) => s.crm === 'salesforce' && s.objectType === 'Contact')!.recordId;
    expect(await sandboxPost('/_sandbox/salesforce/streaming/overflow', { object: 'Contact', count: 1 })).toEqual({ object: 'Contact', overflow: 1 });
    const [result] = await rest.updateMany('Contact', [{ id: contactId, fields: { Phone: '+14155550193' } }]);
    expect(result?.ok).toBe(true);
    await expect.poll(async () => (await customerWith(contactId))?.phone, { timeout: 10_000, interval: 50 }).toBe('+14155550193');
    await expect.poll(async () => (await cdc.stored(contact.id)).phone, { timeout: 10_000, interval: 50 }).toBe('+14155550193');
    // Not by an event: the change was swallowed by the overflow, and nothing else was streamed for the contact.
    const rows = await t.app.database.db.select().from(webhookInbox).where(and(eq(webhookInbox.connectorId, CONNECTOR_ID)));
    expect(rows.filter((r) => (r.payload as { recordId?: string }).recordId === contactId)).toEqual([]);
    await expect.poll(() => storedCatchUps(t.app.database.db, CONNECTOR_ID), { timeout: 5000, interval: 50 }).toEqual({});
  });
});
