/**
 * The backfill bench with Zoho CRM (bench/backfill/zoho-seed.ts, scenarios `zoho` and `all5`): how its calls are
 * counted (v8 list pages against the 200-record floor, the clock probe and settings/fields as metadata, the
 * sandbox's accounts server as token calls), the seed's shape, and a small run of both scenarios through the real
 * `customer-graph sync --backfill` process, each run a second time on its database. No timing is asserted.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CRM_PAGE_SIZE, SCENARIO_CRMS, classifyCalls, runBackfillBench } from '../../bench/backfill/backfill.ts';
import { parseBackfillArgs } from '../../bench/backfill/report.ts';
import { writeZohoSeed, zohoId, zohoTime } from '../../bench/backfill/zoho-seed.ts';

describe('backfill bench with Zoho CRM', () => {
  it('counts v8 list pages against 200-record pages, the clock probe and metadata as other calls', () => {
    expect(CRM_PAGE_SIZE.zoho).toBe(200);
    expect(SCENARIO_CRMS.all4).toEqual(['salesforce', 'hubspot', 'pipedrive', 'dynamics']);
    expect(SCENARIO_CRMS.all5).toEqual(['salesforce', 'hubspot', 'pipedrive', 'dynamics', 'zoho']);
    expect(parseBackfillArgs(['--scenarios', 'zoho,all5', '--rerun'])).toMatchObject({ scenarios: ['zoho', 'all5'], rerun: true });
    const zo = classifyCalls('zoho', {
      'POST /oauth/v2/token': 1, 'GET /crm/v8/settings/fields': 3,
      'GET /crm/v8/Contacts': 101, 'GET /crm/v8/Accounts': 21, 'GET /crm/v8/Deals': 11,
      // A record by id and the recycle bin are no pages.
      'GET /crm/v8/Contacts/:id': 1, 'GET /crm/v8/Contacts/deleted': 1,
    }, { Contacts: 20_000, Accounts: 4000, Deals: 2000 });
    // One probe per object moves from the list routes to the other calls.
    expect(zo).toMatchObject({ records: 26_000, pageCalls: 130, floorCalls: 100 + 20 + 10, tokenCalls: 1, otherCalls: 3 + 3 + 2 });
  });

  it('writes N Contacts, N/5 Accounts and N/10 Deals in the sandbox seed shape, linked to each other, the same every time', () => {
    const dirs = [0, 1].map(() => fs.mkdtempSync(path.join(os.tmpdir(), 'cg-zoho-seed-')));
    try {
      const counts = dirs.map((d) => writeZohoSeed(d, 40));
      expect(counts[0]).toEqual({ Contacts: 40, Accounts: 8, Deals: 4 });
      for (const module of ['Contacts', 'Accounts', 'Deals']) {
        expect(fs.readFileSync(path.join(dirs[0]!, 'zoho', `${module}.json`), 'utf8')).toBe(fs.readFileSync(path.join(dirs[1]!, 'zoho', `${module}.json`), 'utf8'));
      }
      const read = (module: string) => JSON.parse(fs.readFileSync(path.join(dirs[0]!, 'zoho', `${module}.json`), 'utf8')) as Record<string, unknown>[];
      const accounts = read('Accounts');
      const accountIds = new Set(accounts.map((a) => a.id));
      const contacts = read('Contacts');
      // Bulk people 15–54 (three eighths of N on), each at their company's account (companies 3–10).
      expect(contacts[0]).toMatchObject({ id: zohoId('Contacts', 15), Email: expect.stringContaining('@bulk-company-3.example.com') });
      expect(accounts[0]).toMatchObject({ id: zohoId('Accounts', 3), Website: 'https://bulk-company-3.example.com' });
      for (const r of [...accounts, ...contacts]) {
        expect(r.id).toMatch(/^\d{19}$/);
        expect(r.Modified_Time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+05:30$/);
      }
      expect(contacts.every((c) => accountIds.has((c.Account_Name as { id: string }).id))).toBe(true);
      const contactIds = new Set(contacts.map((c) => c.id));
      for (const d of read('Deals')) {
        expect(contactIds.has((d.Contact_Name as { id: string }).id)).toBe(true);
        expect(accountIds.has((d.Account_Name as { id: string }).id)).toBe(true);
      }
      // The org offset names the same instant: 00:00 UTC is 05:30 in India.
      expect(zohoTime(Date.UTC(2026, 9, 1))).toBe('2026-10-01T05:30:00+05:30');
    } finally {
      for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
    }
  });

  it('backfills Zoho alone through the CLI at its floor, and a second backfill on the same database creates nothing', async () => {
    // 420 people: 420 Contacts (three pages of 200), 84 Accounts and 42 Deals (one page each).
    const report = await runBackfillBench({ people: 420, scenarios: ['zoho'], rerun: true, ...(process.env.DATABASE_URL ? { databaseUrl: process.env.DATABASE_URL } : {}) });
    expect(report.seed.zoho).toEqual({ Contacts: 420, Accounts: 84, Deals: 42 });
    const [alone] = report.runs;
    expect(alone!.exitCode, alone!.stderr).toBe(0);
    const zo = alone!.crms.zoho!;
    // Measured: page 1 then `page_token` pages of 200 — exactly ceil(records / 200) per object, 3 + 1 + 1 — plus
    // the clock probe (`per_page=1`, sorted by Modified_Time) on each list route, which classifyCalls counts as
    // metadata beside the three settings/fields calls; one token from the refresh token for the whole run.
    expect(zo).toMatchObject({ records: 546, pageCalls: 5, floorCalls: 5, tokenCalls: 1, otherCalls: 3 + 3 });
    expect(zo.routes).toEqual({
      'POST /oauth/v2/token': 1, 'GET /crm/v8/settings/fields': 3, 'GET /crm/v8/Contacts': 3 + 1, 'GET /crm/v8/Accounts': 1 + 1, 'GET /crm/v8/Deals': 1 + 1,
    });
    // Alone, nothing joins: every record is linked and a golden record of its own.
    expect(alone!).toMatchObject({ recordsRead: 546, linksCreated: 546, goldenCreated: 546 });
    expect(alone!.rerun).toEqual({ exitCode: 0, recordsRead: 546, goldenCreated: 0, linksCreated: 0, backfillSeconds: expect.any(Number) });
    expect(alone!.firstPoll).toMatchObject({ records: 0, deletions: 0, failed: 0 });
  }, 600_000);

  it('backfills all five CRMs, every Zoho contact and account joined to another CRM\'s, and a second backfill creates nothing', async () => {
    const report = await runBackfillBench({ people: 40, scenarios: ['all5'], rerun: true, ...(process.env.DATABASE_URL ? { databaseUrl: process.env.DATABASE_URL } : {}) });
    const [all5] = report.runs;
    expect(all5!.exitCode, all5!.stderr).toBe(0);
    expect(Object.keys(all5!.crms)).toEqual(['salesforce', 'hubspot', 'pipedrive', 'dynamics', 'zoho']);
    expect(all5!.crms.zoho).toMatchObject({ records: 52, pageCalls: 3, floorCalls: 3, tokenCalls: 1 });
    for (const c of Object.values(all5!.crms)) expect(c.pageCalls).toBeGreaterThanOrEqual(c.floorCalls);
    expect(all5!.recordsRead).toBe(48 * 3 + 52 * 2);
    expect(all5!.linksCreated).toBe(all5!.recordsRead);
    // People 0–69 (Zoho's 15–54 all held elsewhere too), companies 0–11 by domain (Zoho's accounts 3–10 among them),
    // Pipedrive's organizations 12–13 of their own, and 4 Dynamics opportunities and 4 Zoho deals as deals: the
    // golden records of all4 (tests/bench/backfill-dynamics.test.ts) plus Zoho's deals.
    expect(all5!.goldenCreated).toBe(70 + 12 + 2 + 4 + 4);
    expect(all5!.rerun).toMatchObject({ exitCode: 0, recordsRead: all5!.recordsRead, goldenCreated: 0, linksCreated: 0 });
    expect(all5!.firstPoll).toMatchObject({ records: 0, deletions: 0, failed: 0 });
  }, 600_000);
});
