import { parsePhoneNumberFromString } from 'libphonenumber-js';
import { describe, expect, it } from 'vitest';
import { generateDemoSeed } from '../../../sandboxes/demo/index.ts';
import type { DemoPersonTruth } from '../../../sandboxes/demo/index.ts';

const seed = generateDemoSeed();
const { truth } = seed;
const sfById = new Map<string, { Email: string | null; Phone: string | null; FirstName: string | null; LastName: string; Title?: string | null; LastModifiedDate: string }>(
  [...seed.salesforce.Contact, ...seed.salesforce.Lead].map((r) => [r.Id, r]),
);
const hsById = new Map(seed.hubspot.contacts.map((c) => [c.id, c]));
const both = truth.people.filter((p) => p.presence === 'both');

const normEmail = (e: string | null | undefined) => (e ?? '').trim().toLowerCase();
const normName = (s: string | null | undefined) => (s ?? '').normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase();
const e164 = (text: string | null | undefined, like: string) => {
  const country = parsePhoneNumberFromString(like)?.country ?? 'US';
  return text ? parsePhoneNumberFromString(text, country)?.number : undefined;
};
function records(p: DemoPersonTruth) {
  const sf = sfById.get(p.salesforce[0]?.id ?? '');
  const hs = hsById.get(p.hubspot[0]?.id ?? '');
  if (!sf || !hs) throw new Error(`records of ${p.key} missing`);
  return { sf, hs };
}

describe('ground truth: who is where', () => {
  it('splits people ~40% both, ~35% Salesforce only, ~25% HubSpot only', () => {
    const n = truth.people.length;
    expect(n).toBe(300);
    const share = (presence: string) => truth.people.filter((p) => p.presence === presence).length / n;
    expect(share('both')).toBeCloseTo(0.4, 1);
    expect(share('salesforce')).toBeCloseTo(0.35, 1);
    expect(share('hubspot')).toBeCloseTo(0.25, 1);
    expect(truth.people.filter((p) => p.salesforce[0]?.object === 'Lead').length).toBeGreaterThan(10);
  });

  it('shows the Acme example: "Acme Inc." in Salesforce, "Acme" in HubSpot', () => {
    const acme = truth.companies[0];
    expect(seed.salesforce.Account.find((a) => a.Id === acme?.salesforce)?.Name).toBe('Acme Inc.');
    expect(seed.hubspot.companies.find((c) => c.id === acme?.hubspot)?.properties.name).toBe('Acme');
  });

  it('has about 60 companies, most in both CRMs, and deals in both for some', () => {
    expect(truth.companies.length).toBeGreaterThanOrEqual(50);
    expect(truth.companies.length).toBeLessThanOrEqual(70);
    expect(truth.companies.filter((c) => c.presence === 'both').length / truth.companies.length).toBeGreaterThan(0.7);
    expect(truth.deals.filter((d) => d.presence === 'both').length).toBeGreaterThan(10);
  });

  it('maps every record to exactly one truth entry and every truth id to a record', () => {
    const sfIds = truth.people.flatMap((p) => p.salesforce.map((r) => r.id));
    const hsIds = truth.people.flatMap((p) => p.hubspot.map((r) => r.id));
    expect([...sfIds].sort()).toEqual([...sfById.keys()].sort());
    expect([...hsIds].sort()).toEqual([...hsById.keys()].sort());
    expect(truth.companies.flatMap((c) => [c.salesforce, c.hubspot]).filter(Boolean).length)
      .toBe(seed.salesforce.Account.length + seed.hubspot.companies.length);
    expect(truth.deals.flatMap((d) => [d.salesforce, d.hubspot]).filter(Boolean).length)
      .toBe(seed.salesforce.Opportunity.length + seed.hubspot.deals.length);
  });

  it('includes a few duplicates inside each CRM', () => {
    expect(truth.people.filter((p) => p.salesforce.length > 1).length).toBeGreaterThanOrEqual(2);
    expect(truth.people.filter((p) => p.hubspot.length > 1).length).toBeGreaterThanOrEqual(2);
    for (const p of truth.people.filter((q) => q.salesforce.length > 1)) {
      const [a, b] = p.salesforce.map((r) => sfById.get(r.id));
      expect(normEmail(a?.Email)).toBe(normEmail(b?.Email));
    }
  });
});

describe('ground truth: linking overlapping people', () => {
  it('joins every overlapping person by normalised email, except 5–10 documented name+phone ones', () => {
    const hard = both.filter((p) => p.link === 'name+phone');
    expect(hard.length).toBeGreaterThanOrEqual(5);
    expect(hard.length).toBeLessThanOrEqual(10);
    for (const p of both.filter((q) => q.link === 'email')) {
      const { sf, hs } = records(p);
      expect(normEmail(sf.Email), p.key).toBe(p.email);
      expect(normEmail(hs.properties.email), p.key).toBe(p.email);
    }
    for (const p of hard) {
      const { sf, hs } = records(p);
      expect(normEmail(sf.Email)).not.toBe(normEmail(hs.properties.email));
      expect(normName(sf.FirstName)).toBe(normName(hs.properties.firstname));
      expect(normName(sf.LastName)).toBe(normName(hs.properties.lastname));
      expect(e164(sf.Phone, p.phoneE164)).toBe(p.phoneE164);
      expect(e164(hs.properties.phone, p.phoneE164)).toBe(p.phoneE164);
    }
  });

  it('writes the same phone differently but every format parses to the same number', () => {
    const differing = both.filter((p) => {
      const { sf, hs } = records(p);
      return sf.Phone && hs.properties.phone && sf.Phone !== hs.properties.phone;
    });
    expect(differing.length).toBeGreaterThan(30);
    for (const p of both) {
      const { sf, hs } = records(p);
      if (sf.Phone) expect(e164(sf.Phone, p.phoneE164)).toBe(p.phoneE164);
      if (hs.properties.phone) expect(e164(hs.properties.phone, p.phoneE164)).toBe(p.phoneE164);
    }
  });

  it('plants every kind of conflict several times, as documented', () => {
    for (const kind of ['phone-format', 'stale-title', 'nickname', 'email-case', 'missing-value', 'address-abbreviation', 'accent']) {
      expect(both.filter((p) => p.conflicts.includes(kind as never)).length, kind).toBeGreaterThanOrEqual(5);
    }
    const messy = both.filter((p) => p.conflicts.includes('email-case')).map((p) => records(p).sf.Email ?? '');
    // Case only: both CRMs trim text on save, so stored records never carry surrounding spaces.
    expect(messy.every((e) => e === e.trim() && e !== e.toLowerCase())).toBe(true);
    for (const p of both.filter((q) => q.conflicts.includes('nickname'))) {
      const { sf, hs } = records(p);
      expect(sf.FirstName).not.toBe(hs.properties.firstname);
    }
  });

  it('shows the stale title on the side edited longer ago, with newer edits on either side', () => {
    expect(both.filter((p) => p.newerSide === 'salesforce').length).toBeGreaterThan(20);
    expect(both.filter((p) => p.newerSide === 'hubspot').length).toBeGreaterThan(20);
    for (const p of both) {
      const { sf, hs } = records(p);
      const sfMs = Date.parse(sf.LastModifiedDate.replace('+0000', 'Z'));
      const hsMs = Date.parse(hs.updatedAt);
      expect(p.newerSide === 'salesforce' ? sfMs > hsMs : hsMs > sfMs, p.key).toBe(true);
      if (p.conflicts.includes('stale-title') && sf.Title && hs.properties.jobtitle) {
        const [newer, older] = p.newerSide === 'salesforce' ? [sf.Title, hs.properties.jobtitle] : [hs.properties.jobtitle, sf.Title];
        expect(newer).not.toBe(older);
        expect(p.notes.join(' ')).toContain(`stale title '${older}' (now '${newer}')`);
      }
    }
  });
});

describe('ground truth: hard negatives', () => {
  it('has two colleagues sharing the company main phone, with different emails', () => {
    const pair = truth.people.filter((p) => p.hardNegative?.kind === 'shared-company-phone');
    expect(pair).toHaveLength(2);
    const [a, b] = pair as [DemoPersonTruth, DemoPersonTruth];
    expect(a.phoneE164).toBe(b.phoneE164);
    expect(a.companyKey).toBe(b.companyKey);
    expect(a.email).not.toBe(b.email);
    expect(a.hardNegative?.otherKeys).toEqual([b.key]);
  });

  it('has a household sharing one email with different first names, one per CRM', () => {
    const pair = truth.people.filter((p) => p.hardNegative?.kind === 'shared-household-email');
    expect(pair).toHaveLength(2);
    const [a, b] = pair as [DemoPersonTruth, DemoPersonTruth];
    expect(a.email).toBe(b.email);
    expect(a.firstName).not.toBe(b.firstName);
    expect(a.lastName).toBe(b.lastName);
    expect(new Set([a.presence, b.presence])).toEqual(new Set(['salesforce', 'hubspot']));
  });

  it('shares no email or phone between distinct people except these planted cases', () => {
    const byEmail = new Map<string, string[]>();
    for (const p of truth.people) byEmail.set(p.email, [...(byEmail.get(p.email) ?? []), p.key]);
    const shared = [...byEmail.values()].filter((keys) => keys.length > 1);
    expect(shared).toHaveLength(1);
    const byPhone = new Map<string, string[]>();
    for (const p of truth.people) byPhone.set(p.phoneE164, [...(byPhone.get(p.phoneE164) ?? []), p.key]);
    expect([...byPhone.values()].filter((keys) => keys.length > 1)).toHaveLength(1);
  });
});
