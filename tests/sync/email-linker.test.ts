/**
 * The email linker against the Salesforce and HubSpot sandboxes loaded with the demo data set, through the real
 * connectors: it links every configured object, is idempotent, reports progress, recomputes snapshots only when a
 * CRM changed, and leaves the snapshots of customers whose CRM failed alone.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, count, eq, sql } from 'drizzle-orm';
import { goldenRecords, recordLinks } from '../../db/schema.ts';
import { goldenSnapshot } from '../../db/golden-store.ts';
import { DEFAULT_MAPPING_CONFIG, normaliseEmail } from '../../resolver-engine/index.ts';
import { generateDemoSeed } from '../../sandboxes/demo/index.ts';
import type { LinkerProgress, LinkerReport } from '../../sync/email-linker.ts';
import { matchKeys } from '../../sync/match-keys.ts';
import { startWorld } from '../subgraphs/golden/support/world.ts';
import type { World } from '../subgraphs/golden/support/world.ts';

const seed = generateDemoSeed({ customers: 40 });
let world: World;
let first: LinkerReport;
const progress: LinkerProgress[] = [];

const totalRecords = seed.salesforce.Contact.length + seed.salesforce.Account.length + seed.salesforce.Opportunity.length
  + seed.hubspot.contacts.length + seed.hubspot.companies.length + seed.hubspot.deals.length;

/** Golden customers an email linker must produce: one per distinct normalised email, one per record without one. */
function expectedCustomers(): number {
  const emails = [...seed.salesforce.Contact.map((c) => c.Email), ...seed.hubspot.contacts.map((c) => c.properties.email)].map((e) => normaliseEmail(e));
  return new Set(emails.filter((e) => e !== null)).size + emails.filter((e) => e === null).length;
}

async function countGolden(type: string): Promise<number> {
  const [row] = await world.db.db.select({ n: count() }).from(goldenRecords).where(and(eq(goldenRecords.entityType, type), eq(goldenRecords.status, 'active')));
  return row!.n;
}

beforeAll(async () => {
  world = await startWorld(DEFAULT_MAPPING_CONFIG, { seed });
  first = await world.link((p) => progress.push(p));
}, 120_000);
afterAll(async () => world?.close());

describe('email linker', () => {
  it('links every record of every configured object, one customer per email', async () => {
    expect(first.failed).toEqual([]);
    expect(first.recordsRead).toBe(totalRecords);
    expect(first.linksCreated).toBe(totalRecords);
    expect(await countGolden('Customer')).toBe(expectedCustomers());
    expect(expectedCustomers()).toBeLessThan(seed.salesforce.Contact.length + seed.hubspot.contacts.length); // the CRMs overlap
    const [{ n } = { n: 0 }] = await world.db.db.select({ n: count() }).from(recordLinks);
    expect(n).toBe(totalRecords);
    // Customers present in both CRMs, with the same email in both.
    const both = await world.db.db.execute(sql`select golden_id from record_links where entity_type = 'Customer' group by golden_id having count(distinct crm) = 2`);
    expect((both as unknown as { rows?: unknown[] }).rows?.length ?? (both as unknown as unknown[]).length).toBeGreaterThan(5);
    expect(first.snapshotsWritten).toBe(first.goldenCreated);
  });

  it('reports progress per page of each object and once per type for snapshots', () => {
    const reading = progress.filter((p) => p.phase === 'reading');
    expect(new Set(reading.map((p) => `${p.goldenType}:${p.crm}/${p.objectType}`))).toEqual(new Set([
      'Customer:salesforce/Contact', 'Customer:hubspot/contacts', 'Company:salesforce/Account', 'Company:hubspot/companies',
      'Deal:salesforce/Opportunity', 'Deal:hubspot/deals',
    ]));
    // Targets of relations first (sync/relation-snapshot.ts linkOrder): a customer's snapshot sees its company.
    expect(progress.filter((p) => p.phase === 'snapshots').map((p) => p.goldenType)).toEqual(['Company', 'Customer', 'Deal']);
    const last = reading.filter((p) => p.crm === 'salesforce' && p.objectType === 'Contact').at(-1)!;
    expect(last.records).toBe(seed.salesforce.Contact.length);
  });

  it('stores a golden snapshot the identity filters search', async () => {
    const contact = seed.salesforce.Contact.find((c) => c.Email && c.FirstName)!;
    const r = await world.query<{ customers: { edges: { node: { id: string; email: string; sources: { crm: string; recordId: string }[] } }[] } }>(
      `{ customers(filter: { email: ${JSON.stringify(contact.Email!.trim())} }) { edges { node { id email sources { crm recordId } } } } }`);
    expect(r.errors).toBeUndefined();
    expect(r.data.customers.edges).toHaveLength(1);
    const node = r.data.customers.edges[0]!.node;
    expect(node.sources.map((s) => s.recordId)).toContain(contact.Id);
    expect(await goldenSnapshot(world.db.db, node.id)).toMatchObject({ email: node.email });
  });

  it('is idempotent: a second run creates nothing and rewrites no snapshot', async () => {
    const again = await world.link();
    expect(again).toMatchObject({ recordsRead: totalRecords, goldenCreated: 0, linksCreated: 0, snapshotsChanged: 0, failed: [] });
    expect(await countGolden('Customer')).toBe(expectedCustomers());
  });

  it('rewrites the snapshot of a customer whose record changed, and only that one', async () => {
    const contact = seed.salesforce.Contact.find((c) => c.Email)!;
    const [result] = await world.connectors.get('salesforce')!.updateMany('Contact', [{ id: contact.Id, fields: { Title: 'Chief Linking Officer' } }]);
    expect(result!.ok).toBe(true);
    const report = await world.link();
    expect(report).toMatchObject({ goldenCreated: 0, linksCreated: 0, snapshotsChanged: 1 });
  });

  it('a CRM that fails is reported, and customers linked to it keep their snapshot', async () => {
    const hubspotEmails = new Set(seed.hubspot.contacts.map((c) => normaliseEmail(c.properties.email)).filter((e) => e !== null));
    // A customer present in both CRMs: its snapshot depends on HubSpot too.
    const contact = seed.salesforce.Contact.find((c) => hubspotEmails.has(normaliseEmail(c.Email) ?? ''));
    await world.faults('hubspot', [{ kind: 'server-error', rate: 1 }]);
    try {
      expect(contact).toBeDefined();
      if (contact) await world.connectors.get('salesforce')!.updateMany('Contact', [{ id: contact.Id, fields: { Department: 'Changed while HubSpot is down' } }]);
      const report = await world.link();
      expect(report.failed.map((f) => `${f.crm}/${f.objectType}:${f.code}`)).toEqual(['hubspot/companies:CRM_UNAVAILABLE', 'hubspot/contacts:CRM_UNAVAILABLE', 'hubspot/deals:CRM_UNAVAILABLE']);
      expect(report.goldenCreated).toBe(0);
      expect(report.snapshotsChanged).toBe(0);
    } finally {
      await world.faults('hubspot', []);
    }
    const recovered = await world.link();
    expect(recovered.failed).toEqual([]);
    expect(recovered.snapshotsChanged).toBe(1); // the change made while HubSpot was down
  });
});

describe('match keys', () => {
  it('match customers by normalised email, companies by domain or name, deals by name and company', () => {
    expect(matchKeys('Customer', { email: ' Ada.Lovelace+crm@GMail.com ' })).toEqual({ key: 'email:adalovelace@gmail.com' });
    expect(matchKeys('Customer', { email: 'not an email' })).toEqual({ key: null });
    // A domain decides; the name is kept beside it for records that know only a name, which look it up.
    expect(matchKeys('Company', { domain: 'Acme.com', name: 'Acme' })).toEqual({ key: 'domain:acme.com', altKey: 'name:acme', bareLookup: { key: 'name:acme', unlessPrefix: 'domain:' } });
    expect(matchKeys('Company', { domain: 'Acme.com', name: null })).toEqual({ key: 'domain:acme.com' });
    expect(matchKeys('Company', { domain: null, name: 'The Acme Corp.' })).toEqual({ key: 'name:acme', altLookup: 'name:acme' });
    expect(matchKeys('Deal', { name: 'Group licence', companyName: 'Acme, Inc.' })).toEqual({ key: 'deal:group licence|acme' });
    expect(matchKeys('Deal', { name: 'Group licence' })).toEqual({ key: 'deal:group licence|', uniquePrefix: 'deal:group licence|' });
  });
});
