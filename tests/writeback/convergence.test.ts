/**
 * Convergence end to end on the demo (issue 7): the golden `title` is source-priority [salesforce, hubspot]. A person
 * edits a HubSpot contact's job title, so HubSpot holds a loser. Change capture (poll + webhook inbox) then, by the
 * field's convergence mode: on → queues Salesforce's winner for that HubSpot record, the worker writes it (read back
 * from the sandbox and its ledger), and further capture passes — including the echo of our write — queue nothing;
 * plan → queues nothing, `writeBackPlan` lists the correction saying so; off → neither.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { auditLog, webhookInbox } from '../../db/schema.ts';
import { outboxDepth, outboxRowsOf } from '../../db/writeback-store.ts';
import { DEFAULT_MAPPING_CONFIG_INPUT } from '../../resolver-engine/index.ts';
import type { ConvergenceMode, MappingConfigInput } from '../../resolver-engine/index.ts';
import { startTestApp } from '../support/test-app.ts';
import type { TestApp } from '../support/test-app.ts';

interface Node { id: string; title: string | null; mailingStreet: string | null; salesforceContacts: { Id: string; Title: string | null; MailingStreet: string | null; LastName: string | null }[]; hubspotContacts: { id: string; jobtitle: string | null; address: string | null; lastname: string | null }[] }
interface LedgerEntry { recordId: string; operation: string; fields: Record<string, unknown> }
interface Plan { writeBackPlan: { writes: { crm: string; recordId: string; field: string; nativeField: string; value: string; current: string; reason: string }[]; skipped: { crm: string; field: string; reason: string }[] } }

const PLAN = 'query($id: ID!) { writeBackPlan(id: $id) { writes { crm recordId field nativeField value current reason } skipped { crm field reason } } }';

describe('convergence of a losing CRM value (demo)', () => {
  let t: TestApp;
  let picks: Node[];
  const hs = (n: Node) => n.hubspotContacts[0]!.id;

  let disagreeing: Node;
  const setTitleMode = async (mode: ConvergenceMode, others: Record<string, ConvergenceMode> = {}) => {
    const doc = structuredClone(DEFAULT_MAPPING_CONFIG_INPUT) as MappingConfigInput;
    for (const [field, m] of Object.entries({ title: mode, ...others })) (doc.types.Customer!.fields[field] as { convergence?: ConvergenceMode }).convergence = m;
    // Through the mappings subgraph, as an integration admin would; the document read back carries the mode.
    const saved = await t.gql('mutation($d: String!, $c: String) { saveMappingConfiguration(document: $d, comment: $c) { version } }', { d: JSON.stringify(doc), c: `title convergence ${mode}` });
    expect(saved.errors).toBeUndefined();
    const read = await t.gql<{ mappingConfiguration: { document: string } }>('{ mappingConfiguration { document } }');
    expect(JSON.parse(read.data!.mappingConfiguration.document).types.Customer.fields.title.convergence).toBe(mode);
    expect(t.app.mappingConfig().types.Customer!.fields.title!.convergence).toBe(mode);
  };
  /** A person edits the HubSpot contact (through HubSpot's own API; the sandbox then sends its webhook). */
  const editHubSpot = async (id: string, jobtitle: string) => {
    const res = await fetch(`${t.hubspotUrl}/crm/v3/objects/contacts/${id}`, { method: 'PATCH', headers: { 'content-type': 'application/json', authorization: 'Bearer sandbox-token' }, body: JSON.stringify({ properties: { jobtitle } }) });
    expect(res.status).toBe(200);
  };
  const readHubSpot = async (id: string) => {
    const res = await fetch(`${t.hubspotUrl}/crm/v3/objects/contacts/${id}?properties=jobtitle`, { headers: { authorization: 'Bearer sandbox-token' } });
    return ((await res.json()) as { properties: { jobtitle: string | null } }).properties.jobtitle;
  };
  const processedWebhooks = async (recordId: string) => (await t.app.database.db.select().from(webhookInbox).where(eq(webhookInbox.connectorId, 'hubspot-demo')))
    .filter((r) => (r.payload as { recordId?: string }).recordId === recordId && r.processedAt !== null).length;
  /** One change-capture pass: the webhook of the last edit applied (when `webhooksAbove` is given), then a poll round. */
  const capture = async (recordId: string, webhooksAbove?: number) => {
    if (webhooksAbove !== undefined) {
      for (const until = Date.now() + 15_000; (await processedWebhooks(recordId)) <= webhooksAbove;) {
        if (Date.now() > until) throw new Error(`the HubSpot webhook for ${recordId} was not applied`);
        await t.app.sync.inbox.drain();
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    const report = await t.app.sync.poller!.pollNow();
    await t.app.sync.inbox.drain();
    return report;
  };

  beforeAll(async () => {
    t = await startTestApp({ env: { CUSTOMER_GRAPH_POLL_INTERVAL_MS: '600000' } });
    t.app.sync.poller!.pause();
    // The first round reads everything from no cursor, under the default mode (plan): done before the tests.
    await t.app.sync.poller!.pollNow();
    await t.app.sync.inbox.drain();
    expect(await outboxDepth(t.app.database.db)).toEqual({});
    const page = await t.gql<{ customers: { edges: { node: Node }[] } }>('{ customers(first: 500) { edges { node { id title mailingStreet salesforceContacts { Id Title MailingStreet LastName } hubspotContacts { id jobtitle address lastname } } } } }');
    expect(page.errors).toBeUndefined();
    // One contact in each CRM, and a Salesforce title to win.
    const pairs = page.data!.customers.edges.map((e) => e.node).filter((n) => n.salesforceContacts.length === 1 && n.hubspotContacts.length === 1);
    picks = pairs.filter((n) => n.salesforceContacts[0]!.Title).slice(0, 3);
    expect(picks).toHaveLength(3);
    // The demo's CRMs disagree on last-write-wins fields such as the street: one where Salesforce, edited last, wins.
    disagreeing = pairs.find((n) => !picks.includes(n) && n.salesforceContacts[0]!.Title && n.hubspotContacts[0]!.address && n.mailingStreet === n.salesforceContacts[0]!.MailingStreet && n.mailingStreet !== n.hubspotContacts[0]!.address)!;
    expect(disagreeing).toBeDefined();
  }, 240_000);
  afterAll(async () => t?.close());

  it('on: the HubSpot record holding the loser gets the winner, and capture then settles (the echo queues nothing)', async () => {
    await setTitleMode('on');
    const customer = picks[0]!;
    const winner = customer.salesforceContacts[0]!.Title!;
    const worker = t.app.writebackWorker;
    await worker.stop(); // to see the queued row before it is delivered
    try {
      const seen = await processedWebhooks(hs(customer));
      await editHubSpot(hs(customer), 'Convergence Loser');
      await capture(hs(customer), seen);
      const queued = await outboxRowsOf(t.app.database.db, [customer.id]);
      expect(queued.map((r) => ({ recordId: r.recordId, objectType: r.objectType, status: r.status, fields: r.fields }))).toEqual([
        { recordId: hs(customer), objectType: 'contacts', status: 'pending', fields: { jobtitle: winner, $expected: { jobtitle: 'Convergence Loser' } } },
      ]);
      // The same change captured again (the poll reads it once more): nothing new.
      await capture(hs(customer));
      expect(await outboxRowsOf(t.app.database.db, [customer.id])).toHaveLength(1);
      const round = await worker.drain();
      expect(round).toMatchObject({ done: 1, dead: 0, stale: 0 });
    } finally {
      worker.start();
    }
    expect(await readHubSpot(hs(customer))).toBe(winner);
    const ledger = ((await (await fetch(`${t.hubspotUrl}/_sandbox/ledger`)).json()) as { entries: LedgerEntry[] }).entries;
    expect(ledger.filter((e) => e.recordId === hs(customer) && e.fields.jobtitle === winner)).toHaveLength(1);
    expect(ledger.some((e) => '$expected' in e.fields)).toBe(false);
    // The echo of our write (webhook) and another poll round: settled, nothing queued, no write to Salesforce.
    const seen = await processedWebhooks(hs(customer));
    const report = await capture(hs(customer), seen);
    expect(report).toBeDefined();
    const rows = await outboxRowsOf(t.app.database.db, [customer.id]);
    expect(rows.map((r) => r.status)).toEqual(['done']);
    const plan = await t.gql<Plan>(PLAN, { id: customer.id });
    expect(plan.data!.writeBackPlan.writes.filter((w) => w.field === 'title')).toEqual([]);
    const audit = await t.app.database.db.select().from(auditLog).where(and(eq(auditLog.action, 'convergeCustomer'), eq(auditLog.entityId, customer.id)));
    expect(audit).toHaveLength(1);
    expect(audit[0]!.detail).toMatchObject({ outboxIds: [rows[0]!.id], writes: [{ crm: 'hubspot', field: 'title', nativeField: 'jobtitle', value: winner, current: 'Convergence Loser' }] });
  }, 90_000);

  it('plan: nothing is queued, and writeBackPlan lists the correction saying convergence mode plan', async () => {
    await setTitleMode('plan');
    const customer = picks[1]!;
    const seen = await processedWebhooks(hs(customer));
    await editHubSpot(hs(customer), 'Planned Loser');
    await capture(hs(customer), seen);
    expect(await outboxRowsOf(t.app.database.db, [customer.id])).toEqual([]);
    expect(await readHubSpot(hs(customer))).toBe('Planned Loser');
    const plan = await t.gql<Plan>(PLAN, { id: customer.id });
    expect(plan.errors).toBeUndefined();
    const writes = plan.data!.writeBackPlan.writes.filter((w) => w.field === 'title');
    expect(writes).toEqual([expect.objectContaining({ crm: 'hubspot', recordId: hs(customer), nativeField: 'jobtitle', value: JSON.stringify(customer.salesforceContacts[0]!.Title), current: JSON.stringify('Planned Loser') })]);
    expect(writes[0]!.reason).toMatch(/convergence mode plan/);
  }, 90_000);

  it('refuses an unknown mode through the mappings subgraph, naming the field, and keeps the running configuration', async () => {
    const doc = structuredClone(DEFAULT_MAPPING_CONFIG_INPUT) as MappingConfigInput;
    (doc.types.Customer!.fields.title as { convergence?: string }).convergence = 'always';
    const res = await t.gql('mutation($d: String!) { saveMappingConfiguration(document: $d) { version } }', { d: JSON.stringify(doc) });
    expect(res.errors?.[0]?.extensions?.code).toBe('MAPPING_INVALID');
    expect(res.errors?.[0]?.message).toMatch(/types\.Customer\.fields\.title\.convergence: must be one of off, plan, on/);
    expect(t.app.mappingConfig().types.Customer!.fields.title!.convergence).toBe('plan');
  });

  it('off: neither queued nor planned; an explicit updateCustomer still follows writable', async () => {
    await setTitleMode('off');
    const customer = picks[2]!;
    const seen = await processedWebhooks(hs(customer));
    await editHubSpot(hs(customer), 'Ignored Loser');
    await capture(hs(customer), seen);
    expect(await outboxRowsOf(t.app.database.db, [customer.id])).toEqual([]);
    const plan = await t.gql<Plan>(PLAN, { id: customer.id });
    expect(plan.data!.writeBackPlan.writes.filter((w) => w.field === 'title')).toEqual([]);
    expect(plan.data!.writeBackPlan.skipped.filter((s) => s.field === 'title').map((s) => s.reason)).toEqual([
      'convergence is off for title: neither planned nor written back automatically',
      'convergence is off for title: neither planned nor written back automatically',
    ]);
    const dry = await t.gql<{ updateCustomer: { plan: { writes: { crm: string }[] } } }>('mutation($id: ID!) { updateCustomer(id: $id, input: { title: "Chosen By A Person" }, dryRun: true) { plan { writes { crm } } } }', { id: customer.id });
    expect(dry.errors).toBeUndefined();
    expect(dry.data!.updateCustomer.plan.writes.map((w) => w.crm).sort()).toEqual(['hubspot', 'salesforce']);
  }, 90_000);

  it('never ping-pongs: the echo of our own write queues nothing, even for a loser its record already held', async () => {
    const customer = disagreeing;
    // HubSpot comes to hold a losing title while title is only planned: nothing queued.
    await setTitleMode('plan');
    const edited = await processedWebhooks(hs(customer));
    await editHubSpot(hs(customer), 'Loser Before The Echo');
    await capture(hs(customer), edited);
    expect(await outboxRowsOf(t.app.database.db, [customer.id])).toEqual([]);
    // Title and street now converge automatically; Salesforce holds the street's winner (newest), HubSpot another.
    await setTitleMode('on', { mailingStreet: 'on' });
    const before = (await t.gql<{ customer: { mailingStreet: string } }>('query($id: ID!) { customer(id: $id) { mailingStreet } }', { id: customer.id })).data!.customer.mailingStreet;
    expect(before).toBe(customer.salesforceContacts[0]!.MailingStreet);
    const seen = await processedWebhooks(hs(customer));
    // A person's mutation of a HubSpot-only field: one row, written by the worker; HubSpot reports it back.
    const res = await t.gql<{ updateCustomer: { enqueued: number } }>('mutation($id: ID!) { updateCustomer(id: $id, input: { lifecycleStage: "Evangelist" }) { enqueued } }', { id: customer.id });
    expect(res.data!.updateCustomer.enqueued).toBe(1);
    for (const until = Date.now() + 20_000; ;) {
      const rows = await outboxRowsOf(t.app.database.db, [customer.id]);
      if (rows.every((r) => r.status === 'done')) break;
      if (Date.now() > until) throw new Error(`outbox not settled: ${JSON.stringify(rows.map((r) => [r.status, r.lastError]))}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    await capture(hs(customer), seen);
    await capture(hs(customer));
    // The echo is no new change: the loser HubSpot already held is left for the next genuine change (or a person),
    // and HubSpot, now the newest source, does not win the street (which would push its old street to Salesforce).
    expect((await outboxRowsOf(t.app.database.db, [customer.id])).map((r) => Object.keys(r.fields).filter((k) => k !== '$expected'))).toEqual([['lifecyclestage']]);
    const audit = await t.app.database.db.select().from(auditLog).where(and(eq(auditLog.action, 'convergeCustomer'), eq(auditLog.entityId, customer.id)));
    expect(audit).toEqual([]);
    const after = (await t.gql<{ customer: { mailingStreet: string; lifecycleStage: string } }>('query($id: ID!) { customer(id: $id) { mailingStreet lifecycleStage } }', { id: customer.id })).data!.customer;
    expect(after).toEqual({ mailingStreet: before, lifecycleStage: 'Evangelist' });
    expect(await readHubSpot(hs(customer))).toBe('Loser Before The Echo');
  }, 90_000);
});
