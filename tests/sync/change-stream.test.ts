/**
 * Change streams (sync/change-stream.ts) over a scripted CRM stream that follows the connector contract: what is
 * opened (mapped objects, stored position), what is stored (inbox rows once per event id, the position in the same
 * transaction), reopening after a failure or a break, from now after a position the CRM no longer retains, switched
 * off per CRM, closed on stop. On the test database (PGlite or Postgres). The Salesforce stream itself, against the
 * sandbox, is in tests/connectors/salesforce and tests/e2e/salesforce-change-stream.test.ts.
 */
import { eq } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ConnectorError } from '../../connectors/contract/index.ts';
import type { ChangeStream, ChangeStreamHandlers, Connector, WebhookEvent } from '../../connectors/contract/index.ts';
import { webhookInbox } from '../../db/schema.ts';
import { createLogger } from '../../lib/logger.ts';
import { DEFAULT_MAPPING_CONFIG, parseMappingConfig } from '../../resolver-engine/index.ts';
import { startChangeStreams, storeStreamPosition, storedStreamPosition } from '../../sync/change-stream.ts';
import type { ChangeStreams } from '../../sync/change-stream.ts';
import { openTestDatabase } from '../support/test-database.ts';
import type { TestDatabase } from '../support/test-database.ts';

let t: TestDatabase;
beforeAll(async () => {
  t = await openTestDatabase();
});
afterAll(async () => t?.close());

/** A CRM stream whose outcomes the test scripts: each open takes the next outcome ('open' or an error). */
class ScriptedStream implements ChangeStream {
  opens: { objectTypes: string[]; position: string | null }[] = [];
  handlers: ChangeStreamHandlers | null = null;
  closed = 0;
  constructor(private readonly outcomes: (ConnectorError | 'open')[]) {}

  async open(objectTypes: string[], position: string | null, handlers: ChangeStreamHandlers) {
    this.opens.push({ objectTypes, position });
    const outcome = this.outcomes.shift() ?? 'open';
    if (outcome !== 'open') throw outcome;
    this.handlers = handlers;
    return { close: async () => { this.closed++; this.handlers = null; } };
  }
}

const event = (n: number): WebhookEvent => ({
  eventId: `cdc:/data/ContactChangeEvent:${n}:003${n}`, objectType: 'Contact', recordId: `003${n}`, kind: 'updated', occurredAt: new Date().toISOString(), raw: { n },
});

let connectorSeq = 0;
let streams: ChangeStreams | undefined;
afterEach(async () => {
  await streams?.stop();
  streams = undefined;
});

function start(stream: ScriptedStream, options: { enabled?: (crm: string) => boolean; refreshMs?: number } = {}) {
  const connectorId = `sf-stream-${++connectorSeq}`;
  const connectors = new Map([['salesforce', { crm: 'salesforce', changeStream: stream } as unknown as Connector]]);
  let stored = 0;
  streams = startChangeStreams(() => ({
    db: t.db, config: parseMappingConfig(DEFAULT_MAPPING_CONFIG), connectors, connectorIds: new Map([['salesforce', connectorId]]),
  }), { logger: createLogger('test', 'silent'), backoffMs: 20, maxBackoffMs: 50, refreshMs: 0, onStored: () => { stored++; }, ...options });
  return { connectorId, connectors, storedCalls: () => stored };
}

async function until(check: () => boolean | Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const inboxIds = async (connectorId: string) => (await t.db.select({ eventId: webhookInbox.eventId }).from(webhookInbox).where(eq(webhookInbox.connectorId, connectorId))).map((r) => r.eventId).sort();

describe('change streams', () => {
  it('opens over the mapped objects from now, stores each event once with the position, and wakes the inbox', async () => {
    const stream = new ScriptedStream([]);
    const { connectorId, storedCalls } = start(stream);
    await until(() => stream.handlers !== null, 'the stream to open');
    expect(stream.opens[0]?.position).toBeNull();
    expect(stream.opens[0]?.objectTypes).toContain('Contact');
    await stream.handlers!.onEvents({ events: [event(1), event(2)], position: '{"/data/ContactChangeEvent":2}' });
    // The same events again (a replay, another gateway's stream): stored once, no wake-up for nothing new.
    await stream.handlers!.onEvents({ events: [event(2), event(1)], position: '{"/data/ContactChangeEvent":2}' });
    expect(await inboxIds(connectorId)).toEqual([event(1).eventId, event(2).eventId]);
    expect(storedCalls()).toBe(1);
    expect(await storedStreamPosition(t.db, connectorId)).toBe('{"/data/ContactChangeEvent":2}');
    const [row] = await t.db.select().from(webhookInbox).where(eq(webhookInbox.eventId, event(1).eventId));
    expect(row?.payload).toMatchObject({ crm: 'salesforce', objectType: 'Contact', recordId: '0031', kind: 'updated', raw: { n: 1 } });
    expect(streams!.open()).toEqual(['salesforce']);
    await streams!.stop();
    expect(stream.closed).toBe(1);
    streams = undefined;
  });

  it('opens from the stored position, and after a break reopens from the position stored since', async () => {
    const stream = new ScriptedStream([]);
    const connectorId = `sf-stream-${connectorSeq + 1}`;
    await storeStreamPosition(t.db, connectorId, '{"/data/ContactChangeEvent":10}');
    start(stream);
    await until(() => stream.handlers !== null, 'the stream to open');
    expect(stream.opens[0]?.position).toBe('{"/data/ContactChangeEvent":10}');
    await stream.handlers!.onEvents({ events: [event(11)], position: '{"/data/ContactChangeEvent":11}' });
    stream.handlers!.onError(new ConnectorError('CRM_UNAVAILABLE', 'salesforce', 'connection lost'));
    await until(() => stream.opens.length === 2 && stream.handlers !== null, 'the stream to reopen');
    expect(stream.opens[1]?.position).toBe('{"/data/ContactChangeEvent":11}');
    expect(stream.closed).toBe(1);
  });

  it('retries a failed open with backoff', async () => {
    const down = new ConnectorError('CRM_UNAVAILABLE', 'salesforce', 'down');
    const stream = new ScriptedStream([down, down, 'open']);
    start(stream);
    await until(() => stream.handlers !== null, 'the stream to open after two failures');
    expect(stream.opens).toHaveLength(3);
  });

  it('reopens from now when the CRM no longer retains the stored position, and keeps that position until a batch', async () => {
    const expired = new ConnectorError('CRM_VALIDATION', 'salesforce', 'The replayId {5} you provided was invalid');
    const stream = new ScriptedStream([expired, 'open']);
    const connectorId = `sf-stream-${connectorSeq + 1}`;
    await storeStreamPosition(t.db, connectorId, '{"/data/ContactChangeEvent":5}');
    start(stream);
    await until(() => stream.handlers !== null, 'the stream to reopen from now');
    expect(stream.opens.map((o) => o.position)).toEqual(['{"/data/ContactChangeEvent":5}', null]);
    await stream.handlers!.onEvents({ events: [event(900)], position: '{"/data/ContactChangeEvent":900}' });
    expect(await storedStreamPosition(t.db, connectorId)).toBe('{"/data/ContactChangeEvent":900}');
  });

  it('a refusal from now is retried with backoff, not reopened from now at once forever', async () => {
    const refused = new ConnectorError('CRM_VALIDATION', 'salesforce', '400::Unknown channel');
    const stream = new ScriptedStream([refused, refused, 'open']);
    start(stream);
    await until(() => stream.handlers !== null, 'the stream to open');
    expect(stream.opens.map((o) => o.position)).toEqual([null, null, null]);
  });

  it('reopens from the stored position when the connector is swapped (new settings), and closes when it has no stream', async () => {
    const old = new ScriptedStream([]);
    const { connectorId, connectors } = start(old, { refreshMs: 20 });
    await until(() => old.handlers !== null, 'the stream to open');
    await old.handlers!.onEvents({ events: [event(40)], position: '{"/data/ContactChangeEvent":40}' });
    const swapped = new ScriptedStream([]);
    connectors.set('salesforce', { crm: 'salesforce', changeStream: swapped } as unknown as Connector);
    await until(() => swapped.handlers !== null, 'the new connector\'s stream to open');
    expect(old.closed).toBe(1);
    expect(swapped.opens[0]?.position).toBe('{"/data/ContactChangeEvent":40}');
    expect(await storedStreamPosition(t.db, connectorId)).toBe('{"/data/ContactChangeEvent":40}');
    // Disabled: a connector without a stream.
    connectors.set('salesforce', { crm: 'salesforce' } as unknown as Connector);
    await until(() => swapped.closed === 1, 'the stream to close');
    expect(streams!.open()).toEqual([]);
  });

  it('opens nothing for a CRM whose stream is switched off', async () => {
    const stream = new ScriptedStream([]);
    start(stream, { enabled: (crm) => crm !== 'salesforce' });
    await new Promise((r) => setTimeout(r, 100));
    expect(stream.opens).toEqual([]);
    expect(streams!.open()).toEqual([]);
  });
});
