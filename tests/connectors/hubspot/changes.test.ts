/**
 * The HubSpot change feed beyond the shared suite: more than the search API's 10,000-result cap, more than
 * 10,000 records sharing one timestamp, the default overlap, deleted records in paging, foreign cursors.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { ChangeCursor, NativeRecord } from '../../../connectors/contract/index.ts';
import type { RunningHubSpotSandbox } from '../../../sandboxes/hubspot/index.ts';
import { countCalls } from '../contract-suite/sandbox-control.ts';
import { drain, rejection } from '../contract-suite/context.ts';
import { connectHubSpot, startHubSpot } from './harness.ts';

const sandboxes: RunningHubSpotSandbox[] = [];
afterEach(async () => {
  await Promise.all(sandboxes.splice(0).map((s) => s.close()));
});

const BASE = Date.parse('2024-03-01T00:00:00.000Z');
/** Contacts without email: seeding checks email uniqueness record by record, which is slow for 10k records. */
const people = (count: number, at: (i: number) => number) =>
  Array.from({ length: count }, (_, i) => ({ objectType: 'contacts', fields: { firstname: `F${i}`, lastname: `L${i}` }, modifiedAt: new Date(at(i)).toISOString() }));

async function start(seed: ReturnType<typeof people>) {
  const sandbox = await startHubSpot(seed);
  sandboxes.push(sandbox);
  return { sandbox, connector: connectHubSpot(sandbox, { connectorId: `hs-changes-${Date.now()}-${Math.random()}` }) };
}

async function readAll(connector: ReturnType<typeof connectHubSpot>, cursor: ChangeCursor | null, options: { pageSize?: number; overlapMs?: number } = {}) {
  const records: NativeRecord[] = [];
  let last = cursor;
  for await (const batch of connector.readChanges('contacts', cursor, { fields: ['firstname'], ...options })) {
    records.push(...batch.records);
    last = batch.cursor;
  }
  return { records, cursor: last };
}

describe('HubSpot change feed', () => {
  it('reads past the 10,000-result search cap by re-anchoring on the last timestamp: every record once, no 400', async () => {
    const { sandbox, connector } = await start(people(10_250, (i) => BASE + Math.floor(i / 3) * 1000));
    const { result, calls } = await countCalls(sandbox, () => readAll(connector, null, { pageSize: 200, overlapMs: 0 }));
    expect(result.records).toHaveLength(10_250);
    expect(new Set(result.records.map((r) => r.id)).size).toBe(10_250);
    const times = result.records.map((r) => Date.parse(r.modifiedAt!));
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(calls.routes['POST /crm/v3/objects/contacts/search']).toBe(52);
    // 52 searches at HubSpot's 4 a second (connectors/hubspot/search-limit.ts) take 13 s before any CPU time.
  }, 120_000);

  it('more than 10,000 records sharing one timestamp: a tie scan by id delivers each once, then the feed carries on', async () => {
    const { connector } = await start(people(10_120, (i) => (i < 10_100 ? BASE : BASE + 60_000 + i)));
    const { records, cursor } = await readAll(connector, null, { pageSize: 200, overlapMs: 0 });
    expect(records).toHaveLength(10_120);
    expect(new Set(records.map((r) => r.id)).size).toBe(10_120);
    expect(records.slice(-20).every((r) => Date.parse(r.modifiedAt!) > BASE)).toBe(true);
    expect((await readAll(connector, cursor, { overlapMs: 0 })).records).toEqual([]);
  }, 120_000);

  it('the default overlap re-reads the last minute (duplicates, never gaps); overlapMs 0 reads nothing new', async () => {
    const { connector } = await start(people(30, (i) => BASE + i * 10_000));
    const first = await readAll(connector, null);
    expect(first.records).toHaveLength(30);
    const again = await readAll(connector, first.cursor);
    // Records in the 60 s before the cursor come again, except the ones at exactly the cursor's timestamp.
    expect(again.records.map((r) => r.fields.firstname)).toEqual(['F23', 'F24', 'F25', 'F26', 'F27', 'F28']);
    expect((await readAll(connector, first.cursor, { overlapMs: 0 })).records).toEqual([]);
  });

  it('deletions come from the archived list with archivedAt, oldest first; pageRecords includes them only when asked, flagged', async () => {
    const { connector } = await start(people(5, (i) => BASE + i));
    const { cursor } = await readAll(connector, null, { overlapMs: 0 });
    const ids = (await drain(connector.pageRecords('contacts', { fields: ['firstname'] }))).flat().map((r) => r.id);
    await connector.deleteMany('contacts', [ids[1]!]);
    await new Promise((r) => setTimeout(r, 5));
    await connector.deleteMany('contacts', [ids[3]!]);
    const batches = await drain(connector.readChanges('contacts', cursor, { overlapMs: 0 }));
    const deletions = batches.flatMap((b) => b.deletions);
    expect(deletions.map((d) => d.id)).toEqual([ids[1], ids[3]]);
    expect(Date.parse(deletions[0]!.deletedAt!)).toBeLessThan(Date.parse(deletions[1]!.deletedAt!));
    expect(batches.flatMap((b) => b.records)).toEqual([]);
    const live = (await drain(connector.pageRecords('contacts', { fields: ['firstname'] }))).flat();
    expect(live).toHaveLength(3);
    const all = (await drain(connector.pageRecords('contacts', { fields: ['firstname'], includeDeleted: true }))).flat();
    expect(all.filter((r) => r.deleted).map((r) => r.id).sort()).toEqual([ids[1], ids[3]].sort());
  });

  it('a cursor made by someone else is refused with CRM_VALIDATION before any call', async () => {
    const { sandbox, connector } = await start([]);
    for (const foreign of [{ since: 5 }, 'abc', [1, 2], { v: 1, since: 'yesterday', seen: [], deletedSince: null, deletedSeen: [] }]) {
      const { result, calls } = await countCalls(sandbox, () => rejection(drain(connector.readChanges('contacts', foreign as ChangeCursor, { fields: ['email'] }))));
      expect(result.code).toBe('CRM_VALIDATION');
      expect(calls.total).toBe(0);
    }
  });
});
