/**
 * The Salesforce change stream: CDC channel names and the mapping of change events to WebhookEvents (no sandbox), and
 * the stream itself against the Salesforce sandbox's CometD endpoint (change-stream-sandbox.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { changeEventChannel, changeEvents, createSalesforceConnector } from '../../../connectors/salesforce/index.ts';

function message(header: Record<string, unknown>, fields: Record<string, unknown> = {}, replayId: unknown = 12345): unknown {
  return {
    schema: 'schema-1',
    payload: {
      ChangeEventHeader: {
        entityName: 'Contact', recordIds: ['003000000000001AAA'], changeType: 'UPDATE', changeOrigin: 'com/salesforce/api/rest/60.0',
        transactionKey: 'tx-1', sequenceNumber: 1, commitTimestamp: Date.UTC(2024, 11, 7, 10), commitNumber: 1, commitUser: '005000000000001AAA',
        nulledFields: [], diffFields: [], changedFields: ['Phone', 'LastModifiedDate'], ...header,
      },
      ...fields,
    },
    event: { replayId },
  };
}

describe('CDC channels', () => {
  it('names one channel per sObject, custom objects without their __c', () => {
    expect(changeEventChannel('Contact')).toBe('/data/ContactChangeEvent');
    expect(changeEventChannel('Opportunity')).toBe('/data/OpportunityChangeEvent');
    expect(changeEventChannel('Invoice__c')).toBe('/data/Invoice__ChangeEvent');
  });

  it('refuses a name that is not an sObject name', () => {
    expect(() => changeEventChannel('Contact/../x')).toThrow(expect.objectContaining({ code: 'CRM_VALIDATION' }));
  });
});

describe('change events to WebhookEvents', () => {
  const channel = '/data/ContactChangeEvent';

  it('maps an update: event id from channel, replay id and record, changed fields, commit time, the sObject name', () => {
    const data = message({}, { Phone: '+1 415 555 0100' });
    expect(changeEvents(channel, data)).toEqual([{
      eventId: 'cdc:/data/ContactChangeEvent:12345:003000000000001AAA',
      objectType: 'Contact',
      recordId: '003000000000001AAA',
      kind: 'updated',
      occurredAt: '2024-12-07T10:00:00.000Z',
      changedFields: ['Phone', 'LastModifiedDate'],
      raw: data,
    }]);
  });

  it('maps create, delete and undelete to created, deleted and restored', () => {
    const kinds = ['CREATE', 'DELETE', 'UNDELETE'].map((changeType) => changeEvents(channel, message({ changeType, changedFields: [] }))[0]?.kind);
    expect(kinds).toEqual(['created', 'deleted', 'restored']);
    expect(changeEvents(channel, message({ changeType: 'CREATE', changedFields: [] }))[0]).not.toHaveProperty('changedFields');
  });

  it('gives one event per record id of an event shared by several records, each with its own event id', () => {
    const events = changeEvents(channel, message({ recordIds: ['003A', '003B'] }));
    expect(events.map((e) => [e.recordId, e.eventId])).toEqual([
      ['003A', 'cdc:/data/ContactChangeEvent:12345:003A'],
      ['003B', 'cdc:/data/ContactChangeEvent:12345:003B'],
    ]);
  });

  it('turns gap and overflow events into updates without changed fields, so the record is read again', () => {
    for (const changeType of ['GAP_CREATE', 'GAP_UPDATE', 'GAP_DELETE', 'GAP_UNDELETE', 'GAP_OVERFLOW']) {
      const [event] = changeEvents(channel, message({ changeType }));
      expect(event?.kind, changeType).toBe('updated');
      expect(event, changeType).not.toHaveProperty('changedFields');
    }
  });

  it('names the object of the event, not of the channel (custom objects keep __c)', () => {
    const [event] = changeEvents('/data/Invoice__ChangeEvent', message({ entityName: 'Invoice__c', recordIds: ['a00A'] }));
    expect(event).toMatchObject({ objectType: 'Invoice__c', recordId: 'a00A', eventId: 'cdc:/data/Invoice__ChangeEvent:12345:a00A' });
  });

  it('yields nothing for a message without a header, entity or replay id', () => {
    expect(changeEvents(channel, null)).toEqual([]);
    expect(changeEvents(channel, { payload: {}, event: { replayId: 1 } })).toEqual([]);
    expect(changeEvents(channel, message({}, {}, null))).toEqual([]);
    expect(changeEvents(channel, message({ recordIds: [] }))).toEqual([]);
  });
});

describe('switching the stream off', () => {
  const base = { connectorId: 'sf', loginUrl: 'http://127.0.0.1:9', auth: { kind: 'static' as const, accessToken: 't' } };

  it('offers a change stream by default and none with changeStream: false', () => {
    expect(createSalesforceConnector(base).changeStream).toBeDefined();
    expect(createSalesforceConnector({ ...base, changeStream: false }).changeStream).toBeUndefined();
  });

  it('rejects an open it cannot make with CRM_UNAVAILABLE, promptly', async () => {
    const connector = createSalesforceConnector(base);
    const started = Date.now();
    await expect(connector.changeStream!.open(['Contact'], null, { onEvents: async () => {}, onError: () => {} }))
      .rejects.toMatchObject({ code: 'CRM_UNAVAILABLE' });
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('rejects a position it did not write with CRM_VALIDATION', async () => {
    const connector = createSalesforceConnector(base);
    await expect(connector.changeStream!.open(['Contact'], 'not json', { onEvents: async () => {}, onError: () => {} }))
      .rejects.toMatchObject({ code: 'CRM_VALIDATION' });
  });
});
