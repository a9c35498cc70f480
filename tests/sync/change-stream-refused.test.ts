/**
 * Change streams (sync/change-stream.ts) when the CRM refuses one object's channel (Salesforce: Change Data Capture
 * not selected for it, `400::Unknown channel`): the stream is reopened at once, from the stored position, with the
 * other objects, rather than failing as a whole (backoff forever, nothing streamed) or taking the refusal for an
 * expired position (reopened from now, skipping what the stored position would have replayed).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ConnectorError } from '../../connectors/contract/index.ts';
import type { ChangeStream, ChangeStreamHandlers, Connector } from '../../connectors/contract/index.ts';
import { createLogger } from '../../lib/logger.ts';
import { DEFAULT_MAPPING_CONFIG, parseMappingConfig } from '../../resolver-engine/index.ts';
import { startChangeStreams, storeStreamPosition } from '../../sync/change-stream.ts';
import type { ChangeStreams } from '../../sync/change-stream.ts';
import { openTestDatabase } from '../support/test-database.ts';
import type { TestDatabase } from '../support/test-database.ts';

let t: TestDatabase;
beforeAll(async () => {
  t = await openTestDatabase();
});
afterAll(async () => t?.close());

/** A CRM that refuses the channels of `refusing` (as the Salesforce connector reports it) and opens the rest. */
class RefusingStream implements ChangeStream {
  opens: { objectTypes: string[]; position: string | null }[] = [];
  handlers: ChangeStreamHandlers | null = null;
  constructor(private readonly refusing: string[], private readonly reason = 'channel-refused') {}

  async open(objectTypes: string[], position: string | null, handlers: ChangeStreamHandlers) {
    this.opens.push({ objectTypes: [...objectTypes].sort(), position });
    const refused = this.refusing.find((o) => objectTypes.includes(o));
    if (refused) {
      throw new ConnectorError('CRM_VALIDATION', 'salesforce', `Streaming API refused /data/${refused}ChangeEvent: 400::Unknown channel`, {
        details: { channel: `/data/${refused}ChangeEvent`, reason: this.reason, objectType: refused },
      });
    }
    this.handlers = handlers;
    return { close: async () => { this.handlers = null; } };
  }
}

let seq = 0;
let streams: ChangeStreams | undefined;
afterEach(async () => {
  await streams?.stop();
  streams = undefined;
});

async function start(stream: RefusingStream, position: string | null): Promise<void> {
  const connectorId = `sf-refused-${++seq}`;
  if (position !== null) await storeStreamPosition(t.db, connectorId, position);
  const connectors = new Map([['salesforce', { crm: 'salesforce', changeStream: stream } as unknown as Connector]]);
  streams = startChangeStreams(() => ({
    db: t.db, config: parseMappingConfig(DEFAULT_MAPPING_CONFIG), connectors, connectorIds: new Map([['salesforce', connectorId]]),
  }), { logger: createLogger('test', 'silent'), backoffMs: 60_000, maxBackoffMs: 60_000, refreshMs: 0 });
}

async function until(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('a channel the CRM refuses', () => {
  it('is left out: the other objects stream at once from the stored position', async () => {
    const stream = new RefusingStream(['Opportunity']);
    const position = '{"/data/ContactChangeEvent":5}';
    await start(stream, position);
    // No backoff wait (it is a minute here): the reopen without the refused object is immediate.
    await until(() => stream.handlers !== null, 'the stream to open without Opportunity');
    expect(stream.opens).toEqual([
      { objectTypes: ['Account', 'Contact', 'Opportunity'], position },
      { objectTypes: ['Account', 'Contact'], position },
    ]);
    expect(streams!.open()).toEqual(['salesforce']);
  });

  it('from no position: two refused objects are left out one after the other', async () => {
    const stream = new RefusingStream(['Opportunity', 'Account']);
    await start(stream, null);
    await until(() => stream.handlers !== null, 'the stream to open with Contact only');
    expect(stream.opens.map((o) => o.objectTypes)).toEqual([['Account', 'Contact', 'Opportunity'], ['Account', 'Contact'], ['Contact']]);
    expect(stream.opens.every((o) => o.position === null)).toBe(true);
  });

  it('the last object refused is retried with backoff, not left out', async () => {
    const stream = new RefusingStream(['Opportunity', 'Account', 'Contact']);
    await start(stream, null);
    await until(() => stream.opens.length === 3, 'three opens');
    await new Promise((r) => setTimeout(r, 100));
    expect(stream.opens.map((o) => o.objectTypes)).toEqual([['Account', 'Contact', 'Opportunity'], ['Account', 'Contact'], ['Contact']]);
    expect(streams!.open()).toEqual([]);
  });

  it('an expired position is still reopened from now', async () => {
    const stream = new RefusingStream(['Opportunity'], 'position-expired');
    await start(stream, '{"/data/OpportunityChangeEvent":7}');
    await until(() => stream.opens.length === 2, 'the reopen from now');
    expect(stream.opens.map((o) => o.position)).toEqual(['{"/data/OpportunityChangeEvent":7}', null]);
    expect(stream.opens[1]!.objectTypes).toEqual(['Account', 'Contact', 'Opportunity']);
  });
});
