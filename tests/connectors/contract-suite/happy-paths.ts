/** The contract's happy paths: describe, reads, the change feed and bulk writes, against the CRM's sandbox. */
import { describe, expect, it } from 'vitest';
import { FIELD_TYPES } from '../../../connectors/contract/index.ts';
import type { ChangeBatch, ChangeCursor, NativeRecord } from '../../../connectors/contract/index.ts';
import type { SuiteContext } from './context.ts';
import { allRecords, drain, seedPrimary } from './context.ts';
import { countCalls, resetStats } from './sandbox-control.ts';

/**
 * Seed timestamps: an hour ago on a whole second, one minute apart. Recent because some CRMs' replication APIs
 * only look back 30 days; whole seconds because some filter on seconds.
 */
const T0 = new Date(Math.floor(Date.now() / 1000) * 1000 - 3_600_000).toISOString();
const T1 = new Date(Date.parse(T0) + 60_000).toISOString();

export function defineHappyPathTests(ctx: SuiteContext): void {
  const { harness } = ctx;
  const primary = harness.primaryObject;

  describe('describe', () => {
    it('lists the objects with their id and modification fields, every field typed from FIELD_TYPES', async () => {
      const connector = ctx.connect(await ctx.start());
      const objects = await connector.describeObjects();
      for (const [name, expected] of Object.entries(harness.describedObjects)) {
        const object = objects.find((o) => o.name === name);
        expect(object, name).toBeDefined();
        expect(object).toMatchObject({ name, ...expected });
        expect(object!.fields.length).toBeGreaterThan(3);
        for (const field of object!.fields) {
          expect(FIELD_TYPES, `${name}.${field.name}`).toContain(field.type);
          expect(field.nativeType).toBeTruthy();
        }
        expect(object!.fields.map((f) => f.name)).toContain(expected.modifiedField);
      }
      const one = await connector.describeObjects([primary]);
      expect(one.map((o) => o.name)).toEqual([primary]);
      expect(one[0]!.fields.map((f) => f.name)).toEqual(expect.arrayContaining(harness.readFields));
    });

    it('listObjects names every object describeObjects lists, and not a mistyped one (what mapping saves check objects against)', async () => {
      const connector = ctx.connect(await ctx.start());
      const names = await connector.listObjects!();
      expect(names).toEqual(expect.arrayContaining(Object.keys(harness.describedObjects)));
      expect(names).not.toContain(`${primary}x`);
    });

    it('a custom field created at run time appears on the next describe, marked custom', async () => {
      const sandbox = await ctx.start();
      const connector = ctx.connect(sandbox);
      const before = await connector.describeObjects([primary]);
      const name = await harness.createCustomField(sandbox, primary);
      expect(before[0]!.fields.map((f) => f.name)).not.toContain(name);
      const after = await connector.describeObjects([primary]);
      const field = after[0]!.fields.find((f) => f.name === name);
      expect(field).toMatchObject({ name, custom: true });
      expect(FIELD_TYPES).toContain(field!.type);
    });
  });

  describe('reads', () => {
    it('fetchByIds of 100 ids costs exactly ONE upstream call and returns every record', async () => {
      const sandbox = await ctx.start(seedPrimary(harness, 100, T0));
      const connector = ctx.connect(sandbox);
      const ids = (await allRecords(connector, harness)).map((r) => r.id);
      expect(ids).toHaveLength(100);
      await resetStats(sandbox);
      const { result, calls } = await countCalls(sandbox, () => connector.fetchByIds(primary, ids, { fields: harness.readFields }));
      expect(calls.total).toBe(1);
      expect(result.size).toBe(100);
      const keys = new Set([...result.values()].map((r) => r.fields[harness.keyField]));
      expect(keys.size).toBe(100);
      for (const id of ids) expect(result.get(id)).toMatchObject({ id, objectType: primary });
      expect([...result.values()].every((r) => typeof r.modifiedAt === 'string')).toBe(true);
    });

    it('fetchByIds leaves unknown ids out of the map and tolerates duplicates', async () => {
      const sandbox = await ctx.start(seedPrimary(harness, 3, T0));
      const connector = ctx.connect(sandbox);
      const ids = (await allRecords(connector, harness)).map((r) => r.id);
      const result = await connector.fetchByIds(primary, [ids[0]!, harness.unknownId, ids[1]!, ids[0]!], { fields: harness.readFields });
      expect([...result.keys()].sort()).toEqual([ids[0], ids[1]].sort());
      expect((await connector.fetchByIds(primary, [])).size).toBe(0);
    });

    it('pageRecords pages through every record exactly once and stops fetching when the consumer stops', async () => {
      const sandbox = await ctx.start(seedPrimary(harness, 230, (i) => new Date(Date.parse(T0) + i * 1000).toISOString()));
      const connector = ctx.connect(sandbox);
      const pages = await drain(connector.pageRecords(primary, { fields: harness.readFields, pageSize: 100 }));
      expect(pages.length).toBeGreaterThanOrEqual(2);
      const ids = pages.flat().map((r) => r.id);
      expect(new Set(ids).size).toBe(230);
      expect(ids).toHaveLength(230);
      const { calls } = await countCalls(sandbox, async () => {
        for await (const page of connector.pageRecords(primary, { fields: harness.readFields, pageSize: 100 })) {
          expect(page.length).toBeGreaterThan(0);
          break;
        }
      });
      expect(calls.total).toBe(1);
    });
  });

  describe('change feed', () => {
    /** Reads every batch from `cursor`, returning them and the last cursor (round-tripped through JSON like the sync layer stores it). */
    async function readAll(connector: ReturnType<SuiteContext['connect']>, cursor: ChangeCursor | null, pageSize = 50, overlapMs: number | undefined = 0) {
      const batches: ChangeBatch[] = [];
      for await (const batch of connector.readChanges(primary, cursor, { pageSize, ...(overlapMs === undefined ? {} : { overlapMs }), fields: harness.readFields })) {
        batches.push({ ...batch, cursor: JSON.parse(JSON.stringify(batch.cursor)) as ChangeCursor });
      }
      return { batches, cursor: batches.at(-1)?.cursor ?? cursor };
    }
    const ids = (records: NativeRecord[]) => records.map((r) => r.id);

    it('delivers every record once, oldest first, even when 150 share one timestamp across page boundaries; every cursor resumes exactly', async () => {
      const seed = [...seedPrimary(harness, 150, T0), ...seedPrimary(harness, 10, T1, 150)];
      const connector = ctx.connect(await ctx.start(seed));
      const { batches } = await readAll(connector, null);
      const delivered = batches.flatMap((b) => b.records);
      expect(delivered).toHaveLength(160);
      expect(new Set(ids(delivered)).size).toBe(160);
      const times = delivered.map((r) => Date.parse(r.modifiedAt!));
      expect(times).toEqual([...times].sort((a, b) => a - b));
      // Resuming from any intermediate cursor yields exactly the records not yet delivered.
      for (let k = 0; k < batches.length - 1; k++) {
        const seen = new Set(batches.slice(0, k + 1).flatMap((b) => ids(b.records)));
        const rest = (await readAll(connector, batches[k]!.cursor)).batches.flatMap((b) => ids(b.records));
        expect(new Set(rest).size, `resume after batch ${k}`).toBe(rest.length);
        expect(rest.filter((id) => seen.has(id)), `resume after batch ${k}`).toEqual([]);
        expect(rest.length + seen.size, `resume after batch ${k}`).toBe(160);
      }
    });

    it('after a cursor: creations, updates and deletions, then nothing once caught up', async () => {
      const sandbox = await ctx.start(seedPrimary(harness, 20, T0));
      const connector = ctx.connect(sandbox);
      const first = await readAll(connector, null);
      const existing = ids(first.batches.flatMap((b) => b.records));
      expect(existing).toHaveLength(20);

      const created = await connector.createMany(primary, [{ fields: harness.validRecord(100) }, { fields: harness.validRecord(101) }]);
      expect(created.every((r) => r.ok)).toBe(true);
      const updated = await connector.updateMany(primary, [{ id: existing[3]!, fields: harness.validUpdate(3) }]);
      expect(updated[0]!.ok).toBe(true);
      const deleted = await connector.deleteMany(primary, [existing[5]!]);
      expect(deleted[0]!.ok).toBe(true);

      const second = await readAll(connector, first.cursor);
      const changed = new Set(ids(second.batches.flatMap((b) => b.records)));
      const createdIds = created.map((r) => (r.ok ? r.id : ''));
      expect([...changed].sort()).toEqual([...createdIds, existing[3]!].sort());
      expect(second.batches.flatMap((b) => b.deletions).map((d) => d.id)).toContain(existing[5]);
      for (const d of second.batches.flatMap((b) => b.deletions)) expect(d.deletedAt === null || !Number.isNaN(Date.parse(d.deletedAt))).toBe(true);

      const third = await readAll(connector, second.cursor);
      expect(third.batches.flatMap((b) => b.records)).toEqual([]);
      expect(third.batches.flatMap((b) => b.deletions)).toEqual([]);
    });

    it('changeCursorAt(T) resumes at T: records changed at or after T (and deletions), none last changed well before T', async () => {
      // Old records an hour ago; a group at T itself (30 min later, a whole second): beyond any overlap apart.
      const edge = new Date(Date.parse(T0) + 30 * 60_000);
      const sandbox = await ctx.start([...seedPrimary(harness, 5, T0), ...seedPrimary(harness, 3, edge.toISOString(), 5)]);
      const connector = ctx.connect(sandbox);
      const all = await allRecords(connector, harness);
      const atEdge = all.filter((r) => Date.parse(r.modifiedAt!) === edge.getTime()).map((r) => r.id);
      const old = all.filter((r) => !atEdge.includes(r.id)).map((r) => r.id);
      expect([atEdge.length, old.length]).toEqual([3, 5]);
      // Stored as JSON by the sync layer, like every cursor.
      const cursor = JSON.parse(JSON.stringify(connector.changeCursorAt(primary, edge))) as ChangeCursor;

      const exact = await readAll(connector, cursor);
      expect(ids(exact.batches.flatMap((b) => b.records)).sort()).toEqual([...atEdge].sort());

      const created = await connector.createMany(primary, [{ fields: harness.validRecord(100) }]);
      const createdId = created[0]!.ok ? created[0]!.id : '';
      expect((await connector.updateMany(primary, [{ id: old[1]!, fields: harness.validUpdate(1) }]))[0]!.ok).toBe(true);
      expect((await connector.deleteMany(primary, [old[2]!]))[0]!.ok).toBe(true);
      // Exact (no overlap) and with the connector's default overlap: the old records stay out either way.
      for (const overlapMs of [0, undefined]) {
        const { batches } = await readAll(connector, cursor, 50, overlapMs);
        const read = ids(batches.flatMap((b) => b.records));
        expect(new Set(read).size, `overlap ${overlapMs}`).toBe(read.length);
        expect([...read].sort(), `overlap ${overlapMs}`).toEqual([...atEdge, createdId, old[1]!].sort());
        expect(batches.flatMap((b) => b.deletions).map((d) => d.id), `overlap ${overlapMs}`).toEqual([old[2]]);
      }
      // Made locally: no CRM call.
      const { calls } = await countCalls(sandbox, async () => connector.changeCursorAt(primary, new Date()));
      expect(calls.total).toBe(0);
      expect(() => connector.changeCursorAt(primary, new Date(Number.NaN))).toThrow(expect.objectContaining({ code: 'CRM_VALIDATION', crm: harness.crm }));
    });

    it('latestChangeAt reads the CRM\'s newest modification time in one call; null for an empty object', async () => {
      const newest = new Date(Date.parse(T0) + 30 * 60_000);
      const sandbox = await ctx.start([...seedPrimary(harness, 4, T0), ...seedPrimary(harness, 1, newest.toISOString(), 4)]);
      const connector = ctx.connect(sandbox);
      await connector.describeObjects([primary]); // signs in first: the count below is the read alone
      const { result, calls } = await countCalls(sandbox, () => connector.latestChangeAt(primary));
      expect(result?.toISOString()).toBe(newest.toISOString());
      expect(calls.total).toBe(1);
      // A write moves it to the CRM's time of that write.
      const before = Date.now();
      expect((await connector.createMany(primary, [{ fields: harness.validRecord(200) }]))[0]!.ok).toBe(true);
      const after = await connector.latestChangeAt(primary);
      expect(after!.getTime()).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000);
      expect(after!.getTime()).toBeLessThanOrEqual(Date.now());

      const empty = ctx.connect(await ctx.start([]));
      expect(await empty.latestChangeAt(primary)).toBeNull();
    });
  });

  describe('bulk writes', () => {
    it('create, update, upsert and delete many: one result per item in input order, a bad item in the middle fails alone', async () => {
      const sandbox = await ctx.start();
      const connector = ctx.connect(sandbox);
      const created = await connector.createMany(primary, [
        { fields: harness.validRecord(0) }, { fields: harness.validRecord(1) }, { fields: harness.invalidRecord() },
        { fields: harness.validRecord(3) }, { fields: harness.validRecord(4) },
      ]);
      expect(created.map((r) => r.ok)).toEqual([true, true, false, true, true]);
      const bad = created[2]!;
      expect(!bad.ok && bad.error.code).toBe('CRM_VALIDATION');
      expect(!bad.ok && bad.error.crm).toBe(harness.crm);
      const idOf = (i: number) => { const r = created[i]!; return r.ok ? r.id : ''; };
      const stored = await connector.fetchByIds(primary, [0, 1, 3, 4].map(idOf), { fields: harness.readFields });
      for (const i of [0, 1, 3, 4]) expect(stored.get(idOf(i))?.fields[harness.keyField]).toEqual(harness.validRecord(i)[harness.keyField]);

      const updated = await connector.updateMany(primary, [
        { id: idOf(0), fields: harness.validUpdate(0) }, { id: idOf(1), fields: harness.invalidUpdate() }, { id: idOf(3), fields: harness.validUpdate(3) },
      ]);
      expect(updated.map((r) => r.ok)).toEqual([true, false, true]);
      expect(updated[0]).toMatchObject({ ok: true, id: idOf(0) });
      expect(!updated[1]!.ok && updated[1]!.error.code).toBe('CRM_VALIDATION');
      const afterUpdate = await connector.fetchByIds(primary, [idOf(0), idOf(3)], { fields: harness.readFields });
      for (const [i, id] of [[0, idOf(0)], [3, idOf(3)]] as const) {
        for (const [field, value] of Object.entries(harness.validUpdate(i))) expect(String(afterUpdate.get(id)?.fields[field])).toBe(String(value));
      }

      const { externalIdField, externalId } = harness.upsert;
      const upserted = await connector.upsertMany(primary, [
        { externalId: externalId(0), fields: harness.validUpdate(0) }, { externalId: externalId(7), fields: harness.invalidUpdate() },
        { externalId: externalId(8), fields: harness.validRecord(8) },
      ], { externalIdField });
      expect(upserted.map((r) => r.ok)).toEqual([true, false, true]);
      expect(upserted[0]).toMatchObject({ ok: true, id: idOf(0), created: false });
      expect(upserted[2]).toMatchObject({ ok: true, created: true });
      expect(!upserted[1]!.ok && upserted[1]!.error.code).toBe('CRM_VALIDATION');

      const toDelete = [idOf(0), idOf(4)];
      const deleted = await connector.deleteMany(primary, toDelete);
      expect(deleted).toEqual([{ ok: true, id: toDelete[0] }, { ok: true, id: toDelete[1] }]);
      const remaining = await connector.fetchByIds(primary, [...toDelete, idOf(1)]);
      expect([...remaining.keys()]).toEqual([idOf(1)]);
    });
  });
}
