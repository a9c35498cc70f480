/**
 * The demo's Zoho CRM partner channel (sandboxes/demo/zoho-records.ts): Zoho records of people, companies and deals the
 * other CRMs hold, with conflicts of their own; and the other four CRMs' records byte-identical to what the generator
 * produced before Zoho joined.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { generateDemoSeed } from '../../../sandboxes/demo/index.ts';
import { zohoDateTime } from '../../../sandboxes/demo/zoho-records.ts';
import { zohoDealStageValues } from '../../../resolver-engine/defaults/picklists.ts';

const seed = generateDemoSeed();
const ZOHO_ID = /^\d{19}$/;
const TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+05:30$/;
const sha = (value: unknown) => createHash('sha256').update(JSON.stringify(value)).digest('hex');
const digits = (phone: unknown) => String(phone).replace(/\D/g, '');
const lookupId = (value: unknown) => (value as { id: string } | undefined)?.id;

describe('the demo Zoho CRM partner channel', () => {
  it('leaves the other CRMs\' records and the ground truth exactly as they were before Zoho joined', () => {
    // The same hashes tests/sandboxes/demo/dynamics-records.test.ts pins, and Dynamics' own as it was before Zoho.
    expect(sha(seed.salesforce)).toBe('042f525141c6cd37cf6be2ddb6e5a66ed2639c7837519dead4c3d641f0ae9c23');
    expect(sha(seed.hubspot)).toBe('4483ac83c8f84e9bb89f83a3b19370117425702ed59f967c5beabcf4625ecfc3');
    expect(sha(seed.pipedrive)).toBe('9463f1866b28890638c94cd6f3bd5e952043a7cc2b6e9e511da8410150625812');
    expect(sha(seed.dynamics)).toBe(DYNAMICS_BEFORE_ZOHO);
    expect(sha(seed.truth)).toBe('e07ca70a6a2918fef5f852078a55c147ff341874c0ca9a1a55f9cb14364e7f87');
  });

  it('writes times in the org offset, to the second', () => {
    expect(zohoDateTime(Date.UTC(2024, 4, 1, 12, 0, 0, 789))).toBe('2024-05-01T17:30:00+05:30');
    expect(zohoDateTime(Date.UTC(2024, 11, 31, 20, 15, 0))).toBe('2025-01-01T01:45:00+05:30');
  });

  it('holds Contacts, Accounts and Deals with 19-digit ids and consistent lookups', () => {
    const { Contacts, Accounts, Deals } = seed.zoho;
    expect(Contacts.length).toBeGreaterThan(40);
    expect(Accounts.length).toBeGreaterThan(15);
    expect(Deals.length).toBeGreaterThan(8);
    expect(JSON.stringify(generateDemoSeed().zoho)).toBe(JSON.stringify(seed.zoho));
    const ids = [...Contacts, ...Accounts, ...Deals].map((r) => r.id);
    expect(ids.every((id) => ZOHO_ID.test(id))).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    const accountIds = new Set(Accounts.map((a) => a.id));
    const contactIds = new Set(Contacts.map((c) => c.id));
    expect(Contacts.every((c) => accountIds.has(lookupId(c.Account_Name)!))).toBe(true);
    expect(Deals.every((d) => accountIds.has(lookupId(d.Account_Name)!) && (d.Contact_Name === undefined || contactIds.has(lookupId(d.Contact_Name)!)))).toBe(true);
    expect(Deals.some((d) => d.Contact_Name !== undefined)).toBe(true);
    expect([...Contacts, ...Accounts, ...Deals].every((r) => TIME.test(r.Modified_Time) && TIME.test(r.Created_Time) && Date.parse(r.Created_Time) < Date.parse(r.Modified_Time))).toBe(true);
    // Every stage is one the default mapping reads, and open deals are spread over several.
    expect(Deals.every((d) => Object.hasOwn(zohoDealStageValues, String(d.Stage)))).toBe(true);
    expect(new Set(Deals.filter((d) => !String(d.Stage).startsWith('Closed')).map((d) => d.Stage)).size).toBeGreaterThan(2);
  });

  it('holds people the other CRMs hold (by work email), in all five CRMs for some, with conflicts and spread edit times', () => {
    const sf = new Map(seed.salesforce.Contact.map((c) => [c.Email?.toLowerCase(), c]));
    const hs = new Map(seed.hubspot.contacts.map((c) => [c.properties.email?.toLowerCase(), c]));
    const pd = new Set(seed.pipedrive.persons.map((p) => (p.emails as { value: string }[])[0]!.value));
    const dy = new Set(seed.dynamics.contacts.map((c) => String(c.emailaddress1)));
    const emails = seed.zoho.Contacts.map((c) => String(c.Email));
    expect(emails.every((e) => sf.has(e) || hs.has(e))).toBe(true);
    expect(new Set(emails).size).toBe(emails.length);
    expect(emails.filter((e) => sf.has(e) && hs.has(e) && pd.has(e) && dy.has(e)).length).toBeGreaterThanOrEqual(3);
    const inSalesforce = seed.zoho.Contacts.filter((c) => sf.get(String(c.Email))?.Phone);
    expect(inSalesforce.some((c) => c.Phone !== sf.get(String(c.Email))!.Phone)).toBe(true);
    expect(inSalesforce.every((c) => digits(c.Phone).endsWith(digits(sf.get(String(c.Email))!.Phone).slice(-7)))).toBe(true);
    const newest = (email: string) => Math.max(
      Date.parse(sf.get(email)?.SystemModstamp.replace('+0000', 'Z') ?? '1970-01-01T00:00:00Z'), Date.parse(hs.get(email)?.updatedAt ?? '1970-01-01T00:00:00Z'));
    const newer = seed.zoho.Contacts.filter((c) => Date.parse(c.Modified_Time) > newest(String(c.Email))).length;
    expect(newer).toBeGreaterThan(5);
    expect(newer).toBeLessThan(seed.zoho.Contacts.length - 5);
  });

  it('is empty for an empty world, and scales with the customer count', () => {
    expect(generateDemoSeed({ customers: 0 }).zoho).toEqual({ Contacts: [], Accounts: [], Deals: [] });
    expect(generateDemoSeed({ customers: 1000, seed: 11 }).zoho.Contacts.length).toBeGreaterThan(150);
  });
});

/** seed.dynamics of the default set, generated at the commit before zoho-records.ts existed. */
const DYNAMICS_BEFORE_ZOHO = 'beb899e3905bb105adc319483d61ea6031f3ca973b0c61e700da408bd30ce049';
