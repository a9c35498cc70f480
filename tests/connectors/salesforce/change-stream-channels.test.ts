/**
 * The Salesforce connector's change stream over the sandbox's Lead and gap events, and a channel the org refuses: a
 * Lead change arrives like a Contact's; GAP_UPDATE and GAP_DELETE arrive as "updated" with no changedFields (the
 * record is read again); a GAP_OVERFLOW event names no record and hands over nothing; a refused channel fails the
 * open with CRM_VALIDATION naming the object (`reason: 'channel-refused'`), so the caller can stream without it.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { OpenChangeStream, WebhookEvent } from '../../../connectors/contract/index.ts';
import { ConnectorError } from '../../../connectors/contract/index.ts';
import type { SalesforceSandbox } from '../../../sandboxes/salesforce/index.ts';
import { streamingState } from '../../sandboxes/salesforce/streaming-helpers.ts';
import { connectorFor, startSandbox } from './helpers.ts';

let sb: SalesforceSandbox;
beforeAll(async () => {
  sb = await startSandbox({ connectHoldMs: 1000 });
});
afterAll(async () => sb?.close());

const opened: OpenChangeStream[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((s) => s.close()));
});

const connector = () => connectorFor(sb);
const post = (path: string, body: unknown) => fetch(`${sb.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

async function open(objectTypes: string[]): Promise<{ events: WebhookEvent[]; positions: string[] }> {
  const got = { events: [] as WebhookEvent[], positions: [] as string[] };
  const stream = connector().changeStream!;
  opened.push(await stream.open(objectTypes, null, {
    onEvents: async (batch) => { got.events.push(...batch.events); got.positions.push(batch.position); },
    onError: () => {},
  }));
  return got;
}

async function until(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 8000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('Salesforce change stream: Lead, gap and overflow events', () => {
  it('a Lead change and Contact gap events arrive; gaps as "updated" without changedFields; an overflow hands over nothing', async () => {
    const got = await open(['Contact', 'Lead']);
    const [lead] = await connector().createMany('Lead', [{ fields: { LastName: 'Lane', Company: 'Lane Co' } }]);
    const [contact] = await connector().createMany('Contact', [{ fields: { LastName: 'Gapp' } }]);
    expect(lead?.ok && contact?.ok).toBe(true);
    await until(() => got.events.length >= 2, 'the two creates');
    expect((await post('/_sandbox/salesforce/streaming/gaps', { object: 'Contact', count: 2 })).status).toBe(200);
    await connector().updateMany('Lead', [{ id: lead!.id!, fields: { Phone: '+14155550181' } }]);
    await connector().updateMany('Contact', [{ id: contact!.id!, fields: { Phone: '+14155550182' } }]);
    expect((await post('/_sandbox/salesforce/streaming/overflow', { object: 'Contact' })).status).toBe(200);
    await connector().deleteMany('Contact', [contact!.id!]);
    await until(() => got.events.length >= 5, 'the Lead update and the gap events');
    // The overflow came before the delete and handed over nothing; wait a little for anything late.
    await new Promise((r) => setTimeout(r, 200));
    expect(got.events.map((e) => [e.objectType, e.kind, e.recordId, e.changedFields ?? null])).toEqual([
      ['Lead', 'created', lead!.id, null],
      ['Contact', 'created', contact!.id, null],
      ['Lead', 'updated', lead!.id, ['Phone', 'LastModifiedDate']],
      ['Contact', 'updated', contact!.id, null],
      ['Contact', 'updated', contact!.id, null],
    ]);
    expect(got.events[4]!.eventId).toMatch(/^cdc:\/data\/ContactChangeEvent:\d+:/);
    // The position names both channels by replay id.
    expect(got.positions.at(-1)).toMatch(/^\{"\/data\/ContactChangeEvent":\d+,"\/data\/LeadChangeEvent":\d+\}$/);
  });

  it('a channel the org refuses fails the open with CRM_VALIDATION naming the object', async () => {
    const before = (await streamingState(sb)).clients;
    const err = await open(['Contact', 'Widget__c']).then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectorError);
    expect(err).toMatchObject({ code: 'CRM_VALIDATION', details: { channel: '/data/Widget__ChangeEvent', objectType: 'Widget__c', reason: 'channel-refused' } });
    expect((err as Error).message).toMatch(/Change Data Capture on for Widget__c/);
    // The clients of the open that failed are gone.
    await expect.poll(async () => (await streamingState(sb)).clients, { timeout: 5000, interval: 50 }).toBe(before);
  });
});
