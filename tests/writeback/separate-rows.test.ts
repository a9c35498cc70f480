/**
 * A coalesced update the CRM refuses for good is sent again row by row (sync/writeback/separate-rows.ts), against the
 * demo HubSpot sandbox: of the rows of one contact, the one setting a valid field reaches the CRM and is done, and
 * only the rows setting an invalid option or an unknown property are dead letters, each with its own error. The
 * retries go in waves (the k-th row of every refused record in one batch), and a record that was not refused is
 * written once as before.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq, inArray } from 'drizzle-orm';
import type { Connector } from '../../connectors/contract/index.ts';
import { enqueueOutbox } from '../../db/outbox-store.ts';
import { listDeadLetters } from '../../db/writeback-store.ts';
import { recordLinks, writebackOutbox } from '../../db/schema.ts';
import { WriteBackWorker } from '../../sync/writeback/worker.ts';
import { startTestApp } from '../support/test-app.ts';
import type { TestApp } from '../support/test-app.ts';

interface LedgerEntry { recordId: string; operation: string; fields: Record<string, unknown> }

describe('a refused coalesced update is retried row by row', () => {
  let t: TestApp;
  let connectors: Map<string, Connector>;
  const ledger = async () => ((await (await fetch(`${t.hubspotUrl}/_sandbox/ledger`)).json()) as { entries: LedgerEntry[] }).entries;

  beforeAll(async () => {
    t = await startTestApp();
    await t.app.writebackWorker.stop();
    const links = await t.app.database.db.select().from(recordLinks).where(eq(recordLinks.entityType, 'Customer'));
    connectors = new Map(links.map((l) => [l.connectorId, t.app.connectors.get(l.crm)!]));
  }, 240_000);
  afterAll(async () => t?.close());

  it('dead-letters only the rows the CRM refuses, each with its own error; the valid rows reach the CRM', async () => {
    const db = t.app.database.db;
    const contacts = await db.select().from(recordLinks).where(and(eq(recordLinks.crm, 'hubspot'), eq(recordLinks.objectType, 'contacts'), eq(recordLinks.status, 'active'))).limit(3);
    expect(contacts).toHaveLength(3);
    const [a, c, b] = contacts as [typeof contacts[number], typeof contacts[number], typeof contacts[number]];
    const row = (link: typeof a, fields: Record<string, unknown>, key: string) =>
      ({ connectorId: link.connectorId, objectType: 'contacts', recordId: link.recordId, goldenId: link.goldenId, fields, idempotencyKey: `separate-${key}` });
    // One enqueue per row: outbox order is the order below.
    const queued = [
      row(a, { jobtitle: 'Valid title A' }, 'a1'),
      row(a, { lifecyclestage: 'not-a-stage' }, 'a2'),
      row(a, { no_such_property_xyz: 'x' }, 'a3'),
      row(c, { lifecyclestage: 'also-not-a-stage' }, 'c1'),
      row(c, { jobtitle: 'Valid title C' }, 'c2'),
      row(b, { jobtitle: 'Valid title B' }, 'b1'),
    ];
    for (const q of queued) await enqueueOutbox(db, [q]);
    await fetch(`${t.hubspotUrl}/_sandbox/ledger`, { method: 'DELETE' });

    const total = await new WriteBackWorker({ db, connectors }).drain();
    // The coalesced batch, then three waves: (a1, c1), (a2, c2), (a3).
    expect(total).toMatchObject({ claimed: 6, done: 3, dead: 3, retried: 0, lost: 0, calls: 4 });

    const rows = await db.select().from(writebackOutbox).where(inArray(writebackOutbox.idempotencyKey, queued.map((q) => q.idempotencyKey)));
    const statusOf = Object.fromEntries(rows.map((r) => [r.idempotencyKey.replace('separate-', ''), r.status]));
    expect(statusOf).toEqual({ a1: 'done', a2: 'dead', a3: 'dead', c1: 'dead', c2: 'done', b1: 'done' });

    const letters = (await listDeadLetters(db)).filter((d) => [a.recordId, c.recordId].includes(d.recordId ?? ''));
    const reasonOf = (id: number) => letters.find((l) => l.outboxId === id)?.reason ?? '';
    const idOf = (key: string) => rows.find((r) => r.idempotencyKey === `separate-${key}`)!.id;
    expect(letters).toHaveLength(3);
    expect(reasonOf(idOf('a2'))).toMatch(/not-a-stage/);
    expect(reasonOf(idOf('a2'))).not.toMatch(/no_such_property_xyz/);
    expect(reasonOf(idOf('a3'))).toMatch(/no_such_property_xyz/);
    expect(reasonOf(idOf('a3'))).not.toMatch(/not-a-stage/);
    expect(reasonOf(idOf('c1'))).toMatch(/also-not-a-stage/);

    const written = await ledger();
    const titles = (recordId: string) => written.filter((e) => e.recordId === recordId && 'jobtitle' in e.fields).map((e) => e.fields.jobtitle);
    expect(titles(a.recordId)).toEqual(['Valid title A']);
    expect(titles(c.recordId)).toEqual(['Valid title C']);
    expect(titles(b.recordId)).toEqual(['Valid title B']);
    expect(written.some((e) => typeof e.fields.lifecyclestage === 'string' && e.fields.lifecyclestage.includes('not-a-stage'))).toBe(false);
    const stored = await connectors.get(a.connectorId)!.fetchByIds('contacts', [a.recordId, c.recordId], { fields: ['jobtitle'] });
    expect(stored.get(a.recordId)?.fields.jobtitle).toBe('Valid title A');
    expect(stored.get(c.recordId)?.fields.jobtitle).toBe('Valid title C');
  }, 60_000);
});
