/**
 * Change streams (sync/change-stream.ts) beyond what the stream hands over: a refused channel is tried again after
 * `refusedRetryMs`, the delay doubling (up to `maxRefusedRetryMs`) while it stays refused, and streamed again once
 * accepted; a catch-up read left unfinished (a crash, a change of leader) is read when the stream starts, its
 * progress kept with the stream's position, and the position survives catch-up writes and the other way round.
 */
import { and, eq } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ConnectorError } from '../../connectors/contract/index.ts';
import type { ChangeStream, ChangeStreamHandlers, Connector } from '../../connectors/contract/index.ts';
import { recordLinks } from '../../db/schema.ts';
import { createLogger } from '../../lib/logger.ts';
import { DEFAULT_MAPPING_CONFIG, parseMappingConfig } from '../../resolver-engine/index.ts';
import type { SalesforceSandbox } from '../../sandboxes/salesforce/index.ts';
import { requestCatchUp } from '../../sync/change-stream-store.ts';
import { startChangeStreams, storeStreamPosition, storedCatchUps, storedStreamPosition } from '../../sync/change-stream.ts';
import type { ChangeStreams } from '../../sync/change-stream.ts';
import { connectorFor, startSandbox } from '../connectors/salesforce/helpers.ts';
import { openTestDatabase } from '../support/test-database.ts';
import type { TestDatabase } from '../support/test-database.ts';

let t: TestDatabase;
let sb: SalesforceSandbox;
beforeAll(async () => {
  t = await openTestDatabase();
  sb = await startSandbox({ connectHoldMs: 1000 });
});
afterAll(async () => {
  await sb?.close();
  await t?.close();
});

/** A CRM that refuses Opportunity's channel while `refusing`, with the time of each open. */
class SwitchableStream implements ChangeStream {
  opens: { objectTypes: string[]; at: number }[] = [];
  refusing = true;
  handlers: ChangeStreamHandlers | null = null;
  async open(objectTypes: string[], _position: string | null, handlers: ChangeStreamHandlers) {
    this.opens.push({ objectTypes: [...objectTypes].sort(), at: Date.now() });
    if (this.refusing && objectTypes.includes('Opportunity')) {
      throw new ConnectorError('CRM_VALIDATION', 'salesforce', 'Streaming API refused /data/OpportunityChangeEvent: 400::Unknown channel', {
        details: { channel: '/data/OpportunityChangeEvent', reason: 'channel-refused', objectType: 'Opportunity' },
      });
    }
    this.handlers = handlers;
    return { close: async () => {} };
  }
}

let seq = 0;
let streams: ChangeStreams | undefined;
afterEach(async () => {
  await streams?.stop();
  streams = undefined;
});

const config = parseMappingConfig(DEFAULT_MAPPING_CONFIG);
const logger = createLogger('test', 'silent');

describe('a refused channel is tried again', () => {
  it('after the retry delay, doubled while refused; once accepted it is streamed and no longer retried', async () => {
    const stream = new SwitchableStream();
    const connectors = new Map([['salesforce', { crm: 'salesforce', changeStream: stream } as unknown as Connector]]);
    streams = startChangeStreams(() => ({ db: t.db, config, connectors, connectorIds: new Map([['salesforce', `sf-retry-${++seq}`]]) }),
      { logger, refreshMs: 0, refusedRetryMs: 250, maxRefusedRetryMs: 500 });
    const all = ['Account', 'Contact', 'Opportunity'];
    await expect.poll(() => stream.opens.filter((o) => o.objectTypes.length === 3).length, { timeout: 5000, interval: 10 }).toBe(4);
    const tries = stream.opens.filter((o) => o.objectTypes.length === 3);
    // Each try is refused and followed by an open without Opportunity.
    expect(stream.opens.slice(0, 6).map((o) => o.objectTypes)).toEqual([all, ['Account', 'Contact'], all, ['Account', 'Contact'], all, ['Account', 'Contact']]);
    const gaps = tries.slice(1).map((o, i) => o.at - tries[i]!.at);
    // 250 ms, then doubled to 500 ms, then capped at 500 ms (doubled again it would be 1 s).
    expect(gaps[0]).toBeGreaterThanOrEqual(240);
    expect(gaps[1]).toBeGreaterThanOrEqual(490);
    expect(gaps[2]).toBeGreaterThanOrEqual(490);
    expect(gaps[2]).toBeLessThan(900);

    stream.refusing = false;
    await expect.poll(() => streams!.streamed().salesforce?.sort(), { timeout: 5000, interval: 10 }).toEqual(all);
    const opens = stream.opens.length;
    await new Promise((r) => setTimeout(r, 700));
    expect(stream.opens.length).toBe(opens);
  });

  it('a stream that breaks and reopens meanwhile does not put the retry off', async () => {
    const stream = new SwitchableStream();
    const connectors = new Map([['salesforce', { crm: 'salesforce', changeStream: stream } as unknown as Connector]]);
    streams = startChangeStreams(() => ({ db: t.db, config, connectors, connectorIds: new Map([['salesforce', `sf-breaks-${++seq}`]]) }),
      { logger, refreshMs: 0, refusedRetryMs: 400, backoffMs: 1, maxBackoffMs: 1 });
    const breaking = setInterval(() => stream.handlers?.onError(new ConnectorError('CRM_UNAVAILABLE', 'salesforce', 'connection reset')), 100);
    try {
      await expect.poll(() => stream.opens.filter((o) => o.objectTypes.length === 3).length, { timeout: 3000, interval: 10 }).toBeGreaterThanOrEqual(2);
    } finally {
      clearInterval(breaking);
    }
  });
});

describe('catch-up reads', () => {
  it('an unfinished catch-up is read when the stream starts, then dropped; the stored position is kept', async () => {
    const connectorId = `sf-catch-up-${++seq}`;
    const rest = connectorFor(sb);
    const [created] = await rest.createMany('Contact', [{ fields: { LastName: 'Caught', Email: 'caught.up@example.test' } }]);
    expect(created?.ok).toBe(true);
    await storeStreamPosition(t.db, connectorId, '{"/data/ContactChangeEvent":1}');
    await t.db.transaction((tx) => requestCatchUp(tx, connectorId, 'Contact', new Date(Date.now() - 120_000)));
    expect(await storedCatchUps(t.db, connectorId)).toEqual({ Contact: { since: expect.any(String), cursor: null } });
    // A position stored later keeps the catch-up, and the other way round.
    await storeStreamPosition(t.db, connectorId, '{"/data/ContactChangeEvent":2}');
    expect(Object.keys(await storedCatchUps(t.db, connectorId))).toEqual(['Contact']);
    expect(await storedStreamPosition(t.db, connectorId)).toBe('{"/data/ContactChangeEvent":2}');

    // No change stream opens (CDC unknown here): the catch-up does not wait for it.
    const connector = connectorFor(sb);
    const refusing = { open: async () => { throw new ConnectorError('CRM_UNAVAILABLE', 'salesforce', 'down'); } };
    const connectors = new Map([['salesforce', Object.assign(Object.create(connector) as Connector, { changeStream: refusing })]]);
    streams = startChangeStreams(() => ({ db: t.db, config, connectors, connectorIds: new Map([['salesforce', connectorId]]) }),
      { logger, refreshMs: 0, backoffMs: 60_000 });
    const link = () => t.db.select().from(recordLinks).where(and(eq(recordLinks.connectorId, connectorId), eq(recordLinks.recordId, created!.id!)));
    await expect.poll(async () => (await link()).length, { timeout: 10_000, interval: 50 }).toBe(1);
    await expect.poll(() => storedCatchUps(t.db, connectorId), { timeout: 5000, interval: 50 }).toEqual({});
    expect(await storedStreamPosition(t.db, connectorId)).toBe('{"/data/ContactChangeEvent":2}');
  });

  it('a stream restarted for a new connector reads a pending catch-up only once the old one has stopped: never twice at once', async () => {
    const connectorId = `sf-swap-${++seq}`;
    await t.db.transaction((tx) => requestCatchUp(tx, connectorId, 'Contact', new Date(Date.now() - 120_000)));
    const real = connectorFor(sb);
    let inFlight = 0;
    let most = 0;
    let reads = 0;
    /** The sandbox connector, with a read of Contact changes that takes a while and ignores being aborted. */
    const slow = () => Object.assign(Object.create(real) as Connector, {
      changeStream: { open: async () => { throw new ConnectorError('CRM_UNAVAILABLE', 'salesforce', 'down'); } },
      async* readChanges(...args: Parameters<Connector['readChanges']>) {
        inFlight++;
        reads++;
        most = Math.max(most, inFlight);
        try {
          await new Promise((r) => setTimeout(r, 400));
          yield* real.readChanges(...args);
        } finally {
          inFlight--;
        }
      },
    });
    const connectors = new Map([['salesforce', slow()]]);
    streams = startChangeStreams(() => ({ db: t.db, config, connectors, connectorIds: new Map([['salesforce', connectorId]]) }),
      { logger, refreshMs: 0, backoffMs: 60_000 });
    await expect.poll(() => inFlight, { timeout: 5000, interval: 10 }).toBe(1);
    connectors.set('salesforce', slow());
    streams.refresh();
    await expect.poll(() => storedCatchUps(t.db, connectorId), { timeout: 10_000, interval: 50 }).toEqual({});
    expect(reads).toBe(2);
    expect(most).toBe(1);
  });

  it('a request while one is pending is kept to read again from the earlier time', async () => {
    const connectorId = `sf-again-${++seq}`;
    await t.db.transaction((tx) => requestCatchUp(tx, connectorId, 'Contact', new Date('2026-12-07T10:00:00Z')));
    await t.db.transaction((tx) => requestCatchUp(tx, connectorId, 'Contact', new Date('2026-12-07T10:05:00Z')));
    await t.db.transaction((tx) => requestCatchUp(tx, connectorId, 'Contact', new Date('2026-12-07T10:03:00Z')));
    expect(await storedCatchUps(t.db, connectorId)).toEqual({ Contact: { since: '2026-12-07T10:00:00.000Z', cursor: null, again: '2026-12-07T10:03:00.000Z' } });
    expect(await storedStreamPosition(t.db, connectorId)).toBeNull();
  });
});
