/**
 * A person synced before the company she points to: her snapshot's `company` is null while the company is not
 * linked, and becomes the golden company as soon as change capture links it, with a `customerChanged` event for
 * `company` and the companyId filter finding her. Real HubSpot sandbox and connector, the change applier on the
 * test database (PGlite or Postgres).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WriteResult } from '../../connectors/contract/index.ts';
import { goldenSnapshot } from '../../db/golden-store.ts';
import { linkedGoldenIds } from '../../db/link-store.ts';
import { DEFAULT_MAPPING_CONFIG, parseMappingConfig } from '../../resolver-engine/index.ts';
import { applyChanges } from '../../sync/change-applier.ts';
import type { ChangeApplierContext } from '../../sync/change-applier.ts';
import { startWorld } from '../subgraphs/golden/support/world.ts';
import type { World } from '../subgraphs/golden/support/world.ts';

let world: World;
const ok = (results: WriteResult[]): string => {
  const [r] = results;
  if (!r?.ok) throw new Error(`write refused: ${r && !r.ok ? r.error.message : 'no result'}`);
  return r.id;
};

beforeAll(async () => {
  world = await startWorld(parseMappingConfig(DEFAULT_MAPPING_CONFIG));
}, 120_000);
afterAll(async () => world?.close());

describe('a relation target linked after the records pointing to it', () => {
  it('recomputes the waiting snapshots when the target is linked: company set, event published, filter finds her', async () => {
    const hs = world.connectors.get('hubspot')!;
    const ctx = (): ChangeApplierContext => ({ db: world.db.db, config: world.config(), connectors: world.connectors });
    const companyId = ok(await hs.createMany('companies', [{ fields: { name: 'Late Looms', domain: 'late-looms.test' } }]));
    const contactId = ok(await hs.createMany('contacts', [{ fields: { email: 'grace@late-looms.test', firstname: 'Grace', lastname: 'Hopper', associatedcompanyid: companyId } }]));
    const read = async (objectType: string, id: string) => (await hs.fetchByIds(objectType, [id])).get(id)!;

    // The contact arrives first: linked, her company not yet known.
    const first = await applyChanges(ctx(), [{ crm: 'hubspot', objectType: 'contacts', records: [await read('contacts', contactId)], deletions: [] }]);
    expect(first.linksCreated).toBe(1);
    const grace = (await linkedGoldenIds(world.db.db, 'hubspot', 'contacts', [contactId])).get(contactId)!;
    expect((await goldenSnapshot(world.db.db, grace))!.company).toBeNull();

    // Then the company: linked, and her snapshot follows in the same transaction.
    const second = await applyChanges(ctx(), [{ crm: 'hubspot', objectType: 'companies', records: [await read('companies', companyId)], deletions: [] }]);
    const company = (await linkedGoldenIds(world.db.db, 'hubspot', 'companies', [companyId])).get(companyId)!;
    expect(company).toMatch(/^com_/);
    expect((await goldenSnapshot(world.db.db, grace))!.company).toBe(company);
    // The event carries her snapshot's new version (golden_records.snapshot_version: linked, then this change).
    expect(second.events).toEqual([{ customerId: grace, changedFields: ['company'], version: 2 }]);
    const found = await world.query<{ customers: { edges: { node: { email: string } }[] } }>(`{ customers(first: 5, filter: { companyId: "${company}" }) { edges { node { email } } } }`);
    expect(found.data.customers.edges.map((e) => e.node.email)).toEqual(['grace@late-looms.test']);

    // Reading the company again changes nothing: she is recomputed only while she waits for it.
    const third = await applyChanges(ctx(), [{ crm: 'hubspot', objectType: 'companies', records: [await read('companies', companyId)], deletions: [] }]);
    expect(third.events).toEqual([]);
  }, 60_000);
});
