/**
 * The demo's Dynamics 365 service division (sandboxes/demo/dynamics-records.ts): Dataverse rows of people, companies
 * and deals the other CRMs hold, with conflicts of their own, loadable into the Dynamics sandbox as they are; and
 * the Salesforce, HubSpot and Pipedrive records byte-identical to what the generator produced before Dynamics joined.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { generateDemoSeed, writeSeedFolder } from '../../../sandboxes/demo/index.ts';
import { startDynamicsSandbox } from '../../../sandboxes/dynamics/index.ts';

const seed = generateDemoSeed();
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;
const sha = (value: unknown) => createHash('sha256').update(JSON.stringify(value)).digest('hex');
const digits = (phone: unknown) => String(phone).replace(/\D/g, '');

describe('the demo Dynamics 365 division', () => {
  it('leaves the other CRMs\' records and the ground truth exactly as they were before Dynamics joined', () => {
    // Hashes of the default set generated before dynamics-records.ts existed: Dynamics draws from a PRNG of its own.
    expect(sha(seed.salesforce)).toBe('042f525141c6cd37cf6be2ddb6e5a66ed2639c7837519dead4c3d641f0ae9c23');
    expect(sha(seed.hubspot)).toBe('4483ac83c8f84e9bb89f83a3b19370117425702ed59f967c5beabcf4625ecfc3');
    // Pipedrive's deals changed on purpose since (2026-12-07): an open deal's stage_id follows the stage the other CRMs
    // hold, where every open deal used to sit in the first stage (its map was read with the stage's index, not its name).
    expect(sha(seed.pipedrive)).toBe('9463f1866b28890638c94cd6f3bd5e952043a7cc2b6e9e511da8410150625812');
    expect(sha(seed.truth)).toBe('e07ca70a6a2918fef5f852078a55c147ff341874c0ca9a1a55f9cb14364e7f87');
  });

  it('holds contacts, accounts and opportunities with deterministic GUIDs and consistent lookups', () => {
    const { contacts, accounts, opportunities } = seed.dynamics;
    expect([contacts.length, accounts.length, opportunities.length]).toEqual([92, 30, 21]);
    expect(JSON.stringify(generateDemoSeed().dynamics)).toBe(JSON.stringify(seed.dynamics));
    const ids = [...contacts.map((c) => c.contactid), ...accounts.map((a) => a.accountid), ...opportunities.map((o) => o.opportunityid)];
    expect(ids.every((id) => typeof id === 'string' && GUID.test(id))).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    const accountIds = new Set(accounts.map((a) => a.accountid));
    const contactIds = new Set(contacts.map((c) => c.contactid));
    expect(contacts.every((c) => accountIds.has(c._parentcustomerid_value))).toBe(true);
    expect(opportunities.every((o) => accountIds.has(o._parentaccountid_value) && (o._parentcontactid_value === undefined || contactIds.has(o._parentcontactid_value)))).toBe(true);
    expect(opportunities.some((o) => o._parentcontactid_value !== undefined)).toBe(true);
    expect([...contacts, ...accounts, ...opportunities].every((r) => TIME.test(r.modifiedon) && TIME.test(r.createdon) && r.createdon < r.modifiedon)).toBe(true);
    expect(opportunities.every((o) => /^\d{4}-\d{2}-\d{2}$/.test(String(o.estimatedclosedate)) && typeof o.estimatedvalue === 'number')).toBe(true);
    // Open opportunities (and Pipedrive's open deals) sit in the stage nearest the other CRMs' stage, not all in the first.
    expect(new Set(opportunities.filter((o) => o.statecode === 0).map((o) => o.salesstage)).size).toBeGreaterThan(2);
    expect(new Set(seed.pipedrive.deals.filter((d) => d.status === 'open').map((d) => d.stage_id)).size).toBeGreaterThan(2);
    expect(opportunities.every((o) => [0, 1, 2, 3].includes(o.salesstage as number))).toBe(true);
  });

  it('holds people the other CRMs hold (by work email), in all four CRMs for some, with conflicts and spread edit times', () => {
    const sf = new Map(seed.salesforce.Contact.map((c) => [c.Email?.toLowerCase(), c]));
    const hs = new Map(seed.hubspot.contacts.map((c) => [c.properties.email?.toLowerCase(), c]));
    const pd = new Set(seed.pipedrive.persons.map((p) => (p.emails as { value: string }[])[0]!.value));
    const emails = seed.dynamics.contacts.map((c) => String(c.emailaddress1));
    expect(emails.every((e) => sf.has(e) || hs.has(e))).toBe(true);
    expect(new Set(emails).size).toBe(emails.length);
    expect(emails.filter((e) => sf.has(e) && hs.has(e) && pd.has(e)).length).toBeGreaterThanOrEqual(10);
    // The same number, written differently from Salesforce now and then.
    const inSalesforce = seed.dynamics.contacts.filter((c) => sf.get(String(c.emailaddress1))?.Phone);
    expect(inSalesforce.some((c) => c.telephone1 !== sf.get(String(c.emailaddress1))!.Phone)).toBe(true);
    expect(inSalesforce.every((c) => digits(c.telephone1).endsWith(digits(sf.get(String(c.emailaddress1))!.Phone).slice(-7)))).toBe(true);
    // Last-write-wins must pick Dynamics for some people and another CRM for others.
    const newest = (c: (typeof seed.dynamics.contacts)[number]) => {
      const e = String(c.emailaddress1);
      return Math.max(Date.parse(sf.get(e)?.SystemModstamp.replace('+0000', 'Z') ?? '1970-01-01T00:00:00Z'), Date.parse(hs.get(e)?.updatedAt ?? '1970-01-01T00:00:00Z'));
    };
    const newer = seed.dynamics.contacts.filter((c) => Date.parse(c.modifiedon) > newest(c)).length;
    expect(newer).toBeGreaterThan(5);
    expect(newer).toBeLessThan(seed.dynamics.contacts.length - 5);
    expect(seed.dynamics.contacts.some((c) => c.jobtitle !== sf.get(String(c.emailaddress1))?.Title)).toBe(true);
  });

  it('is empty for an empty world, and scales with the customer count', () => {
    expect(generateDemoSeed({ customers: 0 }).dynamics).toEqual({ contacts: [], accounts: [], opportunities: [] });
    expect(generateDemoSeed({ customers: 1000, seed: 11 }).dynamics.contacts.length).toBeGreaterThan(200);
  });

  it('loads into the Dynamics sandbox from a seed folder, every row kept', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'demo-dynamics-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    writeSeedFolder(dir, seed);
    const sb = await startDynamicsSandbox({ port: 0, seedDir: dir });
    try {
      for (const set of ['contacts', 'accounts', 'opportunities'] as const) expect(sb.store.all(set).length, set).toBe(seed.dynamics[set].length);
      const first = seed.dynamics.contacts[0]!;
      expect(sb.store.get('contacts', String(first.contactid))).toMatchObject({
        emailaddress1: first.emailaddress1, telephone1: first.telephone1, modifiedon: first.modifiedon, _parentcustomerid_value: first._parentcustomerid_value,
      });
    } finally {
      await sb.close();
    }
  });
});
