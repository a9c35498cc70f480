/**
 * The Salesforce change feed (queryAll on SystemModstamp, Id) against the sandbox: deletions come through as
 * deletions, thousands of records sharing one SystemModstamp across page boundaries are neither skipped nor
 * repeated, and a consumer that stops after every batch still makes progress.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { ChangeBatch, ChangeCursor } from '../../../connectors/contract/index.ts';
import type { SalesforceSandbox } from '../../../sandboxes/salesforce/index.ts';
import { QUERY_ALL_ROUTE, collect, connectorFor, contacts, failureOf, resetStats, startSandbox, stats } from './helpers.ts';

let sb: SalesforceSandbox | undefined;
afterEach(async () => {
  await sb?.close();
  sb = undefined;
});

const STAMP = '2024-05-01T12:00:00.000+0000';
const ids = (batches: ChangeBatch[]) => batches.flatMap((b) => b.records.map((r) => r.id));
const deletedIds = (batches: ChangeBatch[]) => batches.flatMap((b) => b.deletions.map((d) => d.id));

describe('Salesforce connector: readChanges', () => {
  it('2,600 records sharing one SystemModstamp cross page boundaries without a skip or a repeat; deletions are deletions', async () => {
    sb = await startSandbox({
      demoSeed: {
        Contact: [
          ...contacts(50, { prefix: 'Early', stamp: '2024-04-30T08:00:00.000+0000' }),
          ...contacts(2_600, { prefix: 'Same', stamp: STAMP, deletedEvery: 100 }),
          ...contacts(30, { prefix: 'Late', stamp: '2024-05-02T09:30:00.000+0000' }),
        ],
      },
    });
    const connector = connectorFor(sb);
    await resetStats(sb);
    const batches = await collect(connector.readChanges('Contact', null, { fields: ['LastName'] }));
    expect(batches.map((b) => b.records.length + b.deletions.length)).toEqual([2000, 680]);
    expect((await stats(sb)).routes[QUERY_ALL_ROUTE]).toBe(1);
    const seen = ids(batches);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toHaveLength(2_680 - 26);
    expect(new Set(deletedIds(batches))).toEqual(new Set(sb.store.all('Contact', { includeDeleted: true }).filter((r) => r.IsDeleted).map((r) => r.Id)));
    expect(batches[0]!.deletions[0]).toMatchObject({ deletedAt: STAMP });
    // Oldest first, in (SystemModstamp, Id) order.
    const all = batches.flatMap((b) => b.records);
    expect(all[0]!.fields.LastName).toMatch(/^Early/);
    expect(all.at(-1)!.fields.LastName).toMatch(/^Late/);
    // The first page ends inside the group of 2,600: the cursor names the stamp and the last id delivered.
    expect(batches[0]!.cursor).toMatchObject({ since: STAMP });
    expect(batches[1]!.cursor).toMatchObject({ since: '2024-05-02T09:30:00.000+0000' });
    expect(batches[1]!.cursor).not.toHaveProperty('scan');

    // Resuming exactly (no overlap) from the mid-group cursor gives exactly the rest.
    const rest = await collect(connector.readChanges('Contact', batches[0]!.cursor, { fields: ['LastName'], overlapMs: 0 }));
    expect([...ids(rest), ...deletedIds(rest)].sort()).toEqual([...ids([batches[1]!]), ...deletedIds([batches[1]!])].sort());
    // Caught up: nothing after the last cursor.
    expect(await collect(connector.readChanges('Contact', batches[1]!.cursor, { overlapMs: 0 }))).toEqual([]);
  });

  it('a consumer that stops after each batch makes progress through an overlap holding more rows than a page', async () => {
    sb = await startSandbox({ demoSeed: { Contact: contacts(900, { stamp: STAMP }) } });
    const connector = connectorFor(sb);
    let cursor: ChangeCursor | null = null;
    const delivered: string[] = [];
    const positions: string[] = [];
    let runs = 0;
    for (; runs < 50; runs++) {
      // One batch per run, with the default overlap (60 s) re-reading the group of 900 at each resume.
      const gen = connector.readChanges('Contact', cursor, { fields: ['LastName'], pageSize: 200 });
      const step = await gen.next();
      await gen.return(undefined);
      if (step.done) break;
      delivered.push(...step.value.records.map((r) => r.id));
      cursor = step.value.cursor;
      const c = cursor as { lastId: string; scan?: { lastId: string } };
      // All rows share one stamp, so (resume id, scan id or '' before the re-read starts) orders the progress.
      positions.push(`${c.lastId}|${c.scan?.lastId ?? ''}`);
    }
    expect(runs).toBe(20); // 5 pages of new rows plus the re-reads of the overlap, then the run that finds nothing
    expect(new Set(delivered).size).toBe(900);
    // Every run moved the cursor strictly forward: no run repeated the previous one.
    for (let i = 1; i < positions.length; i++) expect(positions[i]! > positions[i - 1]!).toBe(true);
  });

  it('picks up creates, updates and deletes made through the API after a cursor, overlap duplicates only', async () => {
    sb = await startSandbox({ demoSeed: { Contact: contacts(5, { stamp: STAMP }) } });
    const connector = connectorFor(sb);
    const first = await collect(connector.readChanges('Contact', null, { fields: ['LastName', 'Title'] }));
    const cursor = first.at(-1)!.cursor;
    const [a, b] = sb.store.all('Contact').map((r) => r.Id);
    const created = await connector.createMany('Contact', [{ fields: { LastName: 'New one' } }]);
    await connector.updateMany('Contact', [{ id: a!, fields: { Title: 'Changed' } }]);
    await connector.deleteMany('Contact', [b!]);
    const exact = await collect(connector.readChanges('Contact', cursor, { fields: ['LastName', 'Title'], overlapMs: 0 }));
    const records = exact.flatMap((batch) => batch.records);
    expect(records.map((r) => r.id).sort()).toEqual([a!, (created[0] as { id: string }).id].sort());
    expect(records.find((r) => r.id === a)!.fields.Title).toBe('Changed');
    expect(deletedIds(exact)).toEqual([b]);
    expect(exact.flatMap((batch) => batch.deletions)[0]!.deletedAt).toMatch(/^\d{4}-/);
    // With the default overlap the untouched rows stamped at the cursor come again, and nothing else does.
    const overlapped = await collect(connector.readChanges('Contact', cursor, { fields: ['LastName', 'Title'] }));
    const extra = overlapped.flatMap((batch) => batch.records).filter((r) => !records.some((x) => x.id === r.id));
    expect(extra).toHaveLength(3);
    for (const r of extra) expect(r.modifiedAt).toBe(STAMP);
  });

  it('refuses a cursor it did not make', async () => {
    sb = await startSandbox();
    const connector = connectorFor(sb);
    const err = await failureOf(collect(connector.readChanges('Contact', { after: 'x' } as ChangeCursor)));
    expect(err).toMatchObject({ code: 'CRM_VALIDATION', crm: 'salesforce' });
  });
});
