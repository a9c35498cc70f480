import { describe, expect, it } from 'vitest';
import type { PersonRecord } from '../../../resolver-engine/identity/person.ts';
import { normalisePerson } from '../../../resolver-engine/identity/person.ts';
import { buildMatchContext } from '../../../resolver-engine/identity/match-context.ts';
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
  it('links a record without a first name through a private address spelling the named record\'s full name', () => {
    const r = score({ lastName: 'Graham', email: 'graham.russell@yahoo.co.uk' }, { firstName: 'Russell', lastName: 'Graham', email: 'Graham.Russell@yahoo.co.uk' });
    expect(r.decision).toBe('link');
    expect(score({ firstName: 'L.', lastName: 'Li', email: 'lli656@icloud.com' }, { firstName: 'Lawrence', lastName: 'Li', email: 'lli656@icloud.com' }).decision).toBe('link');
    // A nickname on the named record: the mailbox spells the formal name.
    expect(score({ lastName: 'Cole', email: 'alexandra.cole@outlook.com' }, { firstName: 'Sandra', lastName: 'Cole', email: 'alexandra.cole@outlook.com' }).decision).toBe('link');
  });
  it('still holds back a household mailbox, or one spelling another name than the named record\'s', () => {
    for (const email of ['michelleandthomas@icloud.com', 'adams.home@aol.com', 'chloe.jonathan.adams@hotmail.com', 'thomas.adams@gmail.com']) {
      const r = score({ lastName: 'Adams', email }, { firstName: 'Michelle', lastName: 'Adams', email });
      expect(r.decision, email).toBe('review');
      expect(r.guard, email).toMatch(/no first name/);
    }
  });
  it('does not link a full-name mailbox when two named people of the run write from it', () => {
    const people = [
      normalisePerson({ id: 'nameless', lastName: 'Adams', email: 'michelle.adams@gmail.com' }),
      normalisePerson({ id: 'michelle', firstName: 'Michelle', lastName: 'Adams', email: 'michelle.adams@gmail.com' }),
      normalisePerson({ id: 'thomas', firstName: 'Thomas', lastName: 'Adams', email: 'michelle.adams@gmail.com' }),
    ];
    expect(scorePair(people[0]!, people[1]!, { context: buildMatchContext(people) }).decision).not.toBe('link');
  });
  describe('an initial at one company', () => {
    const office = { companyName: 'North Materials', street: '12 Harbour Rd', postalCode: '20095', city: 'Hamburg', country: 'DE' };
    const initial = normalisePerson({ id: 'm', firstName: 'M.', lastName: 'Harris', ...office });
    const michelle = normalisePerson({ id: 'michelle', firstName: 'Michelle', lastName: 'Harris', ...office, companyName: 'North Materials GmbH' });
    it('links when the run holds one person of that initial and last name there', () => {
      const r = scorePair(initial, michelle, { context: buildMatchContext([initial, michelle]) });
      expect(r.decision).toBe('link');
      expect(r.guard).toBeNull();
    });
    it('holds back when a second one works there (Mark Harris), or without the run to tell', () => {
      const mark = normalisePerson({ id: 'mark', firstName: 'Mark', lastName: 'Harris', companyName: 'North Materials' });
      // Three records are not a large account; a run this small would call any company with two names large.
      const context = { ...buildMatchContext([initial, michelle, mark]), recordsPerLargeCompany: new Map() };
      expect(context.peoplePerInitialAtCompany?.get('north materials|m|harris')).toBe(2);
      const r = scorePair(initial, michelle, { context });
      expect(r.decision).toBe('review');
      expect(r.guard).toMatch(/no first name/);
      expect(scorePair(initial, michelle).decision).toBe('review');
    });
    it('holds back a record with no first name at all, and at a large account', () => {
      const nameless = normalisePerson({ id: 'x', lastName: 'Harris', ...office });
      expect(scorePair(nameless, michelle, { context: buildMatchContext([nameless, michelle]) }).decision).toBe('review');
      const context = { ...buildMatchContext([initial, michelle]), recordsPerLargeCompany: new Map([['north materials', 400]]) };
      expect(scorePair(initial, michelle, { context }).decision).toBe('review');
    });
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

describe('mailboxes a typo apart at one work domain', () => {
  it('are two colleagues when each spells its own record\'s last name (Peterson and Patterson)', () => {
    const r = score(
      { firstName: 'Jennifer', lastName: 'Peterson', email: 'jennifer.peterson@delta.test', companyName: 'Delta' },
      { firstName: 'Jennifer', lastName: 'Patterson', email: 'jennifer.patterson@delta.test', companyName: 'Delta Inc.' },
    );
    expect(r.reasons.find((x) => x.feature === 'email')).toMatchObject({ weight: -2.5, detail: expect.stringMatching(/spell two last names/) });
    expect(r.decision).not.toBe('link');
  });
  it('are one person when the records agree on the last name', () => {
    const r = score(
      { firstName: 'Jennifer', lastName: 'Peterson', email: 'jennifer.peterson@delta.test' },
      { firstName: 'Jennifer', lastName: 'Peterson', email: 'jennifer.petreson@delta.test' },
    );
    expect(r.reasons.find((x) => x.feature === 'email')!.weight).toBeGreaterThan(0);
    expect(r.decision).toBe('link');
  });
});

describe('an address with a numbered sibling at its domain', () => {
  const people = [
    normalisePerson({ id: 'parker', firstName: 'Karen', lastName: 'Parker', email: 'karen@sterling.test' }),
    normalisePerson({ id: 'moreau-typo', firstName: 'Karen', lastName: 'Moreau', email: 'Karen@sterling.test' }), // 'karen2@' with the 2 left out
    normalisePerson({ id: 'moreau', firstName: 'Karen', lastName: 'Moreau', email: 'karen2@sterling.test' }),
    normalisePerson({ id: 'parker-2', firstName: 'Karen', email: 'karen@sterling.test' }),
  ];
  const context = buildMatchContext(people);

  it('is ambiguous: one left-out digit makes one Karen\'s address another\'s, so it does not link on its own', () => {
    expect(context.numberedEmails?.has('karen@sterling.test')).toBe(true);
    const r = scorePair(people[0]!, people[1]!, { context });
    expect(r.reasons.find((x) => x.feature === 'email')).toMatchObject({ weight: 2.5, detail: expect.stringMatching(/numbered one/) });
    expect(r.decision).not.toBe('link');
    expect(scorePair(people[0]!, people[3]!, { context }).decision).not.toBe('link');
  });
  it('still counts in full without a numbered sibling', () => {
    expect(scorePair(people[0]!, people[3]!).decision).toBe('link');
  });
  it('counts in full again when the numbered sibling is recorded under another last name than both records', () => {
    const eric = [
      normalisePerson({ id: 'schwarz-sf', firstName: 'Eric', lastName: 'Schwarz', email: 'eric@sterling.test', companyName: 'Sterling' }),
      normalisePerson({ id: 'schwarz-hs', firstName: 'Eric', lastName: 'Schwarz', email: 'eric@sterling.test' }),
      normalisePerson({ id: 'muller', firstName: 'Eric', lastName: 'Müller', email: 'eric2@sterling.test' }),
    ];
    const ctx = buildMatchContext(eric);
    const r = scorePair(eric[0]!, eric[1]!, { context: ctx });
    expect(r.reasons.find((x) => x.feature === 'email')).toMatchObject({ weight: 6, detail: expect.stringMatching(/other last names/) });
    expect(r.decision).toBe('link');
  });
  it('keeps the doubt when the numbered sibling shares the last name (two Ingrid Böhms, one numbered) or has none', () => {
    const ingrid = [
      normalisePerson({ id: 'bohm-1', firstName: 'Ingrid', lastName: 'Böhm', email: 'ingrid@sterling.test', companyName: 'Sterling' }),
      normalisePerson({ id: 'bohm-2-typo', firstName: 'Ingrid', lastName: 'Böhm', email: 'ingrid@sterling.test', companyName: 'Sterling' }),
      normalisePerson({ id: 'bohm-2', firstName: 'Ingrid', lastName: 'Bohm', email: 'ingrid2@sterling.test' }),
    ];
    const r = scorePair(ingrid[0]!, ingrid[1]!, { context: buildMatchContext(ingrid) });
    expect(r.reasons.find((x) => x.feature === 'email')!.weight).toBe(2.5);
    const nameless = [...ingrid.slice(0, 2), normalisePerson({ id: 'x', firstName: 'Ingrid', email: 'ingrid2@sterling.test' })];
    expect(scorePair(ingrid[0]!, ingrid[1]!, { context: buildMatchContext(nameless) }).reasons.find((x) => x.feature === 'email')!.weight).toBe(2.5);
    // The Karens above: the numbered Karen is a Moreau, and one of the two records is too.
    expect(scorePair(people[0]!, people[1]!, { context }).decision).not.toBe('link');
  });
});

describe('a different last name on one mailbox', () => {
  it('links through an address that names the person (the maiden name in a mailbox made before the marriage)', () => {
    expect(score({ firstName: 'Jane', lastName: 'Doe', email: 'jane.doe@acme.test' }, { firstName: 'Jane', lastName: 'Smith', email: 'jane.doe@acme.test' }).decision).toBe('link');
  });
  it('does not link through a mailbox that is only the first name: two Melissas of one company may both be written with it', () => {
    const r = score({ firstName: 'Melissa', lastName: 'Wood', email: 'melissa@harbor.test', companyName: 'Harbor' }, { firstName: 'Melissa', lastName: 'Nowak', email: 'melissa@harbor.test', companyName: 'Harbor' });
    expect(r.decision).toBe('review');
    expect(r.guard).toMatch(/last names differ/);
    expect(score({ firstName: 'Gabriel', lastName: 'Martinez', email: 'gabriel@red.test' }, { firstName: 'Gabe', lastName: 'Nakamura', email: 'Gabriel@red.test' }).decision).not.toBe('link');
  });
  it('links a first-name mailbox when a personal phone is in common too (samantha2@ and her own number)', () => {
    const r = score(
      { firstName: 'Samantha', lastName: 'Wood', email: 'samantha2@sterling.test', phones: ['+49 221 555 0101'] },
      { firstName: 'Samantha', lastName: 'Nowak', email: 'Samantha2@sterling.test', phones: ['0221 5550101'], country: 'DE' },
    );
    expect(r.reasons.find((x) => x.feature === 'phone')!.weight).toBe(4);
    expect(r.decision).toBe('link');
    expect(r.guard).toBeNull();
  });
  it('still holds back a first-name mailbox and phone when the phone is a line several people of the run use', () => {
    const people = [
      normalisePerson({ id: 'wood', firstName: 'Melissa', lastName: 'Wood', email: 'melissa@harbor.test', phones: ['4155550100'] }),
      normalisePerson({ id: 'nowak', firstName: 'Melissa', lastName: 'Nowak', email: 'melissa@harbor.test', phones: ['415-555-0100'] }),
      normalisePerson({ id: 'colleague', firstName: 'Omar', lastName: 'Haddad', phones: ['(415) 555-0100'] }),
    ];
    const r = scorePair(people[0]!, people[1]!, { context: buildMatchContext(people) });
    expect(r.decision).toBe('review');
    expect(r.guard).toMatch(/last names differ/);
  });
  it('never links partners sharing an email and a phone under different first names', () => {
    const r = score(
      { firstName: 'Anna', lastName: 'Andersen', email: 'anna@andersen.test', phones: ['4155550100'] },
      { firstName: 'Patrick', lastName: 'Kowalski', email: 'anna@andersen.test', phones: ['4155550100'] },
    );
    expect(r.decision).not.toBe('link');
  });
});
