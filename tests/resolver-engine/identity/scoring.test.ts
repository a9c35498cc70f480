import { describe, expect, it } from 'vitest';
import { blockingKeys, candidatePairs } from '../../../resolver-engine/identity/blocking.ts';
import { classify } from '../../../resolver-engine/identity/classify.ts';
import { buildMatchContext } from '../../../resolver-engine/identity/match-context.ts';
import { matchPeople } from '../../../resolver-engine/identity/match-people.ts';
import type { PersonRecord } from '../../../resolver-engine/identity/person.ts';
import { normalisePerson } from '../../../resolver-engine/identity/person.ts';
import { scorePair } from '../../../resolver-engine/identity/score-pair.ts';

const person = (id: string, fields: Omit<PersonRecord, 'id'>) => normalisePerson({ id, ...fields });
const score = (a: Omit<PersonRecord, 'id'>, b: Omit<PersonRecord, 'id'>) => scorePair(person('a', a), person('b', b));

describe('classify', () => {
  it('uses the thresholds', () => {
    expect(classify(9)).toBe('link');
    expect(classify(8)).toBe('link');
    expect(classify(5)).toBe('review');
    expect(classify(4.5)).toBe('review');
    expect(classify(4)).toBe('separate');
    expect(classify(5, { link: 5, review: 2 })).toBe('link');
  });
});

describe('scorePair', () => {
  it('links the same person across CRMs, explaining why', () => {
    const r = score(
      { firstName: 'Ada', lastName: 'Lovelace', email: 'Ada.Lovelace@acme.test', phones: ['(415) 555-0132'] },
      { firstName: 'ada', lastName: 'LOVELACE', email: 'ada.lovelace@acme.test ', phones: ['+1 415 555 0132'] },
    );
    expect(r.decision).toBe('link');
    expect(r.reasons.map((x) => x.feature)).toEqual(['email', 'phone', 'firstName', 'lastName']);
    expect(r.reasons[0]).toEqual({ feature: 'email', weight: 6, detail: 'same email ada.lovelace@acme.test' });
  });
  it('links nicknames and accents', () => {
    expect(score({ firstName: 'Bob', lastName: 'Núñez', email: 'bob@x.test' }, { firstName: 'Robert', lastName: 'Nunez', email: 'bob@x.test' }).decision).toBe('link');
    expect(score({ firstName: 'Liz', lastName: 'Taylor', email: 'e.taylor@gmail.com' }, { firstName: 'Elizabeth', lastName: 'Taylor', email: 'etaylor+crm@googlemail.com' }).decision).toBe('link');
  });
  it('links a married name when email and phone agree', () => {
    const r = score({ firstName: 'Jane', lastName: 'Doe', email: 'jane.doe@x.test', phones: ['4155550100'] }, { firstName: 'Jane', lastName: 'Smith', email: 'jane.doe@x.test', phones: ['415-555-0100'] });
    expect(r.decision).toBe('link');
    expect(r.reasons.find((x) => x.feature === 'lastName')!.detail).toMatch(/married/);
    // A mailbox that is only the first name links across two last names only with a personal phone as well;
    // where the run holds 'jane2@' (a left-out digit makes it read as 'jane@') the mailbox is not full weight
    // and the pair stays in review.
    const doe = person('doe', { firstName: 'Jane', lastName: 'Doe', email: 'jane@x.test', phones: ['4155550100'] });
    const smith = person('smith', { firstName: 'Jane', lastName: 'Smith', email: 'jane@x.test', phones: ['415-555-0100'] });
    expect(scorePair(doe, smith).decision).toBe('link');
    const numbered = person('smith-2', { firstName: 'Jane', lastName: 'Smith', email: 'jane2@x.test' });
    const r2 = scorePair(doe, smith, { context: buildMatchContext([doe, smith, numbered]) });
    expect(r2.decision).toBe('review');
    expect(r2.guard).toMatch(/last names differ/);
  });
  it('links the same full name at the same company (the standard CRM duplicate rule)', () => {
    const r = score({ firstName: 'Ada', lastName: 'Lovelace', companyName: 'Acme', city: 'London' }, { firstName: 'Ada', lastName: 'Lovelace', companyName: 'Acme Ltd', city: 'London' });
    expect(r.decision).toBe('link');
    expect(r.reasons.find((x) => x.feature === 'company')!.detail).toMatch(/same company 'acme'/);
  });
  it('sends a name-only match to review, not link', () => {
    expect(score({ firstName: 'Ada', lastName: 'Lovelace', city: 'London' }, { firstName: 'Ada', lastName: 'Lovelace', city: 'London' }).decision).toBe('review');
  });
  it('does not link the same full name at one company when their work mailboxes differ (two colleagues)', () => {
    const r = score({ firstName: 'John', lastName: 'Smith', email: 'john.smith@acme.test', companyName: 'Acme' }, { firstName: 'John', lastName: 'Smith', email: 'john.smith2@acme.test', companyName: 'Acme Inc' });
    expect(r.decision).not.toBe('link');
    expect(r.reasons.find((x) => x.feature === 'email')!.weight).toBeLessThan(0);
  });
  it('keeps namesakes apart', () => {
    expect(score({ firstName: 'John', lastName: 'Smith', email: 'john@a.test', phones: ['4155550100'] }, { firstName: 'John', lastName: 'Smith', email: 'jsmith@b.test', phones: ['2125550199'] }).decision).toBe('separate');
  });
});

describe('hard negatives: an identifier alone never links two people', () => {
  it('same email but clearly different first names (household email) → not link', () => {
    const r = score({ firstName: 'John', lastName: 'Miller', email: 'themillers@gmail.com' }, { firstName: 'Mary', lastName: 'Miller', email: 'the.millers@gmail.com' });
    expect(r.decision).not.toBe('link');
    expect(r.reasons.find((x) => x.feature === 'firstName')!.weight).toBeLessThan(0);
  });
  it('same email, different first names, even with the same phone → at most review, with the guard named', () => {
    const r = score(
      { firstName: 'John', lastName: 'Miller', email: 'millers@home.test', phones: ['4155550100'], postalCode: '94110' },
      { firstName: 'Mary', lastName: 'Miller', email: 'millers@home.test', phones: ['4155550100'], postalCode: '94110' },
    );
    expect(r.score).toBeGreaterThanOrEqual(8);
    expect(r.decision).toBe('review');
    expect(r.guard).toMatch(/first names differ/);
  });
  it('colleagues sharing a company phone → separate', () => {
    expect(score({ firstName: 'Alice', lastName: 'Wong', phones: ['4155550000'], companyName: 'Acme' }, { firstName: 'Bruno', lastName: 'Diaz', phones: ['4155550000'], companyName: 'Acme Inc' }).decision).toBe('separate');
  });
  it('colleagues sharing a domain → separate', () => {
    expect(score({ firstName: 'Alice', lastName: 'Wong', email: 'alice@acme.test' }, { firstName: 'Bruno', lastName: 'Diaz', email: 'bruno@acme.test' }).decision).toBe('separate');
  });
  it('a role address shared by a team → not link', () => {
    expect(score({ firstName: 'Alice', lastName: 'Wong', email: 'sales@acme.test' }, { firstName: 'Alice', lastName: 'Wong', email: 'sales@acme.test' }).decision).not.toBe('link');
  });
  it('an email alone, with no name to corroborate it → review', () => {
    const r = score({ email: 'ada@acme.test' }, { email: 'ada@acme.test', firstName: 'Ada' });
    expect(r.decision).toBe('review');
  });
  it('a phone used by several people in the data set counts for little', () => {
    const people = [
      person('1', { firstName: 'Alice', lastName: 'Wong', phones: ['4155550000'] }),
      person('2', { firstName: 'Bruno', lastName: 'Diaz', phones: ['4155550000'] }),
      person('3', { firstName: 'Alice', lastName: 'Wong', phones: ['4155550000'] }),
    ];
    const context = buildMatchContext(people);
    expect(context.peoplePerPhone.get('+14155550000')).toBe(2);
    const colleagues = scorePair(people[0]!, people[1]!, { context });
    expect(colleagues.reasons.find((x) => x.feature === 'phone')).toMatchObject({ weight: 0.5, detail: expect.stringMatching(/shared by 2 people/) });
    expect(colleagues.decision).toBe('separate');
    // Between two records of one full name the shared line counts as the same workplace: the same full
    // name at one switchboard links, like the same full name at one company (a deliberate change, measured
    // with bench/identity); with another last name it does not.
    const samePerson = scorePair(people[0]!, people[2]!, { context });
    expect(samePerson.reasons.find((x) => x.feature === 'phone')).toMatchObject({ weight: 2, detail: expect.stringMatching(/shared by 2 people, same first name/) });
    expect(samePerson.decision).toBe('link');
    const otherLast = scorePair(people[0]!, person('4', { firstName: 'Alice', lastName: 'Moreau', phones: ['4155550000'] }), { context });
    expect(otherLast.decision).not.toBe('link');
    expect(scorePair(people[0]!, people[2]!).decision).toBe('link'); // without the context the line looks personal
  });
});

describe('blocking', () => {
  it('gives nickname and typo variants a common key', () => {
    const bob = blockingKeys(person('a', { firstName: 'Bob', lastName: 'Smith' }));
    const robert = blockingKeys(person('b', { firstName: 'Robert', lastName: 'Smyth' }));
    expect(bob.filter((k) => robert.includes(k))).toEqual(['name:S530:robert']);
  });
  it('grows roughly linearly: distinct people produce few comparisons', () => {
    const people = Array.from({ length: 2000 }, (_, i) => person(String(i), {
      firstName: `First${i}`, lastName: `Surname${String.fromCharCode(97 + (i % 26))}${i}`, email: `user${i}@example${i % 50}.test`, phones: [`+1415555${String(i).padStart(4, '0')}`],
    }));
    const { pairs } = candidatePairs(people);
    expect(pairs.length).toBeLessThan(people.length * 5);
  });
  it('skips and reports blocks beyond the size limit', () => {
    const people = Array.from({ length: 60 }, (_, i) => person(String(i), { firstName: `P${i}`, phones: ['4155550000'] }));
    const { pairs, oversizedBlocks } = candidatePairs(people, { maxBlockSize: 50 });
    expect(pairs).toEqual([]);
    expect(oversizedBlocks).toEqual([{ key: 'phone:+14155550000', size: 60 }]);
  });
});

describe('matchPeople', () => {
  it('finds duplicates inside one CRM and across CRMs', () => {
    const run = matchPeople([
      { id: 'sf/1', firstName: 'William', lastName: 'Gates', email: 'bill@msft.test', phones: ['4255550001'] },
      { id: 'hs/7', firstName: 'Bill', lastName: 'Gates', email: 'BILL@msft.test' },
      { id: 'sf/2', firstName: 'Bill', lastName: 'Gates', email: 'bill@msft.test', phones: ['425.555.0001'] },
      { id: 'sf/3', firstName: 'Melinda', lastName: 'Gates', phones: ['4255550002'] },
    ]);
    const links = run.pairs.filter((p) => p.decision === 'link').map((p) => [p.a, p.b].sort().join(' ~ ')).sort();
    expect(links).toEqual(['hs/7 ~ sf/1', 'hs/7 ~ sf/2', 'sf/1 ~ sf/2']);
    expect(run.pairs.some((p) => p.a === 'sf/3' || p.b === 'sf/3')).toBe(false);
  });
});

describe('the same full name at a large account', () => {
  // 120 colleagues of distinct names at one company, in a run of 1,200 names: two of them sharing a full name is
  // likely enough there (0.05 expected pairs or more), so the company alone does not link the same full name.
  const firsts = ['ada', 'ben', 'cy', 'dora', 'eli', 'fay', 'gus', 'hal', 'ivy', 'jo', 'kai', 'lea'];
  const titles = ['CEO', 'CTO', 'CFO', 'Buyer', 'Controller', 'Consultant', 'Office Manager', 'Data Analyst', 'IT Director', 'Engineer'];
  const colleagues = Array.from({ length: 120 }, (_, i) => person(`c${i}`, {
    firstName: firsts[i % 12], lastName: `Surname${Math.floor(i / 12)}`, companyName: 'Atlas Works', title: titles[i % 10],
  }));
  // Elsewhere in the run titles vary widely, so two people rarely share one.
  const others = Array.from({ length: 1080 }, (_, i) => person(`o${i}`, { firstName: firsts[i % 12], lastName: `Other${i}`, companyName: `Firm ${i}`, title: `Role ${i}` }));
  const ada = (id: string, title: string) => person(id, { firstName: 'Ada', lastName: 'Lovelace', companyName: 'Atlas Works', title });
  const context = buildMatchContext([...colleagues, ...others, ada('x', 'CTO'), ada('y', 'CTO')]);

  it('is large, and the same full name there needs more than the company', () => {
    expect(context.recordsPerLargeCompany?.get('atlas works')).toBe(122);
    const r = scorePair(ada('a', 'CTO'), ada('b', 'Buyer'), { context });
    expect(r.reasons.find((x) => x.feature === 'company')).toMatchObject({ weight: 1.5 });
    expect(r.decision).not.toBe('link');
  });
  it('links the same full name with the same job title where the run makes that unlikely for two people', () => {
    expect(context.largeCompaniesWhereTitleTells?.has('atlas works')).toBe(true);
    const r = scorePair(ada('a', 'CTO'), ada('b', 'cto'), { context });
    expect(r.reasons.find((x) => x.feature === 'company')).toMatchObject({ weight: 2.5, detail: expect.stringMatching(/same title 'cto'/) });
    expect(r.decision).toBe('link');
  });
});

describe('the same full name and job title in one city', () => {
  // 200 people of distinct names in each of two cities; titles vary widely in one run and barely in another.
  const firsts = ['ada', 'ben', 'cy', 'dora', 'eli', 'fay', 'gus', 'hal', 'ivy', 'jo', 'kai', 'lea'];
  const town = (title: (i: number) => string) => Array.from({ length: 400 }, (_, i) => person(`t${i}`, {
    firstName: firsts[i % 12], lastName: `Surname${i}`, city: i % 2 ? 'Leeds' : 'York', title: title(i),
  }));
  const grace = (id: string, fields: Partial<PersonRecord> = {}) => person(id, { firstName: 'Grace', lastName: 'Hopper', city: 'Leeds', title: 'Rear Admiral', ...fields });
  const varied = buildMatchContext([...town((i) => `Role ${i}`), grace('x'), grace('y')]);

  it('links where the run makes two such people in that city unlikely, and says why', () => {
    expect(varied.citiesWhereTitleTells?.has('leeds')).toBe(true);
    const r = scorePair(grace('a', { email: 'grace@navy.test' }), grace('b', { companyName: 'US Navy' }), { context: varied });
    expect(r.reasons.find((x) => x.feature === 'title')).toMatchObject({ weight: 1.5, detail: expect.stringMatching(/same title 'rear admiral' in 'leeds'/) });
    expect(r.decision).toBe('link');
  });
  it('does not link on it without the title, in another city, or with two employers named', () => {
    for (const [label, b] of [
      ['another title', grace('b', { title: 'Programmer' })],
      ['another city', grace('b', { city: 'York' })],
      ['no title', grace('b', { title: null })],
    ] as const) {
      const r = scorePair(grace('a'), b, { context: varied });
      expect(r.reasons.some((x) => x.feature === 'title'), label).toBe(false);
      expect(r.decision, label).not.toBe('link');
    }
    const employers = scorePair(grace('a', { companyName: 'US Navy' }), grace('b', { companyName: 'Remington Rand' }), { context: varied });
    expect(employers.reasons.some((x) => x.feature === 'title')).toBe(true);
    expect(employers.decision).toBe('review');
    expect(employers.guard).toMatch(/title in a city where that tells/);
    const domains = scorePair(grace('a', { email: 'grace@navy.test' }), grace('b', { email: 'ghopper@remington.test' }), { context: varied });
    expect(domains.decision).not.toBe('link');
  });
  it('says nothing where many people share few titles', () => {
    const few = buildMatchContext([...town((i) => `Role ${i % 3}`), grace('x'), grace('y')]);
    expect(few.citiesWhereTitleTells?.has('leeds')).toBe(false);
    const r = scorePair(grace('a'), grace('b'), { context: few });
    expect(r.reasons.some((x) => x.feature === 'title')).toBe(false);
    expect(r.decision).not.toBe('link');
  });
});
