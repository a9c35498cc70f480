/**
 * The backfill bench at a tiny size: the real `customer-graph sync --backfill` process against sandboxes seeded
 * through the control plane, and its report's invariants (counts add up, every record linked, page calls never
 * under the floor the CRM's page size sets, the first change poll after it reads nothing), for Salesforce + HubSpot
 * and for all three CRMs with Pipedrive. No timing is asserted.
 */
import { describe, expect, it } from 'vitest';
import { CRM_PAGE_SIZE, classifyCalls, parseSummary, refusedCalls, runBackfillBench } from '../../bench/backfill/backfill.ts';
import type { BackfillBenchReport, RunResult } from '../../bench/backfill/backfill.ts';
import { parseBackfillArgs, renderPerCrm, renderTable } from '../../bench/backfill/report.ts';

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
    // Pipedrive: the clock probe (one `limit=1` list call per object) shares the list route and counts as other.
    const pd = classifyCalls('pipedrive', {
      'GET /api/v2/persons': 41, 'GET /api/v2/organizations': 9, 'GET /api/v2/deals': 2, 'GET /api/v1/personFields': 1,
    }, { persons: 20_000, organizations: 4000, deals: 0 });
    expect(pd).toMatchObject({ records: 24_000, pageCalls: 49, floorCalls: 40 + 8 + 1, tokenCalls: 0, otherCalls: 4 });
    expect(refusedCalls({ ...pd.routes, 'POST /oauth/token': 2 }, 50)).toBe(3);
    expect(CRM_PAGE_SIZE).toEqual({ salesforce: 2000, hubspot: 100, pipedrive: 500, dynamics: 5000, zoho: 200 });
    expect(parseSummary('Backfill done in 12.5 s: 48000 records read (3840/s), 30000 golden records created, 48000 links created, 30000 snapshots changed.'))
      .toEqual({ seconds: 12.5, recordsRead: 48_000, goldenCreated: 30_000, linksCreated: 48_000 });
  });

  it('parses the scenarios, Pipedrive and all three CRMs included, and renders their rows', () => {
    expect(parseBackfillArgs([])).toMatchObject({ people: 20_000, scenarios: ['salesforce', 'hubspot', 'both'], pollIntervalMs: '0', latencyMs: 0, json: false });
    expect(parseBackfillArgs(['--people', '5000', '--scenarios', 'pipedrive, all', '--poll-ms', 'default']))
      .toMatchObject({ people: 5000, scenarios: ['pipedrive', 'all'], pollIntervalMs: '' });
    expect(() => parseBackfillArgs(['--scenarios', 'pipedrive,freshsales'])).toThrow(/unknown scenario "freshsales"/);
    expect(() => parseBackfillArgs(['--people', '0'])).toThrow(/--people/);
    const calls = (records: number, pageCalls: number, floorCalls: number, refused?: number) => ({
      records, pageCalls, floorCalls, tokenCalls: 0, otherCalls: 3, routes: {}, ...(refused === undefined ? {} : { refusedCalls: refused }),
    });
    const run = (scenario: RunResult['scenario'], crms: RunResult['crms'], recordsRead: number): RunResult => ({
      scenario, driver: 'pglite', exitCode: 0, recordsRead, goldenCreated: 0, linksCreated: recordsRead, backfillSeconds: 2,
      wallSeconds: 3, load: { start: 0, end: 0 }, peakRssBytes: 300 * 2 ** 20, crms, stderr: '',
    });
    const report = { runs: [
      run('pipedrive', { pipedrive: calls(6000, 13, 13, 0) }, 6000),
      run('all', { salesforce: calls(6000, 4, 4), hubspot: calls(6000, 61, 61), pipedrive: calls(6000, 13, 13, 2) }, 18_000),
    ] } as unknown as BackfillBenchReport;
    const rows = renderTable(report).split('\n');
    expect(rows[2]).toBe('| pipedrive | pglite | pipedrive | 6000 | 3000 | 13 | 2.17 | 2.17 | 0 | 3 | 300 |');
    expect(rows[3]).toBe('| all | pglite | salesforce + hubspot + pipedrive | 18000 | 9000 | 78 | 4.33 | 4.33 | 0 | 9 | 300 |');
    expect(renderPerCrm(report)).toEqual([
      'pipedrive (pglite) by CRM: pipedrive 6000 records, 13 page calls (floor 13), 0 token, 3 other, 0 refused',
      'all (pglite) by CRM: salesforce 6000 records, 4 page calls (floor 4), 0 token, 3 other; hubspot 6000 records, 61 page calls (floor 61), 0 token, 3 other; pipedrive 6000 records, 13 page calls (floor 13), 0 token, 3 other, 2 refused',
    ]);
  });

  it('backfills both CRMs, then all three, through the CLI and reports counts that add up and calls at or above the floor', async () => {
    const report = await runBackfillBench({ people: 40, scenarios: ['both', 'all'], ...(process.env.DATABASE_URL ? { databaseUrl: process.env.DATABASE_URL } : {}) });
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

    // All three: Pipedrive's 40 persons + 8 organizations read with its API token (no token calls, none refused),
    // its persons linked to the other CRMs' people by email, its organizations (known by name only) to the company of
    // that name where the other CRMs hold one.
    const all = report.runs[1]!;
    expect(all.exitCode, all.stderr).toBe(0);
    expect(report.seed.pipedrive).toEqual({ persons: 40, organizations: 8, deals: 0 });
    const pd = all.crms.pipedrive!;
    expect(pd).toMatchObject({ records: 48, floorCalls: 3, tokenCalls: 0, refusedCalls: 0 });
    expect(pd.pageCalls).toBeGreaterThanOrEqual(pd.floorCalls);
    expect(all.recordsRead).toBe(sf.records + hs.records + pd.records);
    expect(all.linksCreated).toBe(all.recordsRead);
    // People 0–69 across the three CRMs, companies 0–11 by domain; Pipedrive's organizations are companies 6–13, so
    // 6 join companies 6–11 by name and 12–13 are companies of their own.
    expect(all.goldenCreated).toBe(70 + 12 + 2);
    expect(all.firstPoll).toMatchObject({ records: 0, deletions: 0, failed: 0 });
  }, 600_000);
});
