import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Connection } from 'jsforce';
import { generateDemoSeed } from '../../../sandboxes/demo/index.ts';
import type { SalesforceSandbox } from '../../../sandboxes/salesforce/index.ts';
import { start } from './helpers.ts';

// The shared demo data set must load as-is: its types fit `demoSeed` and every record passes seed validation.
const demo = generateDemoSeed();
let sb: SalesforceSandbox;
let conn: Connection;
beforeAll(async () => {
  ({ sb, conn } = await start({ demoSeed: demo.salesforce }));
});
afterAll(() => sb.close());

describe('the shared demo seed', () => {
  it('loads every record with ids preserved and is queryable', async () => {
    for (const type of ['Account', 'Contact', 'Opportunity', 'Lead'] as const) {
      expect(sb.store.count(type, { includeDeleted: true })).toBe(demo.salesforce[type]?.length ?? 0);
    }
    const first = demo.salesforce.Contact![0] as { Id: string };
    const res = await conn.query(`SELECT Id, Name, Account.Name, Owner.Name FROM Contact WHERE Id = '${first.Id}'`, { scanAll: true });
    expect(res.records.map((r) => r.Id)).toEqual([first.Id]);
    // Owners the seed references but does not list become placeholder users, so Owner.Name always resolves.
    expect(res.records[0]!.Owner).toMatchObject({ Name: expect.any(String) });
  });
});
