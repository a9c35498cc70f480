import { describe, expect, it } from 'vitest';
import type { PersonRecord } from '../../../resolver-engine/identity/person.ts';
import { normalisePerson } from '../../../resolver-engine/identity/person.ts';
import { scorePair } from '../../../resolver-engine/identity/score-pair.ts';

const score = (a: Omit<PersonRecord, 'id'>, b: Omit<PersonRecord, 'id'>) => scorePair(normalisePerson({ id: 'a', ...a }), normalisePerson({ id: 'b', ...b }));

describe('the link guard', () => {
  it('links a married name through the same personal email and first name', () => {
    expect(score({ firstName: 'Jane', lastName: 'Doe', email: 'jane.doe@gmail.com' }, { firstName: 'Jane', lastName: 'Smith', email: 'janedoe@gmail.com' }).decision).toBe('link');
  });
  it('does not link a different last name through a phone alone (it may be an undetected switchboard)', () => {
    const r = score({ firstName: 'John', lastName: 'Doe', phones: ['4155550100'], companyName: 'Acme' }, { firstName: 'John', lastName: 'Smith', phones: ['415-555-0100'], companyName: 'Acme Inc' });
    expect(r.decision).toBe('review');
    expect(r.guard).toMatch(/last names differ/);
  });
  it('does not link a record without a first name through a private address (a household could share it)', () => {
    const r = score({ lastName: 'Green', email: 'thegreens@icloud.com' }, { firstName: 'Abigail', lastName: 'Green', email: 'thegreens@icloud.com' });
    expect(r.decision).toBe('review');
    expect(r.guard).toMatch(/no first name/);
  });
  it('links a record without a first name through the same work address and last name', () => {
    expect(score({ lastName: 'Blackwood', email: 'lisa.blackwood@quantum.test' }, { firstName: 'Lisa', lastName: 'Blackwood', email: 'lisa.blackwood@quantum.test' }).decision).toBe('link');
  });
  it('does not link an initial through a phone without the same company', () => {
    expect(score({ firstName: 'J.', lastName: 'Miller', phones: ['4155550100'] }, { firstName: 'Jane', lastName: 'Miller', phones: ['4155550100'] }).decision).toBe('review');
    expect(score({ firstName: 'J.', lastName: 'Miller', phones: ['4155550100'], companyName: 'Acme' }, { firstName: 'Jane', lastName: 'Miller', phones: ['4155550100'], companyName: 'ACME LLC' }).decision).toBe('link');
  });
  it('reads mailboxes that differ only by a number as two colleagues, and a swapped letter as a typo', () => {
    const colleagues = score({ firstName: 'Noah', lastName: 'Bonnet', email: 'nbonnet@falcon.test' }, { firstName: 'Noah', lastName: 'Bonnet', email: 'nbonnet2@falcon.test' });
    expect(colleagues.reasons.find((x) => x.feature === 'email')!.weight).toBeLessThan(0);
    const typo = score({ firstName: 'Zoe', lastName: 'Young', email: 'zoe.young@apex.test' }, { firstName: 'Zoe', lastName: 'Young', email: 'zoe.yuong@apex.test' });
    expect(typo.reasons.find((x) => x.feature === 'email')!.weight).toBeGreaterThan(0);
    expect(typo.decision).toBe('link');
  });
});
