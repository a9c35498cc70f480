/**
 * The backfill bench at a tiny size: the real `customer-graph sync --backfill` process against sandboxes seeded
 * through the control plane, and its report's invariants (counts add up, every record linked, page calls never
 * under the floor the CRM's page size sets, the first change poll after it reads nothing). No timing is asserted.
 */
import { describe, expect, it } from 'vitest';
import { CRM_PAGE_SIZE, classifyCalls, parseSummary, runBackfillBench } from '../../bench/backfill/backfill.ts';

describe('backfill bench', () => {
  it('counts page reads, token calls and metadata apart, with the floor from the CRM page size', () => {
    const sf = classifyCalls('salesforce', {
      'POST /services/oauth2/token': 1, 'GET /services/data/vXX.X/sobjects/Contact/describe': 1,
      'GET /services/data/vXX.X/query': 3, 'GET /services/data/vXX.X/query/:locator': 11,
    }, { Contact: 20_000, Account: 4000, Opportunity: 0 });
    expect(sf).toMatchObject({ records: 24_000, pageCalls: 14, floorCalls: 10 + 2 + 1, tokenCalls: 1, otherCalls: 1 });
    const hs = classifyCalls('hubspot', {
      'GET /crm/v3/objects/contacts': 200, 'GET /crm/v3/objects/companies': 40, 'GET /crm/v3/objects/deals': 1, 'GET /crm/v3/properties/contacts': 1,
    }, { contacts: 20_000, companies: 4000, deals: 0 });
    expect(hs).toMatchObject({ records: 24_000, pageCalls: 241, floorCalls: 241, tokenCalls: 0, otherCalls: 1 });
    expect(CRM_PAGE_SIZE).toEqual({ salesforce: 2000, hubspot: 100 });
    expect(parseSummary('Backfill done in 12.5 s: 48000 records read (3840/s), 30000 golden records created, 48000 links created, 30000 snapshots changed.'))
      .toEqual({ seconds: 12.5, recordsRead: 48_000, goldenCreated: 30_000, linksCreated: 48_000 });
  });

  it('backfills both CRMs through the CLI and reports counts that add up and calls at or above the floor', async () => {
    const report = await runBackfillBench({ people: 40, scenarios: ['both'], ...(process.env.DATABASE_URL ? { databaseUrl: process.env.DATABASE_URL } : {}) });
    expect(report.seed.salesforce).toMatchObject({ Contact: 40, Account: 8 });
    expect(report.seed.hubspot).toMatchObject({ contacts: 40, companies: 8 });
    const [run] = report.runs;
    expect(run!.exitCode, run!.stderr).toBe(0);
    const sf = run!.crms.salesforce!;
    const hs = run!.crms.hubspot!;
    expect(sf.records).toBe(48);
    expect(hs.records).toBe(48);
    expect(run!.recordsRead).toBe(sf.records + hs.records);
    // A fresh database: every record read gets a link; half the people (and companies) are in both CRMs.
    expect(run!.linksCreated).toBe(run!.recordsRead);
    expect(run!.goldenCreated).toBeGreaterThan(0);
    expect(run!.goldenCreated).toBeLessThan(run!.recordsRead);
    for (const crm of [sf, hs]) {
      expect(crm.pageCalls).toBeGreaterThanOrEqual(crm.floorCalls);
      expect(crm.pageCalls + crm.tokenCalls + crm.otherCalls).toBe(Object.values(crm.routes).reduce((a, b) => a + b, 0));
    }
    // Salesforce: client credentials, so at least one token call; HubSpot: a private-app token, none.
    expect(sf.tokenCalls).toBeGreaterThanOrEqual(1);
    expect(hs.tokenCalls).toBe(0);
    // The backfill left change cursors: the first poll on its database reads nothing (the seed is older than it).
    expect(run!.firstPoll).toMatchObject({ records: 0, deletions: 0, failed: 0 });
    expect(run!.peakRssBytes).toBeGreaterThan(0);
    expect(run!.backfillSeconds).toBeGreaterThan(0);
  }, 600_000);
});
