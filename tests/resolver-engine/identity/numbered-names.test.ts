/**
 * Names that differ only in their numbers are other things, not typing slips: 'Bulk Company 0' and 'Bulk Company 20'
 * are two companies, 'Lovelace0' and 'Lovelace100' two people, '5th Ave' and '6th Ave' two streets. Before, an edit
 * distance of one or two read them as typos, and colleagues-in-name at numbered companies were linked.
 */
import { describe, expect, it } from 'vitest';
import { numbersDiffer } from '../../../resolver-engine/identity/edit-distance.ts';
import { matchPeople } from '../../../resolver-engine/identity/match-people.ts';
import type { PersonRecord } from '../../../resolver-engine/identity/person.ts';
import { normalisePerson } from '../../../resolver-engine/identity/person.ts';
import { scorePair } from '../../../resolver-engine/identity/score-pair.ts';

const score = (a: Omit<PersonRecord, 'id'>, b: Omit<PersonRecord, 'id'>) => scorePair(normalisePerson({ id: 'a', ...a }), normalisePerson({ id: 'b', ...b }));
const reason = (r: ReturnType<typeof score>, feature: string) => r.reasons.find((x) => x.feature === feature);

describe('numbers in names', () => {
  it('numbersDiffer compares the numbers in order, not the letters', () => {
    expect(numbersDiffer('bulk company 0', 'bulk company 20')).toBe(true);
    expect(numbersDiffer('studio 54', 'studio 55')).toBe(true);
    expect(numbersDiffer('unit 4 ltd', 'unit 4 limited')).toBe(false);
    expect(numbersDiffer('acme', 'acne')).toBe(false);
    expect(numbersDiffer('3m', '3m company')).toBe(false);
    expect(numbersDiffer('route 6 6', 'route 66')).toBe(true);
  });

  it('two people whose last names and companies differ only in a number are not linked, and say why', () => {
    const r = score(
      { firstName: 'Ada', lastName: 'Lovelace0', email: 'ada.lovelace0@bulk-company-0.example.com', companyName: 'Bulk Company 0 Inc.', postalCode: '94105', city: 'San Francisco' },
      { firstName: 'Ada', lastName: 'Lovelace100', email: 'ada.lovelace100@bulk-company-20.example.com', companyName: 'Bulk Company 20', postalCode: '94105', city: 'San Francisco' },
    );
    expect(r.decision).not.toBe('link');
    expect(reason(r, 'lastName')).toMatchObject({ weight: -1.5 });
    expect(reason(r, 'lastName')!.detail).toContain('other numbers');
    expect(reason(r, 'company')).toBeUndefined();
  });

  it('a letter slip in a numbered company is still one company', () => {
    const r = score(
      { firstName: 'Grace', lastName: 'Hopper', companyName: 'Studio 54 Productions', phones: ['+1 212 555 0154'] },
      { firstName: 'Grace', lastName: 'Hopper', companyName: 'Studio 54 Prodcutions', phones: ['+1 212 555 0154'] },
    );
    expect(reason(r, 'company')!.detail).toContain('typo');
    expect(r.decision).toBe('link');
  });

  it('a run over numbered bulk records links each person\'s two records and nobody else', () => {
    const records: PersonRecord[] = [];
    for (let p = 0; p < 60; p++) {
      const base = { firstName: ['Ada', 'Alan', 'Grace'][p % 3]!, lastName: `Lovelace${p}`, email: `p${p}@bulk-company-${Math.floor(p / 5)}.example.com`, postalCode: '94105' };
      records.push({ id: `sf/${p}`, ...base, companyName: `Bulk Company ${Math.floor(p / 5)} Inc.` });
      records.push({ id: `hs/${p}`, ...base, companyName: `Bulk Company ${Math.floor(p / 5)}` });
    }
    const links = matchPeople(records).pairs.filter((x) => x.decision === 'link');
    expect(links.filter((x) => x.a.split('/')[1] !== x.b.split('/')[1])).toEqual([]);
    expect(links).toHaveLength(60);
  });
});
