import { describe, expect, it } from 'vitest';
import { generatePeople } from '../../../bench/identity/generate-people.ts';
import { hardNegativePairs } from '../../../bench/identity/hard-negatives.ts';
import type { GeneratedRecord } from '../../../bench/identity/generate-people.ts';
import { normalisePostalCode, normaliseStreet, streetParts } from '../../../resolver-engine/identity/normalise/address.ts';
import { normaliseEmail } from '../../../resolver-engine/identity/normalise/email.ts';
import { normaliseName } from '../../../resolver-engine/identity/normalise/name.ts';

const small = generatePeople({ entities: 400, seed: 7 });
const BEFORE_ADDRESSES = [['Kevin', 'Morris', 'kevin@acmelogistics.de', null], ['Catherine', 'Santos', 'catherine2@acmelogistics.de', 'ACME LOGISTICS GMBH & CO. KG']];

/** Digits of a phone without its extension and without a leading trunk 0 or country code noise. */
const phoneDigits = (phone: string | null) => (phone ?? '').replace(/\s*(ext\.?|x)\s*\d+$/, '').replace(/\D/g, '');

describe('generatePeople', () => {
  it('is deterministic: the same seed gives the same records and truth', () => {
    const again = generatePeople({ entities: 400, seed: 7 });
    expect(again.records).toEqual(small.records);
    expect(again.truth).toEqual(small.truth);
  });

  it('depends on the seed', () => {
    const other = generatePeople({ entities: 400, seed: 8 });
    expect(other.records.map((r) => r.email)).not.toEqual(small.records.map((r) => r.email));
  });

  it('writes every person into one to five records, about two on average, over several CRMs', () => {
    const perEntity = new Map<string, number>();
    for (const t of small.truth) perEntity.set(t.entityId, (perEntity.get(t.entityId) ?? 0) + 1);
    expect(small.entityCount).toBe(400);
    expect(perEntity.size).toBe(400);
    expect(Math.min(...perEntity.values())).toBeGreaterThanOrEqual(1);
    expect(Math.max(...perEntity.values())).toBeLessThanOrEqual(5);
    expect(small.records.length / 400).toBeGreaterThan(1.8);
    expect(small.records.length / 400).toBeLessThan(2.5);
    expect(new Set(small.records.map((r) => r.crm))).toEqual(new Set(['salesforce', 'hubspot', 'pipedrive']));
    expect(small.truth).toHaveLength(small.records.length);
  });

  it('gives every record a unique id within its CRM', () => {
    const ids = small.records.map((r) => `${r.crm}/${r.recordId}`);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('puts duplicates inside one CRM too', () => {
    const seen = new Set<string>();
    let inside = 0;
    small.records.forEach((r, i) => {
      const key = `${small.truth[i]!.entityId}/${r.crm}`;
      if (seen.has(key)) inside++;
      seen.add(key);
    });
    expect(inside).toBeGreaterThan(20);
  });

  it('adds the noise it promises: nicknames or typos, phone formats, company suffixes, missing fields', () => {
    const all = (f: (r: GeneratedRecord) => string | null) => small.records.map(f).filter((v): v is string => v !== null);
    expect(all((r) => r.phone).some((p) => p.startsWith('('))).toBe(true);
    expect(all((r) => r.phone).some((p) => p.startsWith('+'))).toBe(true);
    expect(all((r) => r.phone).some((p) => /^0\d/.test(p))).toBe(true); // national GB/DE formats
    expect(all((r) => r.company).some((c) => /\b(Inc\.?|LLC|GmbH|Ltd\.?)$/.test(c))).toBe(true);
    expect(small.records.some((r) => r.email === null)).toBe(true);
    expect(small.records.some((r) => r.firstName === null)).toBe(true);
    // Within one person, first names vary (nicknames, typos, case).
    const firstNames = new Map<string, Set<string>>();
    small.records.forEach((r, i) => {
      if (r.firstName) firstNames.set(small.truth[i]!.entityId, (firstNames.get(small.truth[i]!.entityId) ?? new Set()).add(normaliseName(r.firstName)));
    });
    expect([...firstNames.values()].filter((s) => s.size > 1).length).toBeGreaterThan(20);
  });

  it('gives many records a mailing address, written the ways CRMs hold them, and leaves it out of others', () => {
    const streets = small.records.map((r) => r.street).filter((s): s is string => s !== null);
    const share = streets.length / small.records.length;
    expect(share).toBeGreaterThan(0.4);
    expect(share).toBeLessThan(0.7);
    expect(streets.some((s) => /\bSt\.?$/.test(s))).toBe(true); // abbreviated
    expect(streets.some((s) => /\bStreet\b/.test(s))).toBe(true);
    expect(streets.some((s) => /(str\.|strasse|straße)/i.test(s))).toBe(true);
    expect(streets.some((s) => /(Apt|Suite|Ste|Flat|#)/.test(s))).toBe(true);
    expect(small.records.some((r) => r.street !== null && r.postalCode === null)).toBe(true);
    expect(small.records.some((r) => r.postalCode !== null && /^\d{5}-\d{4}$/.test(r.postalCode))).toBe(true); // ZIP+4
  });

  it('keeps every other field as it was before addresses were added (addresses draw from their own stream)', () => {
    // The first records of seed 7 as generated before the address stream existed.
    expect(small.records.slice(0, 2).map((r) => [r.firstName, r.lastName, r.email, r.company])).toEqual(BEFORE_ADDRESSES);
  });
});

describe('hard negatives', () => {
  const pairs = hardNegativePairs(small.truth);

  it('are pairs of records of different people, of every kind', () => {
    for (const kind of ['company-phone', 'namesake', 'domain', 'household-email'] as const) expect(pairs.get(kind)?.length ?? 0).toBeGreaterThan(0);
    for (const list of pairs.values()) {
      for (const [a, b] of list) {
        expect(a).toBeLessThan(b);
        expect(small.truth[a]!.entityId).not.toBe(small.truth[b]!.entityId);
      }
    }
  });

  it('really share what their kind says', () => {
    const r = small.records;
    for (const [a, b] of pairs.get('company-phone')!) {
      const [x, y] = [phoneDigits(r[a]!.phone), phoneDigits(r[b]!.phone)];
      // Same number in any format: the last 7 digits agree.
      expect(x.slice(-7)).toBe(y.slice(-7));
    }
    for (const [a, b] of pairs.get('household-email')!) expect(normaliseEmail(r[a]!.email)).toBe(normaliseEmail(r[b]!.email));
    for (const [a, b] of pairs.get('household-email')!) expect(normaliseName(r[a]!.firstName ?? 'x')).not.toBe(normaliseName(r[b]!.firstName ?? 'y'));
    for (const [a, b] of pairs.get('domain')!) expect(normaliseEmail(r[a]!.email)!.split('@')[1]).toBe(normaliseEmail(r[b]!.email)!.split('@')[1]);
    // A shared home or office: one house number, one street line once normalised (a typo aside), one postal
    // code where both have one.
    for (const kind of ['household-address', 'office-address'] as const) {
      expect(pairs.get(kind)!.length).toBeGreaterThan(0);
      const same = pairs.get(kind)!.filter(([a, b]) => normaliseStreet(r[a]!.street) === normaliseStreet(r[b]!.street));
      expect(same.length / pairs.get(kind)!.length).toBeGreaterThan(0.7);
      for (const [a, b] of pairs.get(kind)!) {
        expect(streetParts(normaliseStreet(r[a]!.street)).number).toBe(streetParts(normaliseStreet(r[b]!.street)).number);
        const [x, y] = [normalisePostalCode(r[a]!.postalCode, 'US'), normalisePostalCode(r[b]!.postalCode, 'US')];
        if (x !== '' && y !== '') expect(x).toBe(y);
      }
    }
  });

  it('include namesakes who are written with the same name', () => {
    const sameName = pairs.get('namesake')!.filter(([a, b]) =>
      normaliseName(small.records[a]!.firstName) === normaliseName(small.records[b]!.firstName) &&
      normaliseName(small.records[a]!.lastName) === normaliseName(small.records[b]!.lastName) && small.records[a]!.firstName !== null);
    expect(sameName.length).toBeGreaterThan(0);
  });
});
