/**
 * The Pipedrive change feed against the sandbox: second-precision timestamps shared by many records (a record
 * changed again within the second its cursor ends on comes back, nothing else repeats), deletions from the v1
 * recents feed for every object, and cursors that only this connector reads.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { ChangeBatch, ChangeCursor, Connector } from '../../../connectors/contract/index.ts';
import type { PipedriveSeed, RunningPipedriveSandbox } from '../../../sandboxes/pipedrive/index.ts';
import { countCalls } from '../contract-suite/sandbox-control.ts';
import { connectPipedrive, startPipedrive } from './harness.ts';

const open: RunningPipedriveSandbox[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});

/** A whole second an hour ago, as Pipedrive stamps it. */
const T = new Date(Math.floor(Date.now() / 1000) * 1000 - 3_600_000).toISOString().replace('.000Z', 'Z');

async function start(seed: PipedriveSeed) {
  const sandbox = await startPipedrive();
  open.push(sandbox);
  await seedMore(sandbox, seed);
  return { sandbox, connector: connectPipedrive(sandbox, { connectorId: `pd-changes-${Date.now()}-${Math.random()}` }) };
}

/** Loads records as if imported, timestamps kept (replacing records with the same id). */
async function seedMore(sandbox: RunningPipedriveSandbox, seed: PipedriveSeed): Promise<void> {
  const response = await fetch(`${sandbox.url}/_sandbox/pipedrive/seed`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(seed) });
  if (!response.ok) throw new Error(`seed answered ${response.status}: ${await response.text()}`);
}

async function readAll(connector: Connector, objectType: string, cursor: ChangeCursor | null, overlapMs = 0) {
  const batches: ChangeBatch[] = [];
  for await (const batch of connector.readChanges(objectType, cursor, { overlapMs, pageSize: 10 })) {
    batches.push({ ...batch, cursor: JSON.parse(JSON.stringify(batch.cursor)) as ChangeCursor });
  }
  return {
    records: batches.flatMap((b) => b.records),
    deletions: batches.flatMap((b) => b.deletions),
    cursor: batches.at(-1)?.cursor ?? cursor,
  };
}

const persons = (ids: number[], name = (id: number) => `Person ${id}`) => ids.map((id) => ({ id, name: name(id), update_time: T, add_time: T }));

describe('pipedrive change feed', () => {
  it('a record changed again within the cursor\'s last second comes back; the others of that second do not', async () => {
    const { sandbox, connector } = await start({ persons: persons([1, 2, 3, 4, 5]) });
    const first = await readAll(connector, 'persons', null);
    expect(first.records.map((r) => r.id)).toEqual(['1', '2', '3', '4', '5']);
    expect(first.records.every((r) => r.modifiedAt === T)).toBe(true);

    // Same second: person 3 changed again, person 6 created. Only the timestamp's precision hides them.
    await seedMore(sandbox, { persons: [...persons([3], () => 'Person 3 renamed'), ...persons([6])] });
    const second = await readAll(connector, 'persons', first.cursor);
    expect(second.records.map((r) => [r.id, r.fields.name])).toEqual([['3', 'Person 3 renamed'], ['6', 'Person 6']]);

    // Caught up: nothing, from either cursor position.
    expect((await readAll(connector, 'persons', second.cursor)).records).toEqual([]);
  });

  it('with the default overlap the last minute is read again (duplicates are harmless), never less', async () => {
    const earlier = new Date(Date.parse(T) - 30_000).toISOString().replace('.000Z', 'Z');
    const { connector } = await start({ persons: [{ id: 1, name: 'Early', update_time: earlier }, ...persons([2])] });
    const first = await readAll(connector, 'persons', null);
    const again = [];
    for await (const batch of connector.readChanges('persons', first.cursor)) again.push(...batch.records);
    expect(again.map((r) => r.id)).toEqual(['1']);
  });

  it('deletions of persons, organizations and deals come from the recents feed, once, with their time', async () => {
    const { connector } = await start({
      persons: persons([1, 2]),
      organizations: [{ id: 10, name: 'Acme', update_time: T }],
      deals: [{ id: 20, title: 'Big deal', update_time: T }, { id: 21, title: 'Small deal', update_time: T }],
    });
    for (const objectType of ['persons', 'organizations', 'deals']) {
      const before = await readAll(connector, objectType, null);
      expect(before.deletions).toEqual([]);
      const id = before.records[0]!.id;
      const started = Math.floor(Date.now() / 1000) * 1000;
      expect(await connector.deleteMany(objectType, [id])).toEqual([{ ok: true, id }]);
      const after = await readAll(connector, objectType, before.cursor);
      expect(after.records, objectType).toEqual([]);
      expect(after.deletions.map((d) => d.id), objectType).toEqual([id]);
      expect(Date.parse(after.deletions[0]!.deletedAt!)).toBeGreaterThanOrEqual(started);
      expect((await readAll(connector, objectType, after.cursor)).deletions, objectType).toEqual([]);
      // The deleted record is gone from reads by id, and deleting it again is no error.
      expect((await connector.fetchByIds(objectType, [id])).size).toBe(0);
      expect(await connector.deleteMany(objectType, [id])).toEqual([{ ok: true, id }]);
    }
  });

  it('a caught-up poll costs one list call and one recents call', async () => {
    const { sandbox, connector } = await start({ persons: persons([1, 2, 3]) });
    const first = await readAll(connector, 'persons', null);
    const { calls } = await countCalls(sandbox, () => readAll(connector, 'persons', first.cursor));
    expect(calls.routes).toEqual({ 'GET /api/v2/persons': 1, 'GET /api/v1/recents': 1 });
  });

  it('reads full pages of 500 when the caller names no page size: 1,200 persons in 3 list calls, paged or as changes', async () => {
    const persons = Array.from({ length: 1200 }, (_, i) => ({ id: i + 1, name: `Person ${i + 1}`, update_time: T }));
    const { sandbox, connector } = await start({ persons });
    const paged = await countCalls(sandbox, async () => {
      let n = 0;
      for await (const page of connector.pageRecords('persons')) n += page.length;
      return n;
    });
    expect(paged.result).toBe(1200);
    expect(paged.calls.routes['GET /api/v2/persons']).toBe(3);
    const changes = await countCalls(sandbox, async () => {
      let n = 0;
      for await (const batch of connector.readChanges('persons', null)) n += batch.records.length;
      return n;
    });
    expect(changes.result).toBe(1200);
    expect(changes.calls.routes['GET /api/v2/persons']).toBe(3);
  });

  it('refuses a cursor it did not make', async () => {
    const { connector } = await start({});
    const read = async (cursor: ChangeCursor) => {
      for await (const batch of connector.readChanges('persons', cursor)) void batch;
    };
    await expect(read({ v: 1, since: 0, seen: [], deletedSince: null, deletedSeen: [] })).rejects.toMatchObject({ code: 'CRM_VALIDATION', crm: 'pipedrive' });
    await expect(read('2024-01-01')).rejects.toMatchObject({ code: 'CRM_VALIDATION' });
    // A cursor from changeCursorAt floors to Pipedrive's whole seconds.
    expect(connector.changeCursorAt('persons', new Date(Date.parse(T) + 999))).toMatchObject({ since: Date.parse(T), recentsSince: Date.parse(T) });
  });
});
