/**
 * The Dynamics change feed against the sandbox's change tracking: changes and tombstones from the delta feed in
 * version order, changes sharing one second told apart by version across page boundaries, every cursor resuming
 * exactly, an expired delta token falling back to a tracked full read, and cursors only this connector reads.
 */
import { describe, expect, it } from 'vitest';
import type { ChangeCursor } from '../../../connectors/contract/index.ts';
import type { ChangeFeedReset } from '../../../connectors/dynamics/index.ts';
import { startRecordingProxy } from '../contract-suite/local-servers.ts';
import { countCalls } from '../contract-suite/sandbox-control.ts';
import { HOUR_AGO, connect, guid, readAll, seedMore, start } from './helpers.ts';

const ago = (hours: number) => new Date(Date.parse(HOUR_AGO) - (hours - 1) * 3_600_000).toISOString().replace('.000Z', 'Z');
const person = (n: number, modifiedon = HOUR_AGO, firstname = `Person${n}`) => ({ contactid: guid(n), firstname, lastname: `Last${n}`, modifiedon });
const ids = (records: { id: string }[]) => records.map((r) => r.id);

describe('dynamics change feed', () => {
  it('after the first read: updates and creations as records, deletions as tombstones, in version order; then one call and nothing', async () => {
    const sandbox = await start({ contacts: [person(1), person(2), person(3)] });
    const connector = connect(sandbox);
    const first = await readAll(connector, 'contacts', null, { fields: ['firstname'] });
    expect(ids(first.records)).toEqual([guid(1), guid(2), guid(3)]);
    expect(first.deletions).toEqual([]);

    expect((await connector.updateMany('contacts', [{ id: guid(2), fields: { firstname: 'Renamed' } }]))[0]!.ok).toBe(true);
    expect((await connector.deleteMany('contacts', [guid(1)]))[0]!.ok).toBe(true);
    const created = await connector.createMany('contacts', [{ fields: { lastname: 'New' } }]);
    const newId = created[0]!.ok ? created[0]!.id : '';

    const second = await readAll(connector, 'contacts', first.cursor, { fields: ['firstname'] });
    expect(second.records.map((r) => [r.id, r.fields.firstname])).toEqual([[guid(2), 'Renamed'], [newId, null]]);
    expect(second.deletions).toEqual([{ id: guid(1), deletedAt: null }]);
    // The deletion comes between the update and the create, as written: one batch per page keeps that order.
    expect(second.batches).toHaveLength(1);

    const { result: third, calls } = await countCalls(sandbox, () => readAll(connector, 'contacts', second.cursor, { fields: ['firstname'] }));
    expect([third.records, third.deletions]).toEqual([[], []]);
    expect(calls.total).toBe(1);
  });

  it('changes within one second across a page boundary: told apart by version, each delivered once, every cursor resuming exactly', async () => {
    // Six rows in one second: only the version order says which came first.
    const sandbox = await start({ contacts: [1, 2, 3, 4, 5, 6].map((n) => person(n)) });
    const connector = connect(sandbox);
    const first = await readAll(connector, 'contacts', null, { pageSize: 4, fields: ['firstname'] });
    expect(first.batches.map((b) => b.records.length)).toEqual([4, 2]);
    const rest = await readAll(connector, 'contacts', first.batches[0]!.cursor, { pageSize: 4, fields: ['firstname'] });
    expect(ids(rest.records)).toEqual([guid(5), guid(6)]);

    // Rows 2 and 5 change again and row 7 appears, all stamped with the very second the cursor ends on.
    await seedMore(sandbox, { contacts: [person(5, HOUR_AGO, 'Five again'), person(2, HOUR_AGO, 'Two again'), person(7)] });
    const second = await readAll(connector, 'contacts', first.cursor, { pageSize: 2, fields: ['firstname'] });
    expect(second.batches.map((b) => b.records.length)).toEqual([2, 1]);
    expect(second.records.map((r) => [r.id, r.fields.firstname, r.modifiedAt])).toEqual([
      [guid(5), 'Five again', HOUR_AGO], [guid(2), 'Two again', HOUR_AGO], [guid(7), 'Person7', HOUR_AGO],
    ]);
    const resumed = await readAll(connector, 'contacts', second.batches[0]!.cursor, { pageSize: 2, fields: ['firstname'] });
    expect(ids(resumed.records)).toEqual([guid(7)]);
    expect((await readAll(connector, 'contacts', second.cursor)).records).toEqual([]);
  });

  it('an expired delta token falls back to a tracked full read from the newest change delivered, reported once', async () => {
    const sandbox = await start({ contacts: [person(1, ago(3)), person(2, ago(2)), person(3, ago(1)), person(4, ago(1))] });
    const resets: ChangeFeedReset[] = [];
    const connector = connect(sandbox, { onChangeFeedReset: (reset) => void resets.push(reset) });
    const first = await readAll(connector, 'contacts', null);
    expect(first.records).toHaveLength(4);

    expect((await connector.updateMany('contacts', [{ id: guid(2), fields: { firstname: 'Changed' } }]))[0]!.ok).toBe(true);
    const expired = await fetch(`${sandbox.url}/_sandbox/dynamics/expire-delta-tokens`, { method: 'POST' });
    expect(expired.ok).toBe(true);

    const second = await readAll(connector, 'contacts', first.cursor, { fields: ['firstname'] });
    expect(resets).toEqual([expect.objectContaining({ objectType: 'contacts', since: new Date(ago(1)).toISOString() })]);
    expect(resets[0]!.reason).toContain('0x80044352');
    // The changed row, and those stamped at the cursor's newest time (read again: harmless); the older untouched row stays out.
    expect(ids(second.records).sort()).toEqual([guid(2), guid(3), guid(4)]);
    expect(second.records.find((r) => r.id === guid(2))?.fields.firstname).toBe('Changed');

    // The fallback stored a fresh deltaLink: the feed goes on from it.
    expect((await connector.deleteMany('contacts', [guid(4)]))[0]!.ok).toBe(true);
    const third = await readAll(connector, 'contacts', second.cursor);
    expect([third.records, third.deletions]).toEqual([[], [{ id: guid(4), deletedAt: null }]]);
    expect(resets).toHaveLength(1);
  });

  it('changeCursorAt(T) on a table with no row older than T still reads every change since T, then follows the delta feed', async () => {
    const sandbox = await start({ contacts: [person(1, ago(1)), person(2, ago(1))] });
    const connector = connect(sandbox, { onChangeFeedReset: () => undefined });
    const cursor = connector.changeCursorAt('contacts', new Date(Date.parse(ago(2))));
    const first = await readAll(connector, 'contacts', cursor);
    expect(ids(first.records).sort()).toEqual([guid(1), guid(2)]);
    expect((await connector.updateMany('contacts', [{ id: guid(1), fields: { firstname: 'Later' } }]))[0]!.ok).toBe(true);
    expect(ids((await readAll(connector, 'contacts', first.cursor)).records)).toEqual([guid(1)]);
  });

  it('a stored deltaLink serves the columns asked for now, and every link is followed on the configured origin', async () => {
    const sandbox = await start({ contacts: [person(1), person(2), person(3)] });
    // A proxy in front of the org: the links Dataverse hands out name the org behind it, yet every call goes through it.
    const proxy = await startRecordingProxy(sandbox.url);
    try {
      const connector = connect(sandbox, { baseUrl: proxy.url });
      const first = await readAll(connector, 'contacts', null, { fields: ['firstname'], pageSize: 1 });
      expect(first.records.map((r) => r.fields)).toEqual([{ firstname: 'Person1' }, { firstname: 'Person2' }, { firstname: 'Person3' }]);
      expect((await connector.updateMany('contacts', [{ id: guid(1), fields: { lastname: 'Renamed', telephone1: '+1 555 0100' } }]))[0]!.ok).toBe(true);
      const before = proxy.calls.length;
      const second = await readAll(connector, 'contacts', first.cursor, { fields: ['lastname', 'telephone1'] });
      expect(second.records.map((r) => r.fields)).toEqual([{ lastname: 'Renamed', telephone1: '+1 555 0100' }]);
      const delta = proxy.calls.slice(before).map((c) => decodeURIComponent(c.path));
      expect(delta).toEqual([expect.stringMatching(/\/contacts\?\$select=contactid,modifiedon,lastname,telephone1&\$deltatoken=/)]);
      // The oldest version, three pages of one row and the first delta: all through the proxy, none straight to the org.
      expect(proxy.calls.filter((c) => c.path.includes('/contacts?')).length).toBe(5);
    } finally {
      await proxy.close();
    }
  });

  it('refuses cursors it did not make, and invalid dates for changeCursorAt', async () => {
    const sandbox = await start({});
    const connector = connect(sandbox);
    const foreign: ChangeCursor[] = [{ v: 1, since: 0, seen: {} }, 'abc', [1], { v: 1, crm: 'dynamics', link: 5, from: null, latest: null }];
    for (const cursor of foreign) {
      await expect(readAll(connector, 'contacts', cursor)).rejects.toMatchObject({ code: 'CRM_VALIDATION', crm: 'dynamics' });
    }
    expect(() => connector.changeCursorAt('contacts', new Date('nope'))).toThrow(expect.objectContaining({ code: 'CRM_VALIDATION' }));
  });
});
