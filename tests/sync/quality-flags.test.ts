/**
 * Bad input is linked, stored and flagged, never dropped: a record whose email fails the email-syntax rule (the CRMs
 * accept it, our rule does not) and whose country is unknown is linked to a customer by the backfill and by change
 * capture, its golden snapshot keeps the raw values with their quality issues (`__quality`), and the issues are
 * visible through the gateway (golden provenance).
 */
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { linkAll } from '../../cli/link-on-start.ts';
import { goldenSnapshot } from '../../db/golden-store.ts';
import { recordLinks } from '../../db/schema.ts';
import { createLogger } from '../../lib/logger.ts';
import { DEFAULT_MAPPING_CONFIG } from '../../resolver-engine/index.ts';
import { pollOnce } from '../../sync/poller.ts';
import { QUALITY_KEY, qualityIssuesOf } from '../../sync/snapshot-quality.ts';
import { startWorld } from '../subgraphs/golden/support/world.ts';
import type { World } from '../subgraphs/golden/support/world.ts';

let world: World;

async function create(crm: 'salesforce' | 'hubspot', fields: Record<string, unknown>): Promise<string> {
  const [result] = await world.connectors.get(crm)!.createMany(crm === 'salesforce' ? 'Contact' : 'contacts', [{ fields }]);
  if (!result?.ok) throw new Error(`create: ${JSON.stringify(result)}`);
  return result.id!;
}

async function goldenOf(crm: string, recordId: string): Promise<string> {
  const [row] = await world.db.db.select({ goldenId: recordLinks.goldenId }).from(recordLinks).where(and(eq(recordLinks.crm, crm), eq(recordLinks.recordId, recordId)));
  expect(row).toBeDefined();
  return row!.goldenId;
}

interface Provenance { field: string; value: string | null; candidates: { value: string | null; issues: string[]; source: { recordId: string } }[] }
const QUERY = `query ($id: ID!) { customer(id: $id) { id email mailingCountry provenance(fields: ["email", "mailingCountry"]) { field value candidates { value issues source { recordId } } } } }`;

beforeAll(async () => {
  world = await startWorld(DEFAULT_MAPPING_CONFIG);
}, 120_000);
afterAll(async () => world?.close());

describe('bad input is kept and flagged', () => {
  it('backfill links and stores a record with a malformed email and an unknown country, flagged in the snapshot and the gateway', async () => {
    const id = await create('salesforce', { FirstName: 'Grace', LastName: 'Hopper', Email: 'grace,hopper@navy-yard.com', MailingCountry: 'Atlantis' });
    const report = await linkAll({ db: world.db.db, connectors: world.connectors, connectorIds: new Map(), getConfig: () => world.config(), logger: createLogger('test', 'silent') });
    expect(report.skippedRecords).toEqual([]);
    const goldenId = await goldenOf('salesforce', id);

    const snapshot = await goldenSnapshot(world.db.db, goldenId);
    expect(snapshot).toMatchObject({ email: 'grace,hopper@navy-yard.com', mailingCountry: 'Atlantis', firstName: 'Grace' });
    expect(qualityIssuesOf(snapshot).map((i) => [i.field, i.code, i.value, i.winner])).toEqual(expect.arrayContaining([
      ['email', 'INVALID_EMAIL', 'grace,hopper@navy-yard.com', true],
      ['mailingCountry', 'UNKNOWN_COUNTRY', 'Atlantis', true],
    ]));
    expect(qualityIssuesOf(snapshot).every((i) => i.source.recordId === id)).toBe(true);

    const res = await world.query<{ customer: { email: string; mailingCountry: string; provenance: Provenance[] } }>(QUERY, { id: goldenId });
    expect(res.errors).toBeUndefined();
    expect(res.data.customer).toMatchObject({ email: 'grace,hopper@navy-yard.com', mailingCountry: 'Atlantis' });
    const email = res.data.customer.provenance.find((p) => p.field === 'email')!;
    expect(email.candidates[0]!.issues).toEqual([expect.stringContaining('INVALID_EMAIL')]);
    const country = res.data.customer.provenance.find((p) => p.field === 'mailingCountry')!;
    expect(country.candidates[0]!.issues).toEqual([expect.stringContaining('UNKNOWN_COUNTRY')]);

    // The listing finds the customer by its stored (raw) email.
    const listed = await world.query<{ customers: { edges: { node: { id: string } }[] } }>('{ customers(filter: { email: "grace,hopper@navy-yard.com" }) { edges { node { id } } } }');
    expect(listed.data.customers.edges.map((e) => e.node.id)).toEqual([goldenId]);
  }, 60_000);

  it('change capture links and flags a new record the same way; fixing it at the source clears the flag', async () => {
    await pollOnce({ db: world.db.db, config: world.config(), connectors: world.connectors }); // cursors caught up
    const id = await create('hubspot', { firstname: 'Alan', lastname: 'Turing', email: 'alan,turing@bletchley-park.com' });
    await pollOnce({ db: world.db.db, config: world.config(), connectors: world.connectors });
    const goldenId = await goldenOf('hubspot', id);
    const snapshot = await goldenSnapshot(world.db.db, goldenId);
    expect(snapshot).toMatchObject({ email: 'alan,turing@bletchley-park.com', lastName: 'Turing' });
    expect(qualityIssuesOf(snapshot).map((i) => [i.field, i.code])).toEqual([['email', 'INVALID_EMAIL']]);

    const [fixed] = await world.connectors.get('hubspot')!.updateMany('contacts', [{ id, fields: { email: 'alan.turing@bletchley-park.com' } }]);
    expect(fixed!.ok).toBe(true);
    const report = await pollOnce({ db: world.db.db, config: world.config(), connectors: world.connectors });
    // Only the email changed for subscribers: the quality flag is not a golden field.
    expect(report.events).toBe(1);
    const after = await goldenSnapshot(world.db.db, goldenId);
    expect(after).toMatchObject({ email: 'alan.turing@bletchley-park.com' });
    expect(after).not.toHaveProperty(QUALITY_KEY);
  }, 60_000);
});
