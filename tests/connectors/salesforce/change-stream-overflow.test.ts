/**
 * A Salesforce overflow event (GAP_OVERFLOW: over 100,000 changes in one transaction, no record named) becomes a
 * catch-up request through the change stream's `onCatchUp` handler: read the object's changes since the event's
 * commit, less the connector's overlap. The request comes before the batch whose position passes the event, so a
 * caller that stores it there cannot lose it; no event is handed over for it.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { OpenChangeStream } from '../../../connectors/contract/index.ts';
import { DEFAULT_OVERLAP_MS } from '../../../connectors/salesforce/index.ts';
import { catchUpRequest } from '../../../connectors/salesforce/change-stream.ts';
import type { SalesforceSandbox } from '../../../sandboxes/salesforce/index.ts';
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

const post = async (path: string, body: unknown) => {
  const res = await fetch(`${sb.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  expect(res.status).toBe(200);
  return res.json() as Promise<Record<string, unknown>>;
};

async function until(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 8000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const overflowMessage = (header: Record<string, unknown>) => ({ payload: { ChangeEventHeader: { entityName: 'Contact', recordIds: [], changeType: 'GAP_OVERFLOW', ...header } }, event: { replayId: 9 } });

describe('catchUpRequest', () => {
  it('asks for the object since the commit, less the overlap; nothing for other change types', () => {
    const commit = Date.parse('2026-12-07T10:00:00.000Z');
    expect(catchUpRequest(overflowMessage({ commitTimestamp: commit }))).toEqual({ objectType: 'Contact', since: new Date(commit - DEFAULT_OVERLAP_MS), reason: 'overflow' });
    expect(catchUpRequest({ payload: { ChangeEventHeader: { entityName: 'Contact', recordIds: ['003x'], changeType: 'UPDATE', commitTimestamp: commit } } })).toBeNull();
    expect(catchUpRequest({ payload: { ChangeEventHeader: { entityName: 'Contact', recordIds: ['003x'], changeType: 'GAP_UPDATE', commitTimestamp: commit } } })).toBeNull();
  });

  it('without a commit stamp, reads as far back as the CRM retains events (72 h)', () => {
    const now = Date.parse('2026-12-07T10:00:00.000Z');
    expect(catchUpRequest(overflowMessage({}), now)?.since).toEqual(new Date(now - 72 * 3_600_000 - DEFAULT_OVERLAP_MS));
  });
});

describe('Salesforce change stream: an overflow becomes a catch-up request', () => {
  it('the write swallowed by an overflow hands over no event; onCatchUp gets Contact since its commit, before the batch passing it', async () => {
    const calls: ({ kind: 'catchUp'; objectType: string; since: Date } | { kind: 'events'; ids: string[]; position: string })[] = [];
    const connector = connectorFor(sb);
    opened.push(await connector.changeStream!.open(['Contact'], null, {
      onEvents: async (batch) => { calls.push({ kind: 'events', ids: batch.events.map((e) => e.recordId), position: batch.position }); },
      onError: () => {},
      onCatchUp: async (request) => { calls.push({ kind: 'catchUp', objectType: request.objectType, since: request.since }); },
    }));
    const [contact] = await connector.createMany('Contact', [{ fields: { LastName: 'Overflow' } }]);
    expect(contact?.ok).toBe(true);
    await until(() => calls.length === 1, 'the create');
    expect(await post('/_sandbox/salesforce/streaming/overflow', { object: 'Contact', count: 1 })).toEqual({ object: 'Contact', overflow: 1 });
    const before = Date.now();
    const [updated] = await connector.updateMany('Contact', [{ id: contact!.id!, fields: { Phone: '+14155550191' } }]);
    expect(updated?.ok).toBe(true);
    const after = Date.now();
    await until(() => calls.length === 3, 'the catch-up request and its batch');
    expect(calls[1]).toMatchObject({ kind: 'catchUp', objectType: 'Contact' });
    const since = (calls[1] as { since: Date }).since.getTime();
    expect(since).toBeGreaterThanOrEqual(before - DEFAULT_OVERLAP_MS - 1000);
    expect(since).toBeLessThanOrEqual(after - DEFAULT_OVERLAP_MS);
    // The batch after it carries no event for the swallowed write, only the position past the overflow.
    expect(calls[2]).toMatchObject({ kind: 'events', ids: [] });
    const positions = calls.filter((c) => c.kind === 'events').map((c) => JSON.parse((c as { position: string }).position)['/data/ContactChangeEvent'] as number);
    expect(positions[1]).toBeGreaterThan(positions[0]!);
  });
});
