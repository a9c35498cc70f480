/**
 * The backfill bench with Dynamics 365 (bench/backfill/dynamics-seed.ts, scenarios `dynamics` and `all4`): how its
 * calls are counted (Dataverse list pages against the 5,000-row floor, the clock probe and EntityDefinitions as
 * metadata, the sandbox's token endpoint as token calls), the seed's shape, and a tiny run of both scenarios through
 * the real `customer-graph sync --backfill` process. No timing is asserted.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CRM_PAGE_SIZE, SCENARIO_CRMS, classifyCalls, runBackfillBench } from '../../bench/backfill/backfill.ts';
import { dynamicsGuid, writeDynamicsSeed } from '../../bench/backfill/dynamics-seed.ts';
import { parseBackfillArgs } from '../../bench/backfill/report.ts';

describe('backfill bench with Dynamics 365', () => {
  it('counts Dataverse list pages against 5,000-row pages, the clock probe and metadata as other calls', () => {
    expect(CRM_PAGE_SIZE.dynamics).toBe(5000);
    expect(SCENARIO_CRMS.all).toEqual(['salesforce', 'hubspot', 'pipedrive']);
    expect(SCENARIO_CRMS.all4).toEqual(['salesforce', 'hubspot', 'pipedrive', 'dynamics']);
    expect(parseBackfillArgs(['--scenarios', 'dynamics,all4']).scenarios).toEqual(['dynamics', 'all4']);
    const dy = classifyCalls('dynamics', {
      'POST /sandbox-tenant/oauth2/vXX.X/token': 1,
      "GET /api/data/vXX.X/EntityDefinitions(LogicalName='contact')/Attributes": 1,
      "GET /api/data/vXX.X/EntityDefinitions(LogicalName='contact')/Attributes/Microsoft.Dynamics.CRM.StateAttributeMetadata": 1,
      'GET /api/data/vXX.X/contacts': 6, 'GET /api/data/vXX.X/accounts': 2, 'GET /api/data/vXX.X/opportunities': 2,
      // A single row by key is no page.
      'GET /api/data/vXX.X/contacts(c0000000-0000-4000-8000-000000000001)': 1,
    }, { contacts: 20_000, accounts: 4000, opportunities: 2000 });
    // One probe per object moves from the list route to the other calls.
    expect(dy).toMatchObject({ records: 26_000, pageCalls: 7, floorCalls: 4 + 1 + 1, tokenCalls: 1, otherCalls: 3 + 3 });
  });

  it('writes N contacts, N/5 accounts and N/10 opportunities, linked to each other, the same every time', () => {
    const dirs = [0, 1].map(() => fs.mkdtempSync(path.join(os.tmpdir(), 'cg-dynamics-seed-')));
    try {
      const counts = dirs.map((d) => writeDynamicsSeed(d, 40));
      expect(counts[0]).toEqual({ contacts: 40, accounts: 8, opportunities: 4 });
      for (const table of ['contacts', 'accounts', 'opportunities']) {
        expect(fs.readFileSync(path.join(dirs[0]!, 'dynamics', `${table}.json`), 'utf8')).toBe(fs.readFileSync(path.join(dirs[1]!, 'dynamics', `${table}.json`), 'utf8'));
      }
      const read = (table: string) => JSON.parse(fs.readFileSync(path.join(dirs[0]!, 'dynamics', `${table}.json`), 'utf8')) as Record<string, unknown>[];
      const accounts = new Set(read('accounts').map((a) => a.accountid));
      const contacts = read('contacts');
      // Bulk people 10–49 (a quarter of N on), each at their company's account (companies 2–9).
      expect(contacts[0]).toMatchObject({ contactid: dynamicsGuid('c', 10), emailaddress1: expect.stringContaining('@bulk-company-2.example.com') });
      expect(contacts.every((c) => accounts.has(c._parentcustomerid_value))).toBe(true);
      const ids = new Set(contacts.map((c) => c.contactid));
      for (const o of read('opportunities')) {
        expect(ids.has(o._parentcontactid_value)).toBe(true);
        expect(accounts.has(o._parentaccountid_value)).toBe(true);
      }
    } finally {
      for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
    }
  });

  it('backfills Dynamics alone, then all four CRMs, through the CLI at or above the floor, joined by email and domain', async () => {
    const report = await runBackfillBench({ people: 40, scenarios: ['dynamics', 'all4'], ...(process.env.DATABASE_URL ? { databaseUrl: process.env.DATABASE_URL } : {}) });
    expect(report.seed.dynamics).toEqual({ contacts: 40, accounts: 8, opportunities: 4 });
    const [alone, all4] = report.runs;
    expect(alone!.exitCode, alone!.stderr).toBe(0);
    const dy = alone!.crms.dynamics!;
    // Client credentials against the sandbox's own token endpoint: one token for the whole run.
    expect(dy).toMatchObject({ records: 52, floorCalls: 3, tokenCalls: 1 });
    expect(dy.pageCalls).toBeGreaterThanOrEqual(dy.floorCalls);
    expect(dy.pageCalls + dy.tokenCalls + dy.otherCalls).toBe(Object.values(dy.routes).reduce((a, b) => a + b, 0));
    expect(alone!).toMatchObject({ recordsRead: 52, linksCreated: 52, goldenCreated: 52 });
    expect(alone!.firstPoll).toMatchObject({ records: 0, deletions: 0, failed: 0 });

    expect(all4!.exitCode, all4!.stderr).toBe(0);
    expect(Object.keys(all4!.crms)).toEqual(['salesforce', 'hubspot', 'pipedrive', 'dynamics']);
    expect(all4!.recordsRead).toBe(48 + 48 + 48 + 52);
    expect(all4!.linksCreated).toBe(all4!.recordsRead);
    // People 0–69 (Dynamics' 10–49 all held elsewhere too), companies 0–11 by domain (Dynamics' accounts 2–9 among
    // them), Pipedrive's organizations 12–13 of their own, and Dynamics' 4 opportunities as deals.
    expect(all4!.goldenCreated).toBe(70 + 12 + 2 + 4);
    expect(all4!.firstPoll).toMatchObject({ records: 0, deletions: 0, failed: 0 });
  }, 600_000);
});
