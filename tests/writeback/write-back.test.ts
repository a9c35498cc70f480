/**
 * Issue 7 end to end on the demo: golden mutations through the gateway, the outbox, the write-back worker and the
 * real connectors against both CRM sandboxes (ledgers and call statistics read from their control planes).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { startTestApp } from '../support/test-app.ts';
import type { TestApp } from '../support/test-app.ts';
import { enqueueOutbox } from '../../db/outbox-store.ts';
import { writebackOutbox } from '../../db/schema.ts';
import { listDeadLetters, outboxRowsOf } from '../../db/writeback-store.ts';
import { newGoldenId } from '../../db/golden-ids.ts';

interface Source { crm: string; objectType: string; recordId: string }
interface Node { id: string; title: string | null; sources: Source[] }
interface LedgerEntry { seq: number; objectType: string; recordId: string; operation: string; fields: Record<string, unknown> }

const UPDATE = `mutation($id: ID!, $input: CustomerInput!, $cmid: String, $dry: Boolean) {
  updateCustomer(id: $id, input: $input, clientMutationId: $cmid, dryRun: $dry) {
    customer { id } enqueued clientMutationId
    plan { writes { crm objectType recordId field nativeField value current reason } skipped { crm field reason } }
  }
}`;

interface Payload { updateCustomer: { customer: { id: string }; enqueued: number; clientMutationId: string | null; plan: { writes: { crm: string; recordId: string; nativeField: string; value: string }[]; skipped: { crm: string; field: string; reason: string }[] } } }

describe('write-back of golden values to every CRM (demo)', () => {
  let t: TestApp;
  let customers: Node[];
  let both: Node;
  const ledger = async (base: string) => ((await (await fetch(`${base}/_sandbox/ledger`)).json()) as { entries: LedgerEntry[] }).entries;
  const stats = async (base: string) => ((await (await fetch(`${base}/_sandbox/stats`)).json()) as { total: number; routes: Record<string, number> }).routes;
  const calls = (routes: Record<string, number>, re: RegExp) => Object.entries(routes).filter(([k]) => re.test(k)).reduce((n, [, v]) => n + v, 0);
  const settled = async (goldenId: string, timeoutMs = 20_000) => {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const rows = await outboxRowsOf(t.app.database.db, [goldenId]);
      if (rows.every((r) => r.status === 'done' || r.status === 'dead' || r.status === 'stale')) return rows;
      if (Date.now() > until) throw new Error(`outbox not settled: ${JSON.stringify(rows.map((r) => [r.id, r.status, r.lastError]))}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };

  beforeAll(async () => {
    t = await startTestApp();
    const page = await t.gql<{ customers: { edges: { node: Node }[] } }>('{ customers(first: 500) { edges { node { id title sources { crm objectType recordId } } } } }');
    expect(page.errors).toBeUndefined();
    customers = page.data!.customers.edges.map((e) => e.node);
    both = customers.find((n) => n.sources.filter((s) => s.crm === 'salesforce').length === 1 && n.sources.filter((s) => s.crm === 'hubspot').length === 1)!;
    expect(both).toBeDefined();
  }, 240_000);
  afterAll(async () => t?.close());

  it('updateCustomer changes the value in both sandboxes, and the golden query then returns it', async () => {
    const title = 'Head of Write-back';
    const res = await t.gql<Payload>(UPDATE, { id: both.id, input: { title } });
    expect(res.errors).toBeUndefined();
    const p = res.data!.updateCustomer;
    expect(p.customer.id).toBe(both.id);
    expect(p.enqueued).toBe(2);
    expect(p.plan.writes.map((w) => `${w.crm}.${w.nativeField}`).sort()).toEqual(['hubspot.jobtitle', 'salesforce.Title']);
    await settled(both.id);
    const sfId = both.sources.find((s) => s.crm === 'salesforce')!.recordId;
    const hsId = both.sources.find((s) => s.crm === 'hubspot')!.recordId;
    expect((await ledger(t.salesforceUrl)).some((e) => e.recordId === sfId && e.fields.Title === title)).toBe(true);
    expect((await ledger(t.hubspotUrl)).some((e) => e.recordId === hsId && e.fields.jobtitle === title)).toBe(true);
    const after = await t.gql<{ customer: { title: string } }>('query($id: ID!) { customer(id: $id) { title } }', { id: both.id });
    expect(after.data!.customer.title).toBe(title);
    // Same value again: nothing to write, and the plan says why.
    const again = await t.gql<Payload>(UPDATE, { id: both.id, input: { title }, dry: true });
    expect(again.data!.updateCustomer.plan.writes).toEqual([]);
    expect(again.data!.updateCustomer.plan.skipped.some((s) => /already holds/.test(s.reason))).toBe(true);
  });

  it('a field written only where its mapping is writable: lifecycle stage goes to HubSpot only, and the plan says why', async () => {
    const res = await t.gql<Payload>(UPDATE, { id: both.id, input: { lifecycleStage: 'Customer', companyName: 'Plan Only Ltd' }, dry: true });
    expect(res.errors).toBeUndefined();
    const plan = res.data!.updateCustomer.plan;
    expect(res.data!.updateCustomer.enqueued).toBe(0);
    expect(plan.skipped).toEqual(expect.arrayContaining([
      expect.objectContaining({ crm: 'salesforce', field: 'lifecycleStage', reason: expect.stringMatching(/does not hold/) }),
      expect.objectContaining({ crm: 'salesforce', field: 'companyName', reason: expect.stringMatching(/not writable/) }),
    ]));
    expect(plan.writes.every((w) => w.crm === 'hubspot')).toBe(true);
  });

  it('answers BAD_USER_INPUT naming the field for a malformed email, and queues nothing', async () => {
    const before = (await outboxRowsOf(t.app.database.db, [both.id])).length;
    const res = await t.gql(UPDATE, { id: both.id, input: { email: 'not-an-email' } });
    expect(res.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(res.errors?.[0]?.extensions?.field).toBe('email');
    expect(res.errors?.[0]?.message).toMatch(/email/);
    expect((await outboxRowsOf(t.app.database.db, [both.id])).length).toBe(before);
  });

  it('a retried mutation with the same client mutation id enqueues nothing twice', async () => {
    const vars = { id: both.id, input: { title: 'Retry-safe Title' }, cmid: 'client-42' };
    const first = await t.gql<Payload>(UPDATE, vars);
    const before = (await outboxRowsOf(t.app.database.db, [both.id])).length;
    const second = await t.gql<Payload>(UPDATE, vars);
    expect(first.data!.updateCustomer.enqueued).toBe(2);
    expect(second.data!.updateCustomer.enqueued).toBe(0);
    expect(second.data!.updateCustomer.clientMutationId).toBe('client-42');
    expect((await outboxRowsOf(t.app.database.db, [both.id])).length).toBe(before);
    await settled(both.id);
  });

  it('a value the CRM rejects ends in dead letters with its message; the other CRM write succeeds', async () => {
    const target = customers.find((n) => n.id !== both.id && n.sources.some((s) => s.crm === 'salesforce') && n.sources.some((s) => s.crm === 'hubspot'))!;
    const hs = target.sources.find((s) => s.crm === 'hubspot')!;
    const sf = target.sources.find((s) => s.crm === 'salesforce')!;
    const links = await t.app.database.db.query.recordLinks.findMany({ where: (l, { eq: e }) => e(l.goldenId, target.id) });
    const connectorOf = (crm: string) => links.find((l) => l.crm === crm)!.connectorId;
    await enqueueOutbox(t.app.database.db, [
      { connectorId: connectorOf('hubspot'), objectType: hs.objectType, recordId: hs.recordId, goldenId: target.id, fields: { lifecyclestage: 'not-a-stage' }, idempotencyKey: `test-dead-hs-${target.id}` },
      { connectorId: connectorOf('salesforce'), objectType: sf.objectType, recordId: sf.recordId, goldenId: target.id, fields: { Title: 'Survives the neighbour' }, idempotencyKey: `test-dead-sf-${target.id}` },
    ]);
    const rows = await settled(target.id);
    expect(rows.map((r) => r.status).sort()).toEqual(['dead', 'done']);
    const dead = await listDeadLetters(t.app.database.db, { goldenId: target.id });
    expect(dead).toHaveLength(1);
    expect(dead[0]).toMatchObject({ connectorId: connectorOf('hubspot'), recordId: hs.recordId, code: 'CRM_VALIDATION' });
    expect(dead[0]!.reason).toMatch(/not-a-stage/);
    expect((await ledger(t.salesforceUrl)).some((e) => e.recordId === sf.recordId && e.fields.Title === 'Survives the neighbour')).toBe(true);
    expect((await ledger(t.hubspotUrl)).some((e) => e.recordId === hs.recordId && e.fields.lifecyclestage === 'not-a-stage')).toBe(false);

    // Shown on the customer, and replayed through the gateway: a new outbox row, refused again by the CRM.
    const STATUS = 'query($id: ID!) { writeBackStatus(id: $id) { failed done deadLetters { id code reason replayedAt } } }';
    type Status = { writeBackStatus: { failed: number; done: number; deadLetters: { id: string; code: string; reason: string; replayedAt: string | null }[] } };
    const shown = await t.gql<Status>(STATUS, { id: target.id });
    expect(shown.errors).toBeUndefined();
    expect(shown.data!.writeBackStatus).toMatchObject({ failed: 1, done: 1, deadLetters: [{ code: 'CRM_VALIDATION', replayedAt: null }] });
    const replay = await t.gql<{ replayDeadLetters: { replayed: { outboxId: string }[] } }>('mutation($ids: [ID!]) { replayDeadLetters(ids: $ids) { replayed { outboxId } } }', { ids: [String(dead[0]!.id)] });
    expect(replay.errors).toBeUndefined();
    expect(replay.data!.replayDeadLetters.replayed).toHaveLength(1);
    await settled(target.id);
    const after = await t.gql<Status>(STATUS, { id: target.id });
    expect(after.data!.writeBackStatus.failed).toBe(2);
    expect(after.data!.writeBackStatus.deadLetters).toHaveLength(2);
    expect(after.data!.writeBackStatus.deadLetters[0]!.replayedAt).not.toBeNull();
    expect(after.data!.writeBackStatus.deadLetters[1]!).toMatchObject({ code: 'CRM_VALIDATION', replayedAt: null });
    // A well-formed id that names no record is NOT_FOUND, not "nothing pending".
    const nobody = await t.gql<Status>(STATUS, { id: newGoldenId('Customer') });
    expect(nobody.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });

  it('optimistic concurrency: a value changed in the CRM after the plan is not overwritten, and the status says why', async () => {
    const target = customers.filter((n) => n.id !== both.id && n.sources.filter((s) => s.crm === 'salesforce').length === 1 && n.sources.filter((s) => s.crm === 'hubspot').length === 1)[3]!;
    const hsId = target.sources.find((s) => s.crm === 'hubspot')!.recordId;
    const sfId = target.sources.find((s) => s.crm === 'salesforce')!.recordId;
    const worker = t.app.writebackWorker;
    await worker.stop();
    try {
      const res = await t.gql<Payload>(UPDATE, { id: target.id, input: { title: 'Planned Title' } });
      expect(res.data!.updateCustomer.enqueued).toBe(2);
      // A person edits HubSpot between the plan and the delivery.
      const edit = await fetch(`${t.hubspotUrl}/crm/v3/objects/contacts/${hsId}`, { method: 'PATCH', headers: { 'content-type': 'application/json', authorization: 'Bearer sandbox-token' }, body: JSON.stringify({ properties: { jobtitle: 'Edited By A Person' } }) });
      expect(edit.status).toBe(200);
      const round = await worker.drain();
      expect(round.stale).toBe(1);
    } finally {
      worker.start();
    }
    const rows = await settled(target.id);
    expect(rows.map((r) => r.status).sort()).toEqual(['done', 'stale']);
    expect(rows.find((r) => r.status === 'stale')!.lastError).toMatch(/changed in the CRM since the plan: jobtitle .*Edited By A Person/);
    expect((await ledger(t.hubspotUrl)).some((e) => e.recordId === hsId && e.fields.jobtitle === 'Planned Title')).toBe(false);
    expect((await ledger(t.salesforceUrl)).some((e) => e.recordId === sfId && e.fields.Title === 'Planned Title')).toBe(true);
    // The CRM never receives the expectation itself.
    expect((await ledger(t.salesforceUrl)).some((e) => '$expected' in e.fields)).toBe(false);
    const status = await t.gql<{ writeBackStatus: { rows: { state: string; lastError: string | null }[] } }>('query($id: ID!) { writeBackStatus(id: $id) { rows { state lastError } } }', { id: target.id });
    expect(status.data!.writeBackStatus.rows.map((r) => r.state).sort()).toEqual(['DONE', 'SKIPPED']);
  });

  it('a burst of updates over every demo customer (~300) reach Salesforce in ceil(n/200) and HubSpot in ceil(n/100) batch calls', async () => {
    const worker = t.app.writebackWorker;
    await worker.stop(); // queue the whole burst first, so the count does not depend on when the worker polls
    try {
      // The demo holds about 280 golden customers (300 people; identity resolution leaves a few pairs to review):
      // every one of them, up to 300 — more than one batch in each CRM.
      const chosen = customers.slice(0, 300);
      expect(chosen.length).toBeGreaterThanOrEqual(250);
      await Promise.all([t.salesforceUrl, t.hubspotUrl].map((u) => fetch(`${u}/_sandbox/stats/reset`, { method: 'POST' })));
      const sfRecords = new Set<string>();
      const hsRecords = new Set<string>();
      for (let i = 0; i < chosen.length; i += 20) {
        await Promise.all(chosen.slice(i, i + 20).map(async (c, j) => {
          const res = await t.gql<Payload>(UPDATE, { id: c.id, input: { title: `Bulk Title ${i + j}` } });
          expect(res.errors).toBeUndefined();
          for (const w of res.data!.updateCustomer.plan.writes) (w.crm === 'salesforce' ? sfRecords : hsRecords).add(w.recordId);
        }));
      }
      const round = await worker.drain();
      expect(round.dead).toBe(0);
      const sfStats = await stats(t.salesforceUrl);
      const hsStats = await stats(t.hubspotUrl);
      expect(sfRecords.size).toBeGreaterThan(200);
      expect(hsRecords.size).toBeGreaterThan(100);
      expect(calls(sfStats, /^PATCH .*composite\/sobjects/)).toBe(Math.ceil(sfRecords.size / 200));
      expect(calls(hsStats, /^POST .*\/batch\/update/)).toBe(Math.ceil(hsRecords.size / 100));
      const done = await t.app.database.db.select().from(writebackOutbox).where(eq(writebackOutbox.status, 'pending'));
      expect(done).toHaveLength(0);
    } finally {
      worker.start();
    }
  }, 120_000);
});
