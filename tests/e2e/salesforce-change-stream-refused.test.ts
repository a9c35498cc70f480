/**
 * A Salesforce object whose Change Data Capture channel the org refuses, end to end with interval polling off: the
 * stream leaves Contact out and polls it on its own, so a contact's change reaches the golden Customer all the same;
 * once the org selects Contact for CDC again (the sandbox's selection switch), the stream subscribes its channel
 * again without a restart and the next change arrives as a streamed event. The gateway's own stream is off here
 * (CUSTOMER_GRAPH_SALESFORCE_CDC=off): the test runs the product's change streams with a short retry delay
 * (10 minutes by default) on the gateway's database, beside its inbox worker.
 */
import { and, eq, like } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RateBudgetRegistry } from '../../connectors/runtime/index.ts';
import { createSalesforceConnector } from '../../connectors/salesforce/index.ts';
import { webhookInbox } from '../../db/schema.ts';
import { createLogger } from '../../lib/logger.ts';
import { DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET } from '../../sandboxes/salesforce/index.ts';
import { startChangeStreams } from '../../sync/change-stream.ts';
import type { ChangeStreams } from '../../sync/change-stream.ts';
import { startSalesforceCdc } from './support/salesforce-cdc.ts';
import type { SalesforceCdcSetting } from './support/salesforce-cdc.ts';

const CONNECTOR_ID = 'salesforce';

describe('a refused Contact channel with polling off', () => {
  let cdc: SalesforceCdcSetting;
  let streams: ChangeStreams | undefined;
  let contactId: string;
  let customerId: string;

  const phoneOf = async (recordId: string) => (await cdc.customerWith(recordId))?.phone;
  const storedPhone = async () => (await cdc.stored(customerId)).phone;
  const select = async (selected: boolean) => {
    expect(await cdc.sandboxPost('/_sandbox/salesforce/streaming/selection', { object: 'Contact', selected })).toEqual({ object: 'Contact', selected });
  };
  const streamedRows = () => cdc.t.app.database.db.select().from(webhookInbox)
    .where(and(eq(webhookInbox.connectorId, CONNECTOR_ID), like(webhookInbox.eventId, 'cdc:/data/ContactChangeEvent:%')))
    .then((rows) => rows.filter((r) => (r.payload as { recordId?: string }).recordId === contactId));
  const setPhone = async (phone: string) => {
    const [result] = await cdc.rest.updateMany('Contact', [{ id: contactId, fields: { Phone: phone } }]);
    expect(result?.ok).toBe(true);
  };

  beforeAll(async () => {
    cdc = await startSalesforceCdc('off');
    const contact = (await cdc.customers()).find((n) => n.sources.some((s) => s.crm === 'salesforce' && s.objectType === 'Contact'))!;
    customerId = contact.id;
    contactId = contact.sources.find((s) => s.crm === 'salesforce' && s.objectType === 'Contact')!.recordId;
  }, 240_000);
  afterAll(async () => {
    await streams?.stop();
    await cdc?.close();
  });

  it('Contact is polled while refused, and streamed again once the org accepts its channel', async () => {
    const { t, sb } = cdc;
    expect(t.app.sync.poller).toBeUndefined();
    expect(t.app.sync.changeStreams.open()).toEqual([]);
    await select(false);
    const connector = createSalesforceConnector({
      connectorId: CONNECTOR_ID, loginUrl: sb.url, auth: { kind: 'client-credentials', clientId: DEFAULT_CLIENT_ID, clientSecret: DEFAULT_CLIENT_SECRET }, registry: new RateBudgetRegistry(),
    });
    streams = startChangeStreams(() => ({
      db: t.app.database.db, config: t.app.mappingConfig(), connectors: new Map([['salesforce', connector]]), connectorIds: new Map([['salesforce', CONNECTOR_ID]]),
    }), { logger: createLogger('test', 'silent'), fallbackPollMs: 300, refusedRetryMs: 2000, refreshMs: 0, onStored: () => t.app.sync.inbox.wake() });
    await expect.poll(() => streams!.streamed().salesforce?.sort(), { timeout: 10_000, interval: 20 }).toEqual(['Account', 'Opportunity']);

    // Refused: the change arrives by the stream's own poll of Contact.
    await setPhone('+14155550194');
    await expect.poll(storedPhone, { timeout: 10_000, interval: 50 }).toBe('+14155550194');
    expect(await phoneOf(contactId)).toBe('+14155550194');
    expect(await streamedRows()).toEqual([]);

    // Accepted again: the channel is subscribed without a restart, and the next change comes as a streamed event.
    await select(true);
    await expect.poll(() => streams!.streamed().salesforce?.sort(), { timeout: 10_000, interval: 20 }).toEqual(['Account', 'Contact', 'Opportunity']);
    await setPhone('+14155550195');
    await expect.poll(async () => (await streamedRows()).length, { timeout: 10_000, interval: 50 }).toBe(1);
    await expect.poll(storedPhone, { timeout: 10_000, interval: 50 }).toBe('+14155550195');
    expect(await phoneOf(contactId)).toBe('+14155550195');
  });
});
